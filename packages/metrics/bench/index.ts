/**
 * Metrics benchmarks: A/A and power simulations of peeking.
 *
 *   pnpm bench            2,000 experiments × 20 looks
 *   pnpm bench --smoke    a tiny run to check the script works
 */
import { writeFileSync } from "node:fs";
import { type PeekingDesign, simulatePeeking } from "./peeking-simulation.js";

const smoke = process.argv.includes("--smoke");
const base: PeekingDesign = {
  experiments: smoke ? 100 : 2000,
  looks: smoke ? 5 : 20,
  unitsPerLookPerArm: 500,
  controlRate: 0.1,
  variantRate: 0.1,
  alpha: 0.05,
  seed: 20261126,
};
const n = base.looks * base.unitsPerLookPerArm;

const started = performance.now();
const aa = simulatePeeking(base);
const power = simulatePeeking({ ...base, variantRate: 0.12, seed: base.seed + 1 });
const seconds = (performance.now() - started) / 1000;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const rows = [
  [
    "analyzeExperiment, sequential (confidence sequence), every look",
    aa.sequentialAnyLook,
    power.sequentialAnyLook,
  ],
  [
    "analyzeExperiment, fixed-horizon z-test, every look (naive)",
    aa.naiveAnyLook,
    power.naiveAnyLook,
  ],
  [
    "analyzeExperiment, fixed-horizon z-test, final look only",
    aa.fixedFinalLook,
    power.fixedFinalLook,
  ],
] as const;

console.log(
  `\n## Peeking simulation (${base.experiments} experiments per column, ${base.looks} looks, ` +
    `${base.unitsPerLookPerArm} units per arm per look → n = ${n} per arm; α = ${base.alpha}; ` +
    `base rate ${base.controlRate}; seed ${base.seed})\n`,
);
console.log("| procedure | false-positive rate (A/A, no effect) | power (10% → 12%, +2 points) |");
console.log("|---|---:|---:|");
for (const [name, fpr, pow] of rows) console.log(`| ${name} | ${pct(fpr)} | ${pct(pow)} |`);
console.log(
  `\nWith the +2-point effect, the sequential procedure decided after ${power.sequentialMeanStoppingN?.toFixed(0)} units per arm on average (of ${n} planned).`,
);
const mcError = Math.sqrt((0.05 * 0.95) / base.experiments);
console.log(
  `\nMonte Carlo standard error of a rate near 5%: ±${pct(mcError)}. ` +
    `Sequential tuning = planned total ${2 * n} units. ${seconds.toFixed(1)} s.`,
);

if (!smoke) {
  writeFileSync(
    new URL("./results.json", import.meta.url),
    `${JSON.stringify({ design: base, aa, power, seconds }, null, 2)}\n`,
  );
}

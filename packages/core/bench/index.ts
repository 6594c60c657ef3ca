/**
 * Core benchmarks: `pnpm bench` (add `--smoke` for a tiny run that only checks it works).
 * Times are CPU time of this single-threaded process, best of 5 runs after a warm-up.
 *
 * 1. Redaction throughput on one core, on realistic chat text with 1% of characters PII, against
 *    one pass of one simple email regex over the same text (the baseline), and their ratio.
 * 2. Redaction throughput on adversarial inputs (linear time, no catastrophic backtracking).
 * 3. Token counting throughput (o200k_base via gpt-tokenizer).
 * 4. Variant assignments per second, against one FNV-1a hash of the same key.
 * 5. Browser bundle size (min+gz) of `redact` + `assignVariant`.
 * 6. Event ids: nanoseconds per `newEventId()`.
 *
 * Prints a markdown table; a full run also writes bench/results.json (not committed).
 */
import { writeFileSync } from "node:fs";
import { newEventId, redact } from "../src/index.js";
import { countTokens } from "../src/usage.js";
import { measureAssignment } from "./assignment-rate.js";
import { measureBundle } from "./bundle-size.js";
import { makeChatMessages } from "./chat-text.js";
import { bestCpuSeconds } from "./cpu-time.js";

const smoke = process.argv.includes("--smoke");
const MiB = 1 << 20;
const encoder = new TextEncoder();

const rows: [string, string, string][] = [];
const rounds = smoke ? 1 : 5;

// 1. Redaction vs one simple regex, message by message as the SDK and server run it.
const messages = makeChatMessages(smoke ? 256 * 1024 : 8 * MiB, 0.01);
const bytes = messages.reduce((sum, m) => sum + encoder.encode(m).length, 0);
let findings = 0;
const redactSeconds = bestCpuSeconds(rounds, () => {
  findings = 0;
  for (const m of messages) findings += redact(m).findings.length;
});
const SIMPLE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
let simpleMatches = 0;
const regexSeconds = bestCpuSeconds(rounds, () => {
  simpleMatches = 0;
  for (const m of messages) simpleMatches += m.match(SIMPLE)?.length ?? 0;
});
const redactMBs = bytes / MiB / redactSeconds;
const regexMBs = bytes / MiB / regexSeconds;
rows.push(
  [
    "redact(), chat text with 1% PII",
    `${redactMBs.toFixed(1)} MiB/s`,
    `${(bytes / MiB).toFixed(1)} MiB in ${messages.length} messages, ${findings} findings`,
  ],
  [
    "baseline: one email regex, one pass",
    `${regexMBs.toFixed(1)} MiB/s`,
    `${simpleMatches} matches`,
  ],
  [
    "redact() / baseline",
    `${(redactMBs / regexMBs).toFixed(2)}×`,
    redactMBs >= 50 ? "target ≥ 50 MiB/s met" : "below the 50 MiB/s target",
  ],
);
// A second, digit-anchored baseline, for scale: a regex that starts only at digits is far faster.
const SSN_LIKE = /\d{3}-\d{2}-\d{4}/g;
let ssnMatches = 0;
const ssnSeconds = bestCpuSeconds(rounds, () => {
  ssnMatches = 0;
  for (const m of messages) ssnMatches += m.match(SSN_LIKE)?.length ?? 0;
});
const ssnMBs = bytes / MiB / ssnSeconds;
rows.push([
  "second baseline: /\\d{3}-\\d{2}-\\d{4}/, one pass",
  `${ssnMBs.toFixed(1)} MiB/s`,
  `${ssnMatches} matches; redact() is ${(redactMBs / ssnMBs).toFixed(2)}× of it`,
]);

// 2. Adversarial inputs: each 1 MiB (256 KiB in smoke mode).
const size = smoke ? 256 * 1024 : MiB;
const fill = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
let slowest = { name: "", mbs: Number.POSITIVE_INFINITY };
for (const [name, text] of [
  ['"a@"×n', fill("a@")],
  ['"1 "×n', fill("1 ")],
  ['"1-"×n', fill("1-")],
  ["digits", fill("1")],
  ['"-"×n', fill("-")],
  ['"eyJa."×n', fill("eyJaaaa.")],
  ["hex", fill("abcdef0123456789")],
] as const) {
  const seconds = bestCpuSeconds(rounds, () => redact(text));
  const mbs = size / MiB / seconds;
  if (mbs < slowest.mbs) slowest = { name, mbs };
}
rows.push([
  "redact(), slowest adversarial input",
  `${slowest.mbs.toFixed(1)} MiB/s`,
  `${slowest.name}, ${(size / 1024).toFixed(0)} KiB`,
]);

// 3. Tokens per second.
let tokens = 0;
const tokenSeconds = bestCpuSeconds(rounds, () => {
  tokens = 0;
  for (const m of messages) tokens += countTokens({ model: "gpt-4o", input: m }).inputTokens;
});
rows.push([
  "countTokens(), gpt-4o (o200k_base)",
  `${(tokens / tokenSeconds / 1e6).toFixed(2)} M tokens/s`,
  `${tokens} tokens, ${(bytes / MiB / tokenSeconds).toFixed(1)} MiB/s`,
]);

// 4. Assignments per second, beside one hash of the same key.
const assignment = measureAssignment(smoke ? 100_000 : 2_000_000, rounds);
rows.push(
  [
    "assignVariant()",
    `${(assignment.perSecond / 1e6).toFixed(2)} M/s`,
    `${assignment.assignments} assignments, ${assignment.inExperiment} in the experiment`,
  ],
  [
    "baseline: one FNV-1a of the same key",
    `${(assignment.hashPerSecond / 1e6).toFixed(2)} M/s`,
    `assignVariant() is ${(assignment.perSecond / assignment.hashPerSecond).toFixed(2)}× of it`,
  ],
);

// 6. Event ids (UUIDv7): the SDK makes one per log() call.
const idCount = smoke ? 10_000 : 500_000;
let lastId = "";
const idSeconds = bestCpuSeconds(rounds, () => {
  for (let i = 0; i < idCount; i++) lastId = newEventId();
});
rows.push([
  "newEventId()",
  `${((idSeconds / idCount) * 1e9).toFixed(0)} ns/id`,
  `${idCount} ids, last ${lastId.slice(0, 8)}…`,
]);

// 5. Browser bundle.
const bundle = await measureBundle(["redact", "assignVariant"]);
rows.push([
  "browser bundle: redact + assignVariant",
  `${(bundle.gzipBytes / 1024).toFixed(1)} KiB min+gz`,
  `${(bundle.minifiedBytes / 1024).toFixed(1)} KiB minified (esbuild, gzip -9)`,
]);

console.log(
  `\n@loopkit/core benchmarks${smoke ? " (smoke run)" : ""}: Node ${process.version}, one core, CPU time, best of ${rounds} after a warm-up\n`,
);
console.log("| measure | result | notes |\n|---|---:|---|");
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);

if (!smoke) {
  writeFileSync(
    new URL("./results.json", import.meta.url),
    `${JSON.stringify(
      {
        node: process.version,
        redaction: {
          mibPerSecond: redactMBs,
          baselineMibPerSecond: regexMBs,
          digitBaselineMibPerSecond: ssnMBs,
          ratio: redactMBs / regexMBs,
          bytes,
          findings,
        },
        adversarial: { slowest: slowest.name, mibPerSecond: slowest.mbs },
        tokensPerSecond: tokens / tokenSeconds,
        assignmentsPerSecond: assignment.perSecond,
        nsPerEventId: (idSeconds / idCount) * 1e9,
        bundle,
      },
      null,
      2,
    )}\n`,
  );
}

/**
 * An A/B test of two prompt versions: create and start an experiment (secret key), route users
 * with `variant()` (public key, as a browser would; each user's exposure is logged once), log
 * their requests and whether their task succeeded, then read the analysis: per-variant success
 * with intervals, the difference with fixed and always-valid intervals, the sample-ratio check
 * and the sequential decision.
 *
 *   LOOPKIT_URL=http://127.0.0.1:3000 LOOPKIT_PUBLIC_KEY=lk_pub_… LOOPKIT_SECRET_KEY=lk_sec_… \
 *     pnpm exec tsx examples/ab-test.ts
 *
 * The users are simulated: "concise" (prompt v2) genuinely succeeds more often (70% of tasks)
 * than "control" (v1, 55%), with a seeded random generator, so every run tells the same story.
 */
import { createApiClient, createLoopkit } from "@loopkit/sdk";
import { createExperiments } from "@loopkit/sdk/experiments";

const baseUrl = process.env.LOOPKIT_URL ?? "http://127.0.0.1:3000";
const publicKey = process.env.LOOPKIT_PUBLIC_KEY;
const secretKey = process.env.LOOPKIT_SECRET_KEY;
if (!publicKey || !secretKey) {
  console.error(
    "Set LOOPKIT_PUBLIC_KEY and LOOPKIT_SECRET_KEY (printed by the server's first start).",
  );
  process.exit(1);
}
const USERS = 2000;
/** Each variant's prompt version, and how often its users' tasks succeed in this simulation. */
const VARIANTS = [
  { key: "control", promptVersion: "v1", successRate: 0.55 },
  { key: "concise", promptVersion: "v2", successRate: 0.7 },
];
const percent = (x: number | null | undefined) =>
  x === null || x === undefined ? "n/a" : `${(x * 100).toFixed(1)}%`;
const points = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}`;

// 1. Create the experiment and start it (secret key: server side). A fresh key per run.
const admin = createApiClient({ baseUrl, apiKey: secretKey });
const experimentKey = `support-answer-ab-${Date.now().toString(36)}`;
await admin.mutate("experiments.create", {
  key: experimentKey,
  promptName: "support-answer",
  variants: VARIANTS.map(({ key, promptVersion }) => ({ key, promptVersion, weight: 0.5 })),
  primaryMetric: "task_succeeded",
});
await admin.mutate("experiments.start", { key: experimentKey, actor: "examples/ab-test.ts" });
console.log(`experiment ${experimentKey}: running, control (v1) vs concise (v2), 50/50`);

// 2. The app: the public key, configs loaded once, then variant() per user without waiting.
const loopkit = createLoopkit({
  baseUrl,
  apiKey: publicKey,
  onError: (error) => console.error(`not delivered (${error.code}): ${error.message}`),
});
const experiments = createExperiments(loopkit, {
  onError: (error) => console.error(`experiment configs unavailable: ${error.message}`),
});
await experiments.load();

let seed = 42; // mulberry32, so the simulated users behave the same on every run
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const assigned: Record<string, number> = { control: 0, concise: 0 };
for (let i = 0; i < USERS; i++) {
  const userId = `user-${i}`;
  const { variant, promptVersion } = experiments.variant(experimentKey, userId);
  if (variant === null) continue; // not in the experiment: serve the default prompt, untagged
  assigned[variant]!++;
  const requestId = loopkit.log({
    promptName: "support-answer",
    promptVersion: promptVersion ?? undefined,
    experimentKey,
    variant,
    userId,
    model: "gpt-4o-mini",
    input: [{ role: "user", content: `How do I reset my password? (ticket ${i})` }],
    output: variant === "concise" ? "Settings → Security → Reset." : "Open Settings, then…",
    latencyMs: 500 + Math.round(random() * 400),
    tags: [experimentKey],
  });
  const { successRate } = VARIANTS.find((v) => v.key === variant)!;
  loopkit.outcome(requestId, random() < successRate);
}
await loopkit.shutdown();
const stats = loopkit.stats();
console.log(
  `assigned ${USERS} users: ${Object.entries(assigned)
    .map(([variant, n]) => `${variant} ${n}`)
    .join(", ")}`,
);
console.log(`delivered: ${stats.delivered} events, rejected: ${stats.rejected}`);

// 3. Per-variant task success with 95% intervals (this run's requests, by their tag).
const comparison = await admin.query("metrics.compareVersions", {
  promptName: "support-answer",
  tags: [experimentKey],
});
console.log("\ntask success per variant (95% interval):");
for (const { key: variant, promptVersion } of VARIANTS) {
  const version = comparison.versions.find((v) => v.version === promptVersion);
  const success = version?.metrics.find((m) => m.metric === "taskSuccessRate");
  const interval = success?.interval;
  console.log(
    `  ${variant} (${promptVersion}): ${percent(success?.value)} [${
      interval ? `${percent(interval.lower)}, ${percent(interval.upper)}` : "n/a"
    }] of ${version?.requests ?? 0} requests`,
  );
}

// 4. The experiment's analysis: sequential, so it may be read at any time.
const { analysis, exposures } = await admin.query("experiments.analyze", { key: experimentKey });
console.log(
  `\nexposures: ${exposures.map((e) => `${e.variant} ${e.units}`).join(", ")} (one per user)`,
);
for (const result of analysis.variants) {
  const p = result.primary;
  if (p.difference === null || p.interval === null) continue;
  console.log(
    `${result.variant} vs ${analysis.control}: ${points(p.difference)} points, 95% CI [${points(
      p.interval.lower,
    )}, ${points(p.interval.upper)}]` +
      (p.sequential
        ? `, always-valid CI [${points(p.sequential.interval.lower)}, ${points(
            p.sequential.interval.upper,
          )}]`
        : "") +
      `, chance to beat control ${percent(p.chanceToBeatControl)}: ${p.verdict}`,
  );
}
const srm = analysis.srm;
console.log(
  srm
    ? `sample ratio mismatch: p = ${srm.pValue?.toFixed(3) ?? "n/a"} (${
        srm.mismatch ? "MISMATCH: do not trust the results" : "no mismatch"
      })`
    : "sample ratio mismatch: no exposures",
);
console.log(
  `decision: ${analysis.decision}${analysis.winner ? ` (winner: ${analysis.winner})` : ""}`,
);
for (const reason of analysis.reasons) console.log(`  - ${reason}`);

/**
 * Offline evaluation: log answers of two prompt versions (with a few user ratings), have the
 * server's LLM judge score each version's logged answers on a rubric (clarity, usefulness,
 * correctness, safety), watch the runs, and print a per-version table of scores with intervals
 * and the judge's agreement with the users' ratings.
 *
 *   LOOPKIT_URL=http://127.0.0.1:3000 LOOPKIT_PUBLIC_KEY=lk_pub_… LOOPKIT_SECRET_KEY=lk_sec_… \
 *     pnpm exec tsx examples/offline-evaluation.ts
 *
 * The server judges with the OpenAI-compatible endpoint it was started with
 * (LOOPKIT_OPENAI_BASE_URL, LOOPKIT_OPENAI_API_KEY, LOOPKIT_JUDGE_MODEL): OpenAI, Azure, vLLM,
 * Ollama, LM Studio… Without one, evaluations.start answers INVALID_CONFIG saying so.
 */
import { createApiClient, createLoopkit, LoopkitApiError } from "@loopkit/sdk";

const baseUrl = process.env.LOOPKIT_URL ?? "http://127.0.0.1:3000";
const publicKey = process.env.LOOPKIT_PUBLIC_KEY;
const secretKey = process.env.LOOPKIT_SECRET_KEY;
if (!publicKey || !secretKey) {
  console.error(
    "Set LOOPKIT_PUBLIC_KEY and LOOPKIT_SECRET_KEY (printed by the server's first start).",
  );
  process.exit(1);
}
const PROMPT = "order-status";
const PER_VERSION = 20;
/** What each version answered: v1 is vague, v2 points to where the tracking is. */
const ANSWERS: Record<string, Array<(order: number) => string>> = {
  v1: [
    () => "Your order is on its way.",
    () =>
      "You can find it under Orders once it ships; it usually takes a few days and we email you.",
    () =>
      "It should arrive soon. Please be patient while our team processes it, and contact us if not.",
  ],
  v2: [
    (order) => `Open Orders → Track package: it shows the carrier and delivery date of #${order}.`,
    (order) =>
      `See Orders → Track package for order #${order}; the carrier's link there has live updates and the estimated delivery day.`,
  ],
};
const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? "n/a" : `${(x * 100).toFixed(0)}%`;
const num = (x: number | null | undefined) =>
  x === null || x === undefined ? "n/a" : x.toFixed(2);

// 1. Log what each version answered in production, and some users' 1–5 ratings.
const since = new Date().toISOString();
const loopkit = createLoopkit({
  baseUrl,
  apiKey: publicKey,
  onError: (error) => console.error(`not delivered (${error.code}): ${error.message}`),
});
for (const version of ["v1", "v2"]) {
  for (let i = 0; i < PER_VERSION; i++) {
    const order = 1000 + i;
    const answers = ANSWERS[version]!;
    const requestId = loopkit.log({
      promptName: PROMPT,
      promptVersion: version,
      model: "gpt-4o-mini",
      input: [{ role: "user", content: `Where is my order #${order}?` }],
      output: answers[i % answers.length]!(order),
    });
    // Every other user rated the answer: 2–3 stars for v1's, 4–5 for v2's.
    if (i % 2 === 0) loopkit.rating(requestId, (version === "v1" ? 2 : 4) + (i % 4 === 0 ? 1 : 0));
  }
}
await loopkit.shutdown();
console.log(
  `logged ${PER_VERSION} answers of each of v1 and v2 (delivered: ${loopkit.stats().delivered} events)`,
);

// 2. One rubric run per version over a seeded sample of this run's logs (secret key).
const admin = createApiClient({ baseUrl, apiKey: secretKey });
const runs: Array<{ version: string; id: string }> = [];
for (const version of ["v1", "v2"]) {
  try {
    const run = await admin.mutate("evaluations.start", {
      kind: "rubric",
      version,
      name: `${PROMPT} ${version}, examples/offline-evaluation.ts`,
      sample: { promptName: PROMPT, size: PER_VERSION, seed: "examples", from: since },
      concurrency: 4,
    });
    runs.push({ version, id: run.id });
  } catch (error) {
    if (error instanceof LoopkitApiError && error.code === "INVALID_CONFIG") {
      console.error(`the server cannot judge: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

// 3. Watch them: evaluations.get reports status and progress while they execute.
const finished = new Set(["completed", "failed", "budget_exhausted", "paused"]);
const reported = new Map<string, string>();
for (;;) {
  const states = await Promise.all(
    runs.map((r) => admin.query("evaluations.get", { runId: r.id })),
  );
  for (const [i, run] of states.entries()) {
    const { done, failed, total } = run.progress;
    const line = `${runs[i]!.version}: ${run.status}, ${done + failed}/${total} judged${failed ? ` (${failed} failed)` : ""}`;
    if (reported.get(run.id) !== line) console.log(line);
    reported.set(run.id, line);
  }
  if (states.every((run) => finished.has(run.status))) break;
  await new Promise((resolve) => setTimeout(resolve, 250));
}

// 4. Per version: mean score and pass rate with 95% intervals, judge–human agreement, cost.
console.log(
  "\n| version | judged | mean score (0–1) [95% CI] | pass rate [95% CI] | judge–human κ (n) | cost |",
);
console.log("|---|---:|---|---|---|---:|");
for (const { version, id } of runs) {
  const { summary } = await admin.query("evaluations.results", { runId: id });
  const scores = summary.kind === "pairwise" ? undefined : summary.versions[0];
  if (!scores) continue;
  const ci = (interval: { lower: number; upper: number } | null, format: typeof num) =>
    interval ? `[${format(interval.lower)}, ${format(interval.upper)}]` : "";
  console.log(
    `| ${version} | ${scores.judged}/${scores.items} | ${num(scores.meanScore)} ${ci(scores.meanScoreInterval, num)} | ${pct(scores.passRate)} ${ci(scores.passRateInterval, pct)} | ${num(scores.agreement?.weightedKappa)} (${scores.agreement?.n ?? 0}) | $${scores.costUsd.toFixed(4)} |`,
  );
}

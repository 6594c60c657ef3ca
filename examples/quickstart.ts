/**
 * Quickstart: log an LLM interaction, send feedback on it, and compare prompt versions.
 *
 *   LOOPKIT_URL=http://127.0.0.1:3000 LOOPKIT_PUBLIC_KEY=lk_pub_… LOOPKIT_SECRET_KEY=lk_sec_… \
 *     pnpm exec tsx examples/quickstart.ts
 */
import { createApiClient, createLoopkit } from "@loopkit/sdk";

const baseUrl = process.env.LOOPKIT_URL ?? "http://127.0.0.1:3000";
const publicKey = process.env.LOOPKIT_PUBLIC_KEY;
const secretKey = process.env.LOOPKIT_SECRET_KEY;
if (!publicKey || !secretKey) {
  console.error(
    "Set LOOPKIT_PUBLIC_KEY and LOOPKIT_SECRET_KEY (printed by the server's first start).",
  );
  process.exit(1);
}

// 1. Log interactions. log() returns the request id at once; sending happens in the background.
const loopkit = createLoopkit({
  baseUrl,
  apiKey: publicKey,
  onError: (error) => console.error(`not delivered (${error.code}): ${error.message}`),
});

for (const [i, version] of ["v1", "v2", "v1", "v2"].entries()) {
  const requestId = loopkit.log({
    promptName: "support-answer",
    promptVersion: version,
    model: "gpt-4o-mini",
    input: [{ role: "user", content: `How do I reset my password? (ticket ${i})` }],
    output: "Open Settings → Security → Reset password, then follow the e-mail link.",
    usage: { inputTokens: 18, outputTokens: 17 },
    latencyMs: 640 + i * 25,
    userId: `user-${i}`,
  });

  // 2. Feedback on that request: explicit, implicit and the outcome.
  loopkit.thumbs(requestId, version === "v2");
  loopkit.copied(requestId);
  loopkit.outcome(requestId, version === "v2" || i === 0);
}

// Deliver everything before reading metrics.
await loopkit.shutdown();
console.log("delivered:", loopkit.stats().delivered, "events");

// 3. Metrics per prompt version (needs the secret key).
const api = createApiClient({ baseUrl, apiKey: secretKey });
const comparison = await api.query("metrics.compareVersions", { promptName: "support-answer" });
for (const version of comparison.versions) {
  const success = version.metrics.find((m) => m.metric === "taskSuccessRate");
  console.log(
    `${version.version}: ${version.requests} requests, task success ${
      success?.value == null ? "n/a" : `${(success.value * 100).toFixed(0)}%`
    }`,
  );
}

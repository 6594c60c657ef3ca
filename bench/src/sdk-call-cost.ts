import { createLoopkit, type LogInput } from "@loopkit/sdk";
import { bestCpuSeconds } from "../../packages/core/bench/cpu-time.js";
import { UNSENT_CLIENT } from "../../packages/sdk/bench/unsent-client.js";

/** ns per `log()` on the caller's path, beside `JSON.stringify` of the same event. */
export interface SdkCallCost {
  calls: number;
  logNs: number;
  stringifyNs: number;
  payloadBytes: number;
}

/** A log event with a 1 KB output and the usual fields. */
function oneKilobyteEvent(): LogInput {
  return {
    promptName: "support-answer",
    promptVersion: "v1",
    model: "gpt-4o-mini",
    conversationId: "conv-1",
    output: "The refund was issued and should arrive within 5-7 business days. "
      .repeat(16)
      .slice(0, 1024),
    usage: { inputTokens: 120, outputTokens: 240 },
    latencyMs: 812,
    metadata: { route: "/api/chat", plan: "pro" },
  };
}

/**
 * ns per `log()` with a 1 KB payload: what the caller pays (enqueue, id, timestamp; the event is
 * serialized later, off the caller's path, when its batch is built). Calls run in slices of 400
 * on fresh clients (flushAt 500), so no send starts inside the timed loop. The baseline is one
 * `JSON.stringify` of the same event with its id and timestamp. CPU time, best of `rounds`.
 */
export function measureSdkCallCost(calls: number, rounds: number): SdkCallCost {
  const event = oneKilobyteEvent();
  const slice = 400;
  const slices = Math.ceil(calls / slice);
  const clients = () => Array.from({ length: slices }, () => createLoopkit(UNSENT_CLIENT));
  // Clients are made outside the timed part; each round gets fresh ones. Their timers are
  // unref'd, and nothing is ever sent, so they are simply dropped afterwards.
  let logSeconds = Number.POSITIVE_INFINITY;
  for (let round = 0; round <= rounds; round++) {
    const prepared = clients();
    const start = process.cpuUsage();
    for (const client of prepared) for (let i = 0; i < slice; i++) client.log(event);
    const used = process.cpuUsage(start);
    // Round 0 warms up the JIT.
    if (round > 0) logSeconds = Math.min(logSeconds, (used.user + used.system) / 1e6);
  }
  let sink = 0;
  const full = {
    ...event,
    type: "log",
    id: "0190a5d2-0000-7000-8000-000000000001",
    timestamp: "2026-01-01T00:00:00.000Z",
  };
  const total = slices * slice;
  const stringifySeconds = bestCpuSeconds(rounds, () => {
    for (let i = 0; i < total; i++) sink += JSON.stringify({ ...full }).length;
  });
  if (sink === 0) throw new Error("unreachable: nothing was serialized");
  return {
    calls: total,
    logNs: (logSeconds * 1e9) / total,
    stringifyNs: (stringifySeconds * 1e9) / total,
    payloadBytes: JSON.stringify(full).length,
  };
}

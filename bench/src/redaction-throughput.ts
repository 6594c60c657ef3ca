import { redact } from "@loopkit/core";
import { makeChatMessages } from "../../packages/core/bench/chat-text.js";
import { bestCpuSeconds } from "../../packages/core/bench/cpu-time.js";

/** MB/s of `redact` beside one pass of one simple regular expression over the same text. */
export interface RedactionThroughput {
  bytes: number;
  messages: number;
  findings: number;
  redactMiBPerSecond: number;
  regexMiBPerSecond: number;
}

const MiB = 1024 * 1024;
/** The baseline: one email pattern, the simplest recognizer a redactor has. */
const SIMPLE_EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/**
 * `redact()` message by message (as the SDK and server run it, every recognizer and secret
 * pattern) over `totalBytes` of core's seeded realistic chat text with 1% of characters personal
 * data, against one pass of one email regex over the same messages. CPU time, best of `rounds`.
 */
export function measureRedaction(totalBytes: number, rounds: number): RedactionThroughput {
  const messages = makeChatMessages(totalBytes, 0.01);
  const bytes = messages.reduce((n, m) => n + Buffer.byteLength(m), 0);
  let findings = 0;
  const redactSeconds = bestCpuSeconds(rounds, () => {
    findings = 0;
    for (const m of messages) findings += redact(m).findings.length;
  });
  let matches = 0;
  const regexSeconds = bestCpuSeconds(rounds, () => {
    matches = 0;
    for (const m of messages) matches += m.match(SIMPLE_EMAIL)?.length ?? 0;
  });
  if (findings === 0 || matches === 0) throw new Error("bench: the chat text held no PII to find");
  return {
    bytes,
    messages: messages.length,
    findings,
    redactMiBPerSecond: bytes / MiB / redactSeconds,
    regexMiBPerSecond: bytes / MiB / regexSeconds,
  };
}

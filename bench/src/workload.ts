import type { FeedbackInput, LogInput } from "@loopkit/sdk";
import { makeChatMessages } from "../../packages/core/bench/chat-text.js";

/** Characters of a log event's input (system + user message) and output. */
export const INPUT_CHARS = 500;
export const OUTPUT_CHARS = 1000;
/** Share of log events that get one feedback event. */
export const FEEDBACK_SHARE = 0.3;

let corpus: string | undefined;

/**
 * Realistic chat text (core's seeded benchmark generator: support, coding and writing turns,
 * 1% of characters personal data or secrets, so redaction has real work), one long string that
 * events take their input and output from at varying offsets.
 */
function chatCorpus(): string {
  corpus ??= makeChatMessages(4 * 1024 * 1024, 0.01, 7).join(" ");
  return corpus;
}

function slice(i: number, stride: number, chars: number): string {
  const text = chatCorpus();
  const start = (i * stride) % (text.length - chars);
  return text.slice(start, start + chars);
}

/**
 * The `i`-th log event of a realistic stream: a chat input of {@link INPUT_CHARS} characters
 * (system and user message), an output of {@link OUTPUT_CHARS}, a user, session and
 * conversation, prompt name and version, model, token usage, latency, tags and metadata.
 * The same `i` gives the same event; `id` and `timestamp` are left to the SDK.
 */
export function logEventAt(i: number): LogInput {
  return {
    conversationId: `conv-${i % 20_011}`,
    turnIndex: i % 7,
    requestId: `req-${i}`,
    userId: `user-${(i * 2_654_435_761) % 50_021}`,
    sessionId: `sess-${i % 30_011}`,
    promptName: "support-answer",
    promptVersion: `v${i % 3}`,
    model: i % 4 === 0 ? "gpt-4o" : "gpt-4o-mini",
    provider: "openai",
    input: [
      { role: "system", content: slice(i, 7919, 200) },
      { role: "user", content: slice(i, 104_729, INPUT_CHARS - 200) },
    ],
    output: slice(i, 15_485_863, OUTPUT_CHARS),
    usage: { inputTokens: 110 + (i % 40), outputTokens: 220 + (i % 90) },
    latencyMs: 350 + ((i * 7919) % 2400),
    timeToFirstTokenMs: 90 + (i % 300),
    status: i % 97 === 0 ? "error" : "ok",
    tags: ["prod", i % 2 ? "eu" : "us"],
    metadata: {
      route: "/api/chat",
      plan: i % 5 === 0 ? "free" : "pro",
      region: i % 2 ? "eu-west-1" : "us-east-1",
      build: "2026.11.3-a1b2c3",
      experimentCohort: i % 11,
    },
  };
}

/**
 * The feedback of the `i`-th log event (id `requestId`), for {@link FEEDBACK_SHARE} of events:
 * a rating, a thumbs or a task outcome in turn; null for the others.
 */
export function feedbackAt(i: number, requestId: string): FeedbackInput | null {
  if (i % 10 >= FEEDBACK_SHARE * 10) return null;
  switch (i % 3) {
    case 0:
      return { requestId, kind: "explicit", name: "rating", value: 1 + (i % 5) };
    case 1:
      return { requestId, kind: "explicit", name: "thumbs", value: i % 4 !== 0 };
    default:
      return { requestId, kind: "outcome", name: "task_succeeded", value: i % 5 !== 0 };
  }
}

/** Feedback events among the first `logEvents` log events of the stream. */
export function feedbackCount(logEvents: number): number {
  let n = 0;
  for (let i = 0; i < logEvents; i++) if (i % 10 < FEEDBACK_SHARE * 10) n++;
  return n;
}

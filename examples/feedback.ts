/**
 * Feedback of every kind on a logged request: explicit (thumbs, a rating, a comment), implicit
 * (copied, regenerated, edited — only the edit ratio leaves the browser, never the texts —,
 * abandoned), the task's outcome, a custom signal, and feedback on a whole conversation.
 *
 *   LOOPKIT_URL=http://127.0.0.1:3000 LOOPKIT_PUBLIC_KEY=lk_pub_… \
 *     pnpm exec tsx examples/feedback.ts
 */
import { createLoopkit } from "@loopkit/sdk";

const publicKey = process.env.LOOPKIT_PUBLIC_KEY;
if (!publicKey) {
  console.error("Set LOOPKIT_PUBLIC_KEY (printed by the Loopkit server's first start).");
  process.exit(1);
}

const loopkit = createLoopkit({
  baseUrl: process.env.LOOPKIT_URL ?? "http://127.0.0.1:3000",
  apiKey: publicKey,
  onError: (error) => console.error(`not delivered (${error.code}): ${error.message}`),
});

const conversationId = "conversation-7";
const draft = "Dear customer, your refund was processed and should arrive in 5 days.";
const requestId = loopkit.log({
  conversationId,
  turnIndex: 0,
  promptName: "email-draft",
  promptVersion: "v1",
  model: "gpt-4o-mini",
  input: [{ role: "user", content: "Write a refund confirmation" }],
  output: draft,
});

// Explicit: what the user tells you.
loopkit.thumbs(requestId, true);
loopkit.rating(requestId, 4); // 1–5 by default
loopkit.rating(requestId, 8, { min: 0, max: 10 }); // or any scale
loopkit.comment(requestId, "Good, but a bit formal.");

// Implicit: what the user does.
loopkit.copied(requestId);
loopkit.regenerated(requestId);
const edited = loopkit.edited(
  requestId,
  draft,
  "Hi! Your refund went through and should arrive within 5 days.",
);
loopkit.abandoned(requestId);

// Outcome: did the task succeed (e.g. the email was sent)?
loopkit.outcome(requestId, true);
loopkit.outcome(requestId, true, "email_sent"); // with a name of your own

// Any other signal, and feedback on the whole conversation.
loopkit.feedback({ requestId, kind: "implicit", name: "dwell_seconds", value: 42 });
loopkit.feedback({ conversationId, kind: "explicit", name: "thumbs", value: true });

await loopkit.shutdown();
const stats = loopkit.stats();
console.log("request:", requestId);
console.log("edited feedback:", edited);
console.log(`delivered: ${stats.delivered} events, rejected: ${stats.rejected}`);

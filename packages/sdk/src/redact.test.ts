/**
 * The `@loopkit/sdk/redact` redactor on whole events. Expected replacements follow core's
 * documented placeholder strategy (`[EMAIL]`, `[CREDIT_CARD]`: `redactDeep`'s TSDoc example);
 * the card number is Stripe's documented Visa test number 4242 4242 4242 4242 (Luhn-valid).
 */
import { describe, expect, it } from "vitest";
import { recordingFetch } from "../test/recording-fetch.js";
import { createLoopkit } from "./index.js";
import { createRedactor, redact } from "./redact.js";

describe("redact (client-side)", () => {
  it("redacts the text fields of an event and leaves ids, names and numbers alone", () => {
    const event = {
      type: "log",
      id: "0190a5d2-0000-7000-8000-000000000001",
      requestId: "req-jane@example.com-should-stay",
      promptName: "support",
      input: [{ role: "user", content: "I'm jane@example.com, card 4242 4242 4242 4242" }],
      output: "Thanks jane@example.com",
      metadata: { note: "call jane@example.com", attempts: 3 },
      latencyMs: 120,
    };
    const redacted = redact(event);
    expect(redacted).toEqual({
      ...event,
      input: [{ role: "user", content: "I'm [EMAIL], card [CREDIT_CARD]" }],
      output: "Thanks [EMAIL]",
      metadata: { note: "call [EMAIL]", attempts: 3 },
    });
    // The original is not modified.
    expect(event.output).toBe("Thanks jane@example.com");
  });

  it("takes core's options (allow-list) and runs inside the client before sending", async () => {
    const { fetch, sent } = recordingFetch();
    const loopkit = createLoopkit({
      baseUrl: "http://loopkit.test",
      apiKey: "lk_pub_test",
      fetch,
      redact: createRedactor({ allow: ["support@loopkit.dev"] }),
    });
    const id = loopkit.log({ output: "write to support@loopkit.dev, not jane@example.com" });
    loopkit.comment(id, "my email is jane@example.com");
    await loopkit.shutdown();
    const [log, feedback] = sent.flatMap((s) => s.events);
    expect(log!.output).toBe("write to support@loopkit.dev, not [EMAIL]");
    expect(feedback!.comment).toBe("my email is [EMAIL]");
    expect(feedback!.requestId).toBe(id);
  });
});

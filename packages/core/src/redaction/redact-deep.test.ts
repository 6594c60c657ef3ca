import { describe, expect, it } from "vitest";
import { LoopkitError } from "../errors.js";
import { redactDeep } from "./redact-deep.js";

describe("redactDeep", () => {
  it("redacts chat messages and nested JSON, leaving keys and non-strings alone", () => {
    const input = {
      messages: [
        { role: "system", content: "You are helpful." },
        { role: "user", content: "I'm jane@example.com, card 4242424242424242" },
        { role: "assistant", content: null },
      ],
      "jane@example.com": { retries: 2, ok: true, ip: "203.0.113.9" },
    };
    const { value, findings } = redactDeep(input);
    expect(value).toEqual({
      messages: [
        { role: "system", content: "You are helpful." },
        { role: "user", content: "I'm [EMAIL], card [CREDIT_CARD]" },
        { role: "assistant", content: null },
      ],
      "jane@example.com": { retries: 2, ok: true, ip: "[IP_ADDRESS]" },
    });
    expect(findings).toEqual([
      { kind: "EMAIL", start: 4, end: 20, path: ["messages", 1, "content"] },
      { kind: "CREDIT_CARD", start: 27, end: 43, path: ["messages", 1, "content"] },
      { kind: "IP_ADDRESS", start: 0, end: 11, path: ["jane@example.com", "ip"] },
    ]);
    expect(input.messages[1]!.content).toBe("I'm jane@example.com, card 4242424242424242");
  });

  it("handles a bare string, and passes options through", () => {
    expect(redactDeep("x 192.0.2.1", { strategy: "mask" }).value).toBe("x [IP_ADDRESS]");
  });

  it("rejects cycles with INVALID_INPUT", () => {
    const a: Record<string, unknown> = { text: "hi" };
    a.self = a;
    expect(() => redactDeep(a)).toThrow(LoopkitError);
    expect(() => redactDeep(a)).toThrow(/refers to itself at self/);
  });

  it("allows the same object twice when it is not a cycle", () => {
    const shared = { content: "a@example.com" };
    expect(redactDeep([shared, shared]).value).toEqual([
      { content: "[EMAIL]" },
      { content: "[EMAIL]" },
    ]);
  });
});

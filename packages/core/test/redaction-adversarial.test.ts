import { describe, expect, it } from "vitest";
import { redact } from "../src/index.js";

/**
 * Inputs that make backtracking regexes take quadratic or exponential time. Each is 1 MiB; a
 * linear scan finishes them in well under a second, a catastrophic one would run for hours and
 * hit the test timeout. Throughput itself is measured by `pnpm bench`, not here.
 */
const MiB = 1 << 20;
const fill = (unit: string) => unit.repeat(Math.ceil(MiB / unit.length)).slice(0, MiB);

describe("redaction on adversarial 1 MiB inputs", () => {
  const cases: [string, string, number][] = [
    ['"a@" repeated', fill("a@"), 0],
    ["one long digit run", fill("1"), 0],
    ['"-" repeated', fill("-"), 0],
    ['"1 " repeated', fill("1 "), 0],
    ['"1-" repeated', fill("1-"), 0],
    ['"1." repeated', fill("1."), 0],
    ['":" repeated', fill(":"), 0],
    ['"a:" repeated', fill("a:"), 0],
    ["hex digits", fill("abcdef0123456789"), 0],
    ['"DE89" repeated', fill("DE89"), 0],
    ['"sk-" repeated', fill("sk-"), 0],
    ['"eyJ" repeated', fill("eyJ"), 0],
    ['"eyJa." repeated', fill("eyJaaaa."), 0],
    ['"://a:" repeated', fill("://a:"), 0],
    ["a domain of a million labels", `a@${fill("a.")}`, 0],
    ['"+(1" repeated', fill("+(1"), 0],
    ["spaces", fill(" "), 0],
  ];
  it.each(cases)("%s", (_name, text, findings) => {
    expect(redact(text).findings).toHaveLength(findings);
  });

  it("PEM headers without an END line", () => {
    const text = fill("-----BEGIN PRIVATE KEY-----");
    const { findings } = redact(text);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.kind === "PRIVATE_KEY")).toBe(true);
  });

  it("a 1 MiB chat with a secret at the very end", () => {
    const text = `${fill("hello world, how are you? ")} sk-proj-abc123DEF456ghi789JKL012mno345`;
    expect(redact(text).findings.map((f) => f.kind)).toEqual(["OPENAI_KEY"]);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  ExposureEvent,
  FeedbackEvent,
  LIMITS,
  LogEvent,
  newEventId,
  PromptVersionConfig,
  toFieldIssues,
} from "../src/index.js";

const now = () => new Date().toISOString();
const BASES: [string, z.ZodType, Record<string, unknown>][] = [
  ["LogEvent", LogEvent, { type: "log", id: newEventId(), timestamp: now() }],
  [
    "FeedbackEvent",
    FeedbackEvent,
    {
      type: "feedback",
      id: newEventId(),
      timestamp: now(),
      requestId: newEventId(),
      kind: "explicit",
      name: "note",
    },
  ],
  [
    "ExposureEvent",
    ExposureEvent,
    {
      type: "exposure",
      id: newEventId(),
      timestamp: now(),
      experimentKey: "exp",
      variant: "a",
      unitId: "u",
    },
  ],
];
const pathsOf = (schema: z.ZodType, value: unknown) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : toFieldIssues(parsed.error).map((issue) => issue.path);
};
const UNSTORABLE = ["a\u0000b", "a\ud800b", "a\udc00"];

describe("every text field of the events refuses NUL and lone surrogates", () => {
  for (const [name, schema, base] of BASES) {
    // A field takes text when the valid event with a short string there still parses; found by
    // trying every field, so a text field added later is covered without editing this test.
    const textFields = Object.keys((schema as unknown as z.ZodObject).shape ?? {}).filter(
      (field) => pathsOf(schema, { ...base, [field]: "label" }).length === 0,
    );

    it(`${name}: finds its text fields`, () => {
      const expected = {
        LogEvent: ["conversationId", "userId", "promptName", "input", "output", "errorMessage"],
        FeedbackEvent: ["conversationId", "name", "value", "comment", "userId", "sessionId"],
        ExposureEvent: ["experimentKey", "variant", "unitId"],
      }[name]!;
      expect(textFields).toEqual(expect.arrayContaining(expected));
    });

    it(`${name}: each text field names itself when it holds NUL or a lone surrogate`, () => {
      for (const field of textFields) {
        for (const text of UNSTORABLE) {
          expect(
            pathsOf(schema, { ...base, [field]: text }),
            `${field} ${JSON.stringify(text)}`,
          ).toContain(field);
        }
      }
    });
  }
});

describe("nested text", () => {
  const log = BASES[0]![2];
  it.each([
    ["a tag", { tags: ["ok", "a\u0000"] }, "tags.1"],
    ["a message content", { input: [{ role: "user", content: "a\ud800" }] }, "input.0.content"],
    [
      "a message name",
      { output: [{ role: "tool", content: null, name: "\u0000" }] },
      "output.0.name",
    ],
    ["a metadata value", { metadata: { k: ["\udfff"] } }, "metadata.k.0"],
    ["a metadata key", { metadata: { "\u0000": 1 } }, "metadata.\\u0000"],
  ])("names %s", (_name, fields, path) => {
    expect(pathsOf(LogEvent, { ...log, ...fields })).toContain(path);
  });

  it("in a prompt version's template and name", () => {
    const paths = pathsOf(PromptVersionConfig, {
      promptName: "p\u0000",
      version: "v1",
      template: "Hello \ud83d",
    });
    expect(paths).toEqual(["promptName", "template"]);
  });

  it("keeps paired surrogates (emoji) and other control characters", () => {
    const text = "\ud83d\ude00 \u0001\t\n\u007f";
    expect(pathsOf(LogEvent, { ...log, output: text, conversationId: text, tags: [text] })).toEqual(
      [],
    );
  });
});

describe("token counts fit a PostgreSQL integer", () => {
  // PostgreSQL docs §8.1.1: integer is 4 bytes, -2147483648 to +2147483647.
  const log = BASES[0]![2];
  it.each(["inputTokens", "outputTokens", "cachedInputTokens"])("%s", (field) => {
    expect(pathsOf(LogEvent, { ...log, usage: { [field]: 2_147_483_647 } })).toEqual([]);
    const parsed = LogEvent.safeParse({ ...log, usage: { [field]: 2_147_483_648 } });
    expect(toFieldIssues(parsed.error!)).toEqual([
      { path: `usage.${field}`, message: expect.stringContaining("is beyond 2147483647") },
    ]);
    expect(pathsOf(LogEvent, { ...log, usage: { [field]: 1e15 } })).toEqual([`usage.${field}`]);
  });
});

describe("feedback numbers stay where double precision arithmetic cannot fail", () => {
  const feedback = (fields: Record<string, unknown>) => ({ ...BASES[1]![2], ...fields });

  it.each([0, 1e15, -1e15, 1e-15, -1e-15, 0.5, 1234.5678])("accepts %s", (value) => {
    expect(pathsOf(FeedbackEvent, feedback({ name: "score", value }))).toEqual([]);
  });

  it.each([1.0000001e15, -1e16, 1e308, 1e-16, -9e-16, 5e-324])("refuses %s as value", (value) => {
    expect(pathsOf(FeedbackEvent, feedback({ name: "score", value }))).toEqual(["value"]);
  });

  it("says the range and how to fix it", () => {
    const messageFor = (value: number) =>
      toFieldIssues(FeedbackEvent.safeParse(feedback({ name: "score", value })).error!)[0]?.message;
    expect(messageFor(1e308)).toBe("is 1e308; numbers must be within ±1e15: rescale it");
    expect(messageFor(-1e-16)).toBe(
      "is -1e-16; a number other than 0 must be at least 1e-15 in magnitude: round it to 0 or rescale it",
    );
  });

  it("refuses a scale of ±1e308 and names both bounds", () => {
    const paths = pathsOf(
      FeedbackEvent,
      feedback({ name: "rating", value: 1e300, scale: { min: -1e308, max: 1e308 } }),
    );
    expect(paths).toEqual(expect.arrayContaining(["value", "scale.min", "scale.max"]));
  });

  it("normalising any allowed rating to 1–5 neither overflows nor underflows", () => {
    // The rollup computes 1 + 4 * (value - min) / (max - min) in double precision; PostgreSQL
    // raises an error when a product or quotient overflows to infinity or underflows to zero
    // from non-zero operands (float8_mul and float8_div in src/include/utils/float.h).
    const allowed = fc.oneof(
      fc.constant(0),
      fc.double({ min: LIMITS.minNumberMagnitude, max: LIMITS.maxNumberMagnitude, noNaN: true }),
      fc.double({ min: -LIMITS.maxNumberMagnitude, max: -LIMITS.minNumberMagnitude, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(allowed, { minLength: 3, maxLength: 3 }), (numbers) => {
        const [min, value, max] = numbers.sort((a, b) => a - b) as [number, number, number];
        fc.pre(max > min);
        expect(
          pathsOf(FeedbackEvent, feedback({ name: "rating", value, scale: { min, max } })),
        ).toEqual([]);
        const numerator = 4 * (value - min);
        const quotient = numerator / (max - min);
        expect(Number.isFinite(max - min) && Number.isFinite(quotient)).toBe(true);
        if (value !== min) expect(numerator !== 0 && quotient !== 0).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });
});

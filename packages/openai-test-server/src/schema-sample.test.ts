import { zodResponseFormat } from "openai/helpers/zod";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { sampleFromSchema } from "./schema-sample.js";

// The schemas are produced by the openai SDK's own `zodResponseFormat` (what a structured-output
// client really sends), and each sample is checked by parsing it back with the zod schema.
const Verdict = z.object({
  scores: z.object({
    clarity: z.object({ score: z.number().int().min(1).max(5), rationale: z.string().max(50) }),
    safety: z.object({ score: z.number().int().min(1).max(5), rationale: z.string() }),
  }),
  winner: z.enum(["A", "B", "tie"]),
  note: z.string().nullable(),
  weights: z.array(z.number().min(0).max(1)).min(2).max(4),
  flag: z.boolean(),
  level: z.union([z.literal(1), z.literal(2)]),
});

function schemaOf(schema: z.ZodType): Record<string, unknown> {
  return zodResponseFormat(schema, "x").json_schema.schema as Record<string, unknown>;
}

describe("sampleFromSchema", () => {
  it("builds values that the zod schema accepts, for many seeds", () => {
    const json = schemaOf(Verdict);
    for (let i = 0; i < 200; i++) {
      const value = sampleFromSchema(json, `seed-${i}`);
      expect(Verdict.safeParse(value).success).toBe(true);
    }
  });

  it("is deterministic in its seed and varies across seeds", () => {
    const json = schemaOf(Verdict);
    expect(sampleFromSchema(json, "a")).toEqual(sampleFromSchema(json, "a"));
    const winners = new Set(
      Array.from(
        { length: 50 },
        (_, i) => (sampleFromSchema(json, `s${i}`) as { winner: string }).winner,
      ),
    );
    expect(winners).toEqual(new Set(["A", "B", "tie"]));
  });

  it("follows $ref into $defs", () => {
    const schema = {
      type: "object",
      properties: { item: { $ref: "#/$defs/item" } },
      required: ["item"],
      additionalProperties: false,
      $defs: { item: { type: "string", const: "fixed" } },
    };
    expect(sampleFromSchema(schema, "x")).toEqual({ item: "fixed" });
  });
});

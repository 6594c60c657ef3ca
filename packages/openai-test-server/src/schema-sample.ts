import { seededRandom } from "./hash.js";

type JsonSchema = Record<string, unknown>;

const WORDS = [
  "clear",
  "concise",
  "accurate",
  "helpful",
  "complete",
  "relevant",
  "grounded",
  "careful",
  "direct",
  "polite",
  "specific",
  "safe",
];

/**
 * Builds a value that satisfies `schema` (the subset of JSON Schema that OpenAI structured
 * outputs accept: object, array, string, number, integer, boolean, null, enum, const, anyOf,
 * type arrays, `$ref` into `$defs`/`definitions`, minimum/maximum, minItems/maxItems,
 * minLength/maxLength), choosing every free value from a generator seeded with `seed`: the same
 * seed gives the same value.
 */
export function sampleFromSchema(schema: JsonSchema, seed: string): unknown {
  const random = seededRandom(seed);
  return sample(schema, schema, random, 0);
}

function sample(
  schema: JsonSchema,
  root: JsonSchema,
  random: () => number,
  depth: number,
): unknown {
  if (depth > 20) return null;
  const ref = schema.$ref;
  if (typeof ref === "string") return sample(resolveRef(ref, root), root, random, depth + 1);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return pick(schema.enum, random);
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(options) && options.length > 0) {
    const nonNull = options.filter((option) => option.type !== "null");
    return sample(pick(nonNull.length > 0 ? nonNull : options, random), root, random, depth + 1);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    return sample(schema.allOf[0] as JsonSchema, root, random, depth + 1);
  }
  let type = schema.type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== "null");
    type = nonNull.length > 0 ? pick(nonNull, random) : "null";
  }
  switch (type) {
    case "object":
      return sampleObject(schema, root, random, depth);
    case "array": {
      const min = numberOr(schema.minItems, 1);
      const max = Math.max(min, numberOr(schema.maxItems, min + 2));
      const length = min + Math.floor(random() * (max - min + 1));
      const items = (schema.items ?? {}) as JsonSchema;
      return Array.from({ length }, () => sample(items, root, random, depth + 1));
    }
    case "integer": {
      const min = Math.ceil(numberOr(schema.minimum, numberOr(schema.exclusiveMinimum, -1) + 1));
      const max = Math.floor(
        numberOr(schema.maximum, numberOr(schema.exclusiveMaximum, min + 101) - 1),
      );
      return min + Math.floor(random() * (Math.max(max, min) - min + 1));
    }
    case "number": {
      const min = numberOr(schema.minimum, numberOr(schema.exclusiveMinimum, 0));
      const max = numberOr(schema.maximum, numberOr(schema.exclusiveMaximum, min + 1));
      return Math.round((min + random() * (max - min)) * 1000) / 1000;
    }
    case "boolean":
      return random() < 0.5;
    case "null":
      return null;
    case "string":
      return sampleString(schema, random);
    default:
      return sampleObject(schema, root, random, depth);
  }
}

function sampleObject(
  schema: JsonSchema,
  root: JsonSchema,
  random: () => number,
  depth: number,
): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const result: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    result[key] = sample(property, root, random, depth + 1);
  }
  return result;
}

function sampleString(schema: JsonSchema, random: () => number): string {
  const minLength = numberOr(schema.minLength, 0);
  const maxLength = numberOr(schema.maxLength, 200);
  const count = 3 + Math.floor(random() * 6);
  let text = Array.from({ length: count }, () => pick(WORDS, random)).join(" ");
  text = `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  while (text.length < minLength) text += " More detail.";
  return text.slice(0, Math.max(minLength, maxLength));
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  if (ref === "#") return root;
  let node: unknown = root;
  for (const segment of ref.replace(/^#\//, "").split("/")) {
    node = (node as Record<string, unknown> | undefined)?.[
      segment.replaceAll("~1", "/").replaceAll("~0", "~")
    ];
  }
  return (node ?? {}) as JsonSchema;
}

function pick<T>(values: readonly T[], random: () => number): T {
  return values[Math.floor(random() * values.length)] as T;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

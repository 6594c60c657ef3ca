import type { JsonSchema } from "./procedures.js";

/**
 * Values to put in input fields by name: the identifiers of one project's data (`runId`,
 * `approvalId`, `promptName`, `key`…), so a procedure can be pointed at that data whatever its
 * input shape.
 */
export type FieldValues = Record<string, unknown>;

function firstType(schema: JsonSchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
}

/** A valid value for a schema with no named value to use: the smallest the schema allows. */
function minimalValue(schema: JsonSchema, name: string, values: FieldValues): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    const branch = branches.find((b) => firstType(b) !== "null") ?? branches[0]!;
    return minimalValue(branch, name, values);
  }
  switch (firstType(schema)) {
    case "object":
      return buildObject(schema, values);
    case "array":
      return Array.from({ length: schema.minItems ?? 0 }, () =>
        minimalValue(schema.items ?? {}, name, values),
      );
    case "integer":
    case "number": {
      const low = schema.minimum ?? (schema.exclusiveMinimum ?? 0) + 1;
      return Math.min(low, schema.maximum ?? low);
    }
    case "boolean":
      return false;
    case "string":
      if (schema.format === "uuid") return "00000000-0000-4000-8000-000000000000";
      if (schema.format === "date-time") return "2026-01-01T00:00:00Z";
      return "x".repeat(Math.max(2, schema.minLength ?? 1));
    default:
      return null;
  }
}

/** An object with its required properties, plus every optional one a named value exists for. */
function buildObject(schema: JsonSchema, values: FieldValues): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (name in values) result[name] = values[name];
    else if (required.has(name)) result[name] = minimalValue(property, name, values);
  }
  return result;
}

/**
 * Inputs for a procedure from its JSON Schema: one per branch of a top-level union (so each
 * `kind` of `evaluations.start` is tried), with every field whose name is in `values` set to
 * that value and the other required fields set to the smallest valid value. `[undefined]` for a
 * procedure without input.
 */
export function inputsFor(schema: JsonSchema | null, values: FieldValues): unknown[] {
  if (!schema) return [undefined];
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches?.every((b) => firstType(b) === "object")) {
    return branches.map((branch) => buildObject(branch, values));
  }
  return [minimalValue(schema, "", values)];
}

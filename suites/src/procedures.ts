import { appRouter } from "@loopkit/server";
import { z } from "zod";

/** A JSON Schema object as zod's `toJSONSchema` writes it (the parts the suites read). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  pattern?: string;
}

/** One procedure of the router, as the suites enumerate them. */
export interface ProcedureInfo {
  /** Dotted path, e.g. `prompts.create`. */
  path: string;
  type: "query" | "mutation" | "subscription";
  /** The input's JSON Schema, or null for a procedure without input. */
  input: JsonSchema | null;
}

interface ProcedureDef {
  _def: { type: ProcedureInfo["type"]; inputs: z.ZodType[] };
}

/**
 * Every procedure of `appRouter`, read from the router itself, so a procedure added later is
 * enumerated (and so covered by the suites) without touching them.
 */
export function listProcedures(): ProcedureInfo[] {
  const procedures = (
    appRouter as unknown as { _def: { procedures: Record<string, ProcedureDef> } }
  )._def.procedures;
  return Object.entries(procedures)
    .map(([path, procedure]) => {
      const parser = procedure._def.inputs[0];
      const input = parser
        ? (z.toJSONSchema(parser, { io: "input", unrepresentable: "any" }) as JsonSchema)
        : null;
      return { path, type: procedure._def.type, input };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

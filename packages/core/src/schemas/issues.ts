import type { z } from "zod";

/** One thing wrong with an input: where (a dotted path) and what. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Turns a zod error into field issues with dotted paths (`input.3.content`). */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
}

/** One line naming every issue: `input.3.content: Too big…; timestamp: …`. */
export function describeIssues(issues: FieldIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join("; ");
}

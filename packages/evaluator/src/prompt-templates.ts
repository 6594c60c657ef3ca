import { type Criterion, scaleOf } from "./criteria.js";

/**
 * Judge prompt templates. Changing the wording of a template means bumping its version: the
 * version is stored with every judgment and is part of the cache key, so old judgments are
 * never mixed with new ones silently.
 */
export const TEMPLATE_VERSIONS = {
  rubric: "rubric@1",
  reference: "reference@1",
  pairwise: "pairwise@1",
} as const;

function criteriaList(criteria: readonly Criterion[]): string {
  return criteria
    .map((c) => {
      const { min, max } = scaleOf(c);
      return `- ${c.name} (integer ${min}–${max}, ${max} best): ${c.description}`;
    })
    .join("\n");
}

/** System prompt of the rubric judge (and, with a reference answer, of the reference judge). */
export function rubricSystemPrompt(criteria: readonly Criterion[], withReference: boolean): string {
  return [
    "You are an impartial evaluator of an AI assistant's answer.",
    withReference
      ? "Compare the answer with the reference answer, which is known to be correct. Wording may differ; substance may not."
      : "Judge the answer on its own merits for the user's input.",
    "Score each criterion below on its integer scale. Give a one- or two-sentence rationale per criterion before its score. Do not reward length or confidence; judge only what each criterion asks.",
    "",
    "Criteria:",
    criteriaList(criteria),
    "",
    "Reply with a JSON object matching the given schema and nothing else.",
  ].join("\n");
}

/** User message of the rubric and reference judges. */
export function rubricUserPrompt(input: string, output: string, reference?: string): string {
  const parts = [`<input>\n${input}\n</input>`, `<answer>\n${output}\n</answer>`];
  if (reference !== undefined) parts.push(`<reference_answer>\n${reference}\n</reference_answer>`);
  return parts.join("\n\n");
}

/** System prompt of the pairwise judge. */
export function pairwiseSystemPrompt(criteria: readonly Criterion[]): string {
  return [
    "You are an impartial evaluator comparing two AI assistant answers to the same input.",
    "Decide which answer is better overall on the criteria below, or call it a tie when neither is clearly better. The order in which the answers are shown is random and says nothing about quality; do not favour either position or the longer answer.",
    "",
    "Criteria:",
    criteriaList(criteria),
    "",
    'Give a short rationale, then the winner: "first", "second" or "tie". Reply with a JSON object matching the given schema and nothing else.',
  ].join("\n");
}

/** User message of the pairwise judge. */
export function pairwiseUserPrompt(input: string, first: string, second: string): string {
  return [
    `<input>\n${input}\n</input>`,
    `<first_answer>\n${first}\n</first_answer>`,
    `<second_answer>\n${second}\n</second_answer>`,
  ].join("\n\n");
}

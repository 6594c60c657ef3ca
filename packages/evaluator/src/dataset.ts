import { readFile } from "node:fs/promises";
import { Content, describeIssues, LoopkitError, toFieldIssues } from "@loopkit/core";
import { z } from "zod";

/**
 * One dataset item: an input, the output(s) to judge, and optionally an expected answer, the
 * logged request's id and a human rating (1–5) to measure judge–human agreement.
 *
 * `output` belongs to `version`; `outputs` holds outputs of several versions by name.
 */
export const DatasetItem = z
  .object({
    input: Content,
    output: Content.optional(),
    outputs: z.record(z.string().min(1), Content).optional(),
    version: z.string().min(1).optional(),
    expected: Content.optional(),
    requestId: z.string().min(1).optional(),
    humanRating: z.number().finite().optional(),
  })
  .refine((item) => !(item.output !== undefined && item.outputs !== undefined && !item.version), {
    message: "an item with both output and outputs needs a version for output",
    path: ["version"],
  });
export type DatasetItem = z.infer<typeof DatasetItem>;

/**
 * Reads a JSONL dataset: one JSON object per line (blank lines and lines starting with `//`
 * skipped). A bad line throws an `INVALID_INPUT` error naming the file, the line and the field.
 */
export async function loadJsonlDataset(path: string): Promise<DatasetItem[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new LoopkitError(
      "INVALID_INPUT",
      `cannot read dataset ${path}: ${(error as Error).message}. Check the path (relative paths start at the working directory).`,
      { cause: error },
    );
  }
  return parseJsonlDataset(text, path);
}

/** Parses JSONL dataset text; `source` names it in error messages. */
export function parseJsonlDataset(text: string, source = "dataset"): DatasetItem[] {
  const items: DatasetItem[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("//")) continue;
    const where = `${source}:${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (error) {
      throw new LoopkitError(
        "INVALID_INPUT",
        `${where}: not valid JSON (${(error as Error).message}). Each line must be one JSON object.`,
      );
    }
    const parsed = DatasetItem.safeParse(json);
    if (!parsed.success) {
      throw new LoopkitError(
        "INVALID_INPUT",
        `${where}: ${describeIssues(toFieldIssues(parsed.error))}. Each line needs "input" and an "output" (or "outputs" by version).`,
      );
    }
    items.push(parsed.data);
  }
  return items;
}

/**
 * A logged interaction as `sampleRequests` from @loopkit/db returns it (only the fields used
 * here): the request, and its feedback oldest first.
 */
export interface LoggedInteraction {
  id: string;
  input?: unknown;
  output?: unknown;
  promptVersion?: string | null;
  /** The human rating on 1–5, when the caller worked it out; else derived from `feedback`. */
  rating?: number | null;
  feedback?: readonly {
    name: string;
    value?: unknown;
    scale?: { min: number; max: number } | null;
  }[];
}

/**
 * Turns logged interactions into dataset items, skipping those without input or output. The
 * human rating is `rating` when given, else the latest `rating` feedback, rescaled from its
 * scale (default 1–5) to 1–5.
 */
export function datasetFromInteractions(rows: readonly LoggedInteraction[]): DatasetItem[] {
  const items: DatasetItem[] = [];
  for (const row of rows) {
    const parsed = DatasetItem.safeParse({
      input: row.input,
      output: row.output,
      version: row.promptVersion ?? undefined,
      requestId: row.id,
      humanRating: row.rating ?? latestRating(row.feedback ?? []),
    });
    if (parsed.success && parsed.data.output !== undefined) items.push(parsed.data);
  }
  return items;
}

function latestRating(feedback: NonNullable<LoggedInteraction["feedback"]>): number | undefined {
  const rating = feedback.filter((f) => f.name === "rating" && typeof f.value === "number").at(-1);
  if (!rating) return undefined;
  const { min, max } = rating.scale ?? { min: 1, max: 5 };
  return 1 + (4 * ((rating.value as number) - min)) / (max - min);
}

/** The output of `version` in an item, if the item has one. */
export function outputOf(item: DatasetItem, version: string): Content | undefined {
  const named = item.outputs?.[version];
  if (named !== undefined) return named;
  if (item.output !== undefined && (item.version === undefined || item.version === version)) {
    return item.output;
  }
  return undefined;
}

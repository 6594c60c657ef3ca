import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { describeIssues, LoopkitError, toFieldIssues } from "@loopkit/core";
import { z } from "zod";
import { CriterionConfig } from "./criteria.js";

/** Schema of a `loopkit eval` config file (JSON); command-line flags override its fields. */
export const EvalConfigFile = z
  .object({
    project: z.string().min(1),
    dataset: z.string().min(1),
    version: z.string().min(1),
    baseline: z.string().min(1),
    judge: z
      .object({
        kind: z.enum(["rubric", "reference", "pairwise"]),
        model: z.string().min(1),
        baseURL: z.string().url(),
        apiKeyEnv: z.string().min(1),
        criteria: z.array(CriterionConfig).min(1),
        pricing: z.object({
          inputUsdPerMillion: z.number().nonnegative(),
          outputUsdPerMillion: z.number().nonnegative(),
        }),
        maxRetries: z.number().int().min(0).max(10),
      })
      .partial(),
    candidate: z.object({ template: z.string(), model: z.string().min(1).optional() }),
    concurrency: z.number().int().min(1).max(256),
    budgetUsd: z.number().positive(),
    minScore: z.number().min(0).max(1),
    minWinRate: z.number().min(0).max(1),
    passThreshold: z.number().min(0).max(1),
  })
  .partial()
  .strict();
export type EvalConfigFile = z.infer<typeof EvalConfigFile>;

/** The resolved settings of one `loopkit eval` invocation. */
export interface EvalSettings extends EvalConfigFile {
  project: string;
  judgeKind: "rubric" | "reference" | "pairwise";
  model: string;
  apiKeyEnv: string;
  concurrency: number;
  resume?: string;
  progress: boolean;
  json: boolean;
  help: boolean;
}

/** Usage text of `loopkit eval`. */
export const EVAL_USAGE = `Usage: loopkit eval [options]

Judge a prompt version's outputs (rubric or reference judge), or compare a candidate with a
baseline (pairwise judge, both orders), on a JSONL dataset. Runs are stored and resumable.

Options:
  --config <file>          JSON config file (flags override it)
  --dataset <file>         JSONL dataset: {"input", "output"|"outputs", "version"?, ...} per line
  --version <name>         version to judge (pairwise: the candidate)
  --baseline <name>        compare --version against this version with the pairwise judge
  --judge <kind>           rubric | reference | pairwise (default rubric; pairwise with --baseline)
  --model <id>             judge model (default gpt-4o-mini)
  --base-url <url>         OpenAI-compatible endpoint (default: the openai SDK's)
  --api-key-env <name>     environment variable holding the API key (default OPENAI_API_KEY)
  --candidate-template <t> regenerate the version's outputs with this prompt ({{input}} or system)
  --concurrency <n>        judgments at once (default 4)
  --budget <usd>           stop cleanly once the run has cost this much
  --min-score <0..1>       fail (exit 1) when the mean score is below this
  --min-win-rate <0..1>    fail (exit 1) when the candidate's win rate is below this
  --project <id>           project id (default "default")
  --resume <run id>        resume a stopped or crashed run
  --no-progress            no progress bar
  --json                   print the summary as JSON
  -h, --help               show this help

Exit codes: 0 passed, 1 below a threshold, 2 bad usage or config, 3 run stopped before the end.`;

function usageError(message: string): LoopkitError {
  return new LoopkitError(
    "INVALID_INPUT",
    `loopkit eval: ${message}. Run "loopkit eval --help" for usage.`,
  );
}

function numberFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) throw usageError(`${flag} needs a number, got "${value}"`);
  return number;
}

/** Parses flags and the optional config file into settings; throws `INVALID_INPUT` with a fix. */
export async function resolveEvalSettings(
  argv: readonly string[],
  cwd: string,
): Promise<EvalSettings> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const flags = parsed.values;
  let file: EvalConfigFile = {};
  if (flags.config) {
    const path = resolve(cwd, flags.config);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, "utf8"));
    } catch (error) {
      throw usageError(`cannot read config ${path} (${(error as Error).message})`);
    }
    const checked = EvalConfigFile.safeParse(json);
    if (!checked.success) {
      throw usageError(`config ${path}: ${describeIssues(toFieldIssues(checked.error))}`);
    }
    file = checked.data;
  }
  const baseline = flags.baseline ?? file.baseline;
  const judgeKind = (flags.judge ?? file.judge?.kind ?? (baseline ? "pairwise" : "rubric")) as
    | "rubric"
    | "reference"
    | "pairwise";
  if (!["rubric", "reference", "pairwise"].includes(judgeKind)) {
    throw usageError(`--judge must be rubric, reference or pairwise, got "${judgeKind}"`);
  }
  const settings: EvalSettings = {
    ...file,
    project: flags.project ?? file.project ?? "default",
    dataset: flags.dataset
      ? resolve(cwd, flags.dataset)
      : file.dataset && resolve(cwd, file.dataset),
    version: flags.version ?? file.version,
    baseline,
    judgeKind,
    model: flags.model ?? file.judge?.model ?? "gpt-4o-mini",
    judge: { ...file.judge, baseURL: flags["base-url"] ?? file.judge?.baseURL },
    apiKeyEnv: flags["api-key-env"] ?? file.judge?.apiKeyEnv ?? "OPENAI_API_KEY",
    candidate:
      flags["candidate-template"] !== undefined
        ? { template: flags["candidate-template"], model: file.candidate?.model }
        : file.candidate,
    concurrency: numberFlag(flags.concurrency, "--concurrency") ?? file.concurrency ?? 4,
    budgetUsd: numberFlag(flags.budget, "--budget") ?? file.budgetUsd,
    minScore: numberFlag(flags["min-score"], "--min-score") ?? file.minScore,
    minWinRate: numberFlag(flags["min-win-rate"], "--min-win-rate") ?? file.minWinRate,
    resume: flags.resume,
    progress: !flags["no-progress"],
    json: Boolean(flags.json),
    help: Boolean(flags.help),
  };
  if (settings.help) return settings;
  if (!settings.version) throw usageError("--version is required (the version to judge)");
  if (!settings.dataset && !settings.resume) {
    throw usageError("--dataset is required (a JSONL file), unless you --resume a run");
  }
  if (judgeKind === "pairwise" && !settings.baseline) {
    throw usageError("the pairwise judge needs --baseline (the version to compare against)");
  }
  if (!Number.isInteger(settings.concurrency) || settings.concurrency < 1) {
    throw usageError(`--concurrency must be a positive integer, got ${settings.concurrency}`);
  }
  return settings;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: false,
    strict: true,
    options: {
      config: { type: "string" },
      dataset: { type: "string" },
      version: { type: "string" },
      baseline: { type: "string" },
      judge: { type: "string" },
      model: { type: "string" },
      "base-url": { type: "string" },
      "api-key-env": { type: "string" },
      "candidate-template": { type: "string" },
      concurrency: { type: "string" },
      budget: { type: "string" },
      "min-score": { type: "string" },
      "min-win-rate": { type: "string" },
      project: { type: "string" },
      resume: { type: "string" },
      "no-progress": { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

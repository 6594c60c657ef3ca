import { LoopkitError } from "@loopkit/core";
import { Presets, SingleBar } from "cli-progress";
import { loadJsonlDataset } from "./dataset.js";
import { EVAL_USAGE, type EvalSettings, resolveEvalSettings } from "./eval-command-config.js";
import { formatPairwiseSummary, formatVersionSummary } from "./eval-command-output.js";
import { compareVersionsOffline, evaluatePromptVersion } from "./evaluate.js";
import type { EvaluationStore } from "./evaluation-store.js";
import type { LlmConfig } from "./llm-client.js";
import { createOutputGenerator } from "./output-generator.js";
import { createPairwiseJudge } from "./pairwise-judge.js";
import { createReferenceJudge, createRubricJudge } from "./rubric-judge.js";
import type { EvaluationProgressEvent } from "./run-evaluation.js";

/** What `loopkit eval` needs from its host: output streams, environment, and the database. */
export interface EvalCommandIO {
  stdout: { write(text: string): unknown };
  /** Progress bar and errors; a TTY stream gets a live bar, anything else periodic lines. */
  stderr: NodeJS.WritableStream;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Opens the store runs are kept in (the `loopkit` bin passes `createEvaluationStore(db)`). */
  openStore(): Promise<{ store: EvaluationStore; close(): Promise<void> }>;
  /** Aborts the run cleanly (Ctrl-C); it can be resumed with `--resume`. */
  signal?: AbortSignal;
}

/**
 * `loopkit eval`: judges a version (rubric or reference judge) or compares two (pairwise), on a
 * JSONL dataset, with a progress bar (items done, failures, cost, ETA) and a results table.
 * Resolves to the exit code: 0 passed, 1 below `--min-score`/`--min-win-rate`, 2 bad usage or
 * config, 3 the run stopped early (budget reached or interrupted; `--resume` continues it).
 */
export async function runEvalCommand(argv: string[], io: EvalCommandIO): Promise<number> {
  let settings: EvalSettings;
  try {
    settings = await resolveEvalSettings(argv, io.cwd ?? process.cwd());
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  if (settings.help) {
    io.stdout.write(`${EVAL_USAGE}\n`);
    return 0;
  }
  const env = io.env ?? process.env;
  const apiKey = env[settings.apiKeyEnv];
  if (!apiKey) {
    io.stderr.write(
      `loopkit eval: the environment variable ${settings.apiKeyEnv} holding the judge's API key is not set. Set it (any non-empty value for a local server), or name another with --api-key-env.\n`,
    );
    return 2;
  }
  const llm: LlmConfig = {
    model: settings.model,
    baseURL: settings.judge?.baseURL,
    apiKey,
    pricing: settings.judge?.pricing,
    maxRetries: settings.judge?.maxRetries,
  };

  let opened: Awaited<ReturnType<EvalCommandIO["openStore"]>> | undefined;
  const bar = settings.progress ? progressBar(io.stderr) : undefined;
  try {
    const dataset =
      settings.dataset && !settings.resume ? await loadJsonlDataset(settings.dataset) : undefined;
    opened = await io.openStore();
    const generator = settings.candidate
      ? createOutputGenerator({
          llm,
          prompt: { version: settings.version!, ...settings.candidate },
        })
      : undefined;
    let started = false;
    const common = {
      store: opened.store,
      projectId: settings.project,
      dataset,
      runId: settings.resume,
      generator,
      concurrency: settings.concurrency,
      budgetUsd: settings.budgetUsd,
      signal: io.signal,
      onProgress: (p: EvaluationProgressEvent) => {
        if (!bar) return;
        const payload = { failures: p.failed, cost: `$${p.costUsd.toFixed(4)}` };
        if (!started) {
          bar.start(p.total, p.completed, payload);
          started = true;
        } else bar.update(p.completed, payload);
      },
    };

    if (settings.judgeKind === "pairwise") {
      const { run, summary } = await compareVersionsOffline({
        ...common,
        baseline: settings.baseline!,
        candidate: settings.version!,
        judge: createPairwiseJudge({ llm, criteria: settings.judge?.criteria }),
      });
      bar?.stop();
      const winRate = summary.winRate ?? 0;
      return reportRun(
        io,
        settings,
        { run, summary, table: formatPairwiseSummary(summary) },
        settings.minWinRate !== undefined && winRate < settings.minWinRate
          ? `${settings.version} wins ${(winRate * 100).toFixed(1)}% of decisive pairs against ${settings.baseline}, below --min-win-rate ${settings.minWinRate}.`
          : null,
      );
    }

    const create = settings.judgeKind === "reference" ? createReferenceJudge : createRubricJudge;
    const { run, summary } = await evaluatePromptVersion({
      ...common,
      version: settings.version!,
      judge: create({ llm, criteria: settings.judge?.criteria }),
      passThreshold: settings.passThreshold,
    });
    bar?.stop();
    const meanScore = summary.meanScore ?? 0;
    return reportRun(
      io,
      settings,
      { run, summary, table: formatVersionSummary(summary) },
      settings.minScore !== undefined && meanScore < settings.minScore
        ? `${settings.version} scores ${meanScore.toFixed(3)} on average, below --min-score ${settings.minScore}.`
        : null,
    );
  } catch (error) {
    bar?.stop();
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${message.startsWith("loopkit") ? "" : "loopkit eval: "}${message}\n`);
    return error instanceof LoopkitError ? 2 : 3;
  } finally {
    await opened?.close();
  }
}

/**
 * Prints a run's result (JSON with `--json`, else its id, status and `table`) and resolves the
 * exit code: 3 when the run stopped early, 1 when it missed the bar set on the command line
 * (`shortfall` says how), else 0.
 */
function reportRun(
  io: EvalCommandIO,
  settings: EvalSettings,
  result: { run: { id: string; status: string }; summary: unknown; table: string },
  shortfall: string | null,
): number {
  const { run, summary } = result;
  io.stdout.write(
    settings.json
      ? `${JSON.stringify({ runId: run.id, status: run.status, summary }, null, 2)}\n`
      : `run ${run.id} (${run.status})\n${result.table}\n`,
  );
  if (run.status !== "completed") return 3;
  if (shortfall === null) return 0;
  io.stderr.write(`loopkit eval: ${shortfall}\n`);
  return 1;
}

function progressBar(stream: NodeJS.WritableStream): SingleBar {
  return new SingleBar(
    {
      stream,
      format: "judging {bar} {value}/{total} | failures {failures} | {cost} | ETA {eta_formatted}",
      noTTYOutput: true,
      notTTYSchedule: 2_000,
      hideCursor: false,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
}

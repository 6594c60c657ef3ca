import { type Content, LoopkitError } from "@loopkit/core";
import OpenAI from "openai";
import { contentHash } from "./content-hash.js";
import type {
  EvaluationItemRecord,
  EvaluationRunRecord,
  EvaluationStore,
  ItemResult,
} from "./evaluation-store.js";
import { heartbeat } from "./heartbeat.js";
import type { Judgment } from "./judgment.js";
import type { GeneratedOutput, OutputGenerator } from "./output-generator.js";
import type { PairwiseJudge } from "./pairwise-judge.js";
import type { RubricJudge } from "./rubric-judge.js";
import type { StructuredErrorCode } from "./structured-call.js";

/** Progress of a run, reported after every item. */
export interface EvaluationProgressEvent {
  total: number;
  /** Items finished (judged or failed), this process and earlier ones. */
  completed: number;
  failed: number;
  cached: number;
  /** Dollars spent on the run so far, earlier attempts included. */
  costUsd: number;
  elapsedMs: number;
  /** Estimated time to finish from this process's pace; null until an item finished. */
  etaMs: number | null;
}

/** Options of {@link executeEvaluationRun}. */
export interface ExecuteRunOptions {
  store: EvaluationStore;
  projectId: string;
  runId: string;
  judge: RubricJudge | PairwiseJudge;
  /** Generators of missing outputs, by output key (`output` for rubric, `a`/`b` for pairwise). */
  generators?: Partial<Record<string, OutputGenerator>>;
  /**
   * Items judged at once (default: the run's stored concurrency, else 4). A pairwise item asks
   * both orders at once, so up to twice this many requests are in flight.
   */
  concurrency?: number;
  /**
   * Stop cleanly once this much has been spent on the run (default: the run's `budgetUsd`).
   * New items are not started when the spend plus the expected cost of those in flight would
   * pass it; in-flight items finish, so the overshoot is below one item per worker.
   */
  budgetUsd?: number | null;
  /** How long a claim lasts before another process may take the item over (default 5 min). */
  leaseMs?: number;
  /** Serve judgments from the content-hash cache (default true). */
  useCache?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: EvaluationProgressEvent) => void;
}

/**
 * Runs (or resumes) an evaluation run until no item is left, the budget is reached, or `signal`
 * aborts. Resuming is the same call: items already judged are never judged again, and items a
 * crashed process had claimed are taken over once their lease expires.
 *
 * Stages per item: claim → generate missing outputs (cached by content hash) → look up the
 * judgment cache → judge → record judgment, cost and tokens (and cache it) in one statement.
 * Transport errors that survive the openai SDK's retries (429/5xx with backoff honouring
 * `retry-after`) fail the item, not the run.
 */
export async function executeEvaluationRun(
  options: ExecuteRunOptions,
): Promise<EvaluationRunRecord> {
  const { store, projectId, runId, judge, signal } = options;
  const initial = await store.getRun(projectId, runId);
  if (!initial) {
    throw new LoopkitError(
      "NOT_FOUND",
      `evaluation run ${runId} not found in project ${projectId}. Check the run id (listRuns shows a project's runs) and the project.`,
    );
  }
  const budget = options.budgetUsd === undefined ? initial.budgetUsd : options.budgetUsd;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? initial.concurrency ?? 4));
  const leaseMs = options.leaseMs ?? 300_000;
  const useCache = options.useCache ?? true;
  const judgeDescription = judge.describe();

  const state = {
    completed: initial.progress.done + initial.progress.failed,
    failed: initial.progress.failed,
    cached: initial.progress.cached,
    costUsd: initial.progress.costUsd,
    paidItems: 0,
    paidCost: 0,
    finishedHere: 0,
    inFlight: 0,
    budgetReached: false,
  };
  const startedAt = Date.now();
  await store.setRunStatus(projectId, runId, "running");

  const report = () => {
    const elapsedMs = Date.now() - startedAt;
    const remaining = initial.progress.total - state.completed;
    options.onProgress?.({
      total: initial.progress.total,
      completed: state.completed,
      failed: state.failed,
      cached: state.cached,
      costUsd: state.costUsd,
      elapsedMs,
      etaMs: state.finishedHere > 0 ? (elapsedMs / state.finishedHere) * remaining : null,
    });
  };

  const budgetAllowsAnother = () => {
    if (budget == null) return true;
    const expected = state.paidItems > 0 ? state.paidCost / state.paidItems : 0;
    return state.costUsd + expected * (state.inFlight + 1) < budget;
  };

  async function judgeItem(item: EvaluationItemRecord): Promise<ItemResult> {
    const outputs = { ...item.outputs };
    let generation = { costUsd: 0, inputTokens: 0, outputTokens: 0 };
    let generated = false;
    for (const [key, generator] of Object.entries(options.generators ?? {})) {
      if (!generator || outputs[key] != null) continue;
      const out = await generateCached(generator, item.input as Content);
      outputs[key] = out.output;
      generated = true;
      generation = {
        costUsd: generation.costUsd + out.costUsd,
        inputTokens: generation.inputTokens + out.tokens.inputTokens,
        outputTokens: generation.outputTokens + out.tokens.outputTokens,
      };
    }
    const cacheKey = contentHash({
      judge: judgeDescription,
      input: item.input,
      outputs,
      expected: item.expected ?? null,
    });
    const hit = useCache ? ((await store.getCached(projectId, cacheKey)) as Judgment | null) : null;
    const judgment = hit ?? (await runJudge(item, outputs));
    const fresh = hit === null;
    return {
      status: judgment.status === "ok" ? "done" : "failed",
      judgment,
      costUsd: generation.costUsd + (fresh ? judgment.costUsd : 0),
      inputTokens: generation.inputTokens + (fresh ? judgment.tokens.inputTokens : 0),
      outputTokens: generation.outputTokens + (fresh ? judgment.tokens.outputTokens : 0),
      cached: !fresh,
      error: judgment.error,
      cacheKey,
      outputs: generated ? outputs : null,
    };
  }

  async function generateCached(generator: OutputGenerator, input: Content) {
    const key = contentHash({ generator: generator.describe(), input });
    const hit = useCache
      ? ((await store.getCached(projectId, key)) as GeneratedOutput | null)
      : null;
    if (hit) {
      return { output: hit.output, tokens: { inputTokens: 0, outputTokens: 0 }, costUsd: 0 };
    }
    const out = await generator.generate(input, { signal });
    await store.putCached(projectId, key, out);
    return out;
  }

  function runJudge(item: EvaluationItemRecord, outputs: Record<string, unknown>) {
    if (judge.kind === "pairwise") {
      return judge.judge(
        {
          input: item.input as Content,
          outputA: outputs.a as Content,
          outputB: outputs.b as Content,
        },
        { signal },
      );
    }
    return judge.judge(
      {
        input: item.input as Content,
        output: outputs.output as Content,
        expected: (item.expected ?? undefined) as Content | undefined,
      },
      { signal },
    );
  }

  // Claimed items waiting for a worker: one claim per `concurrency` items, not one per item.
  const buffer: EvaluationItemRecord[] = [];
  let refill: Promise<void> | undefined;
  let exhausted = false;
  // Items claimed here and not yet recorded or released, waiting or being judged: their leases
  // are renewed every third of a lease, so a slow judgment (the SDK's retries and timeouts can
  // outlast a lease) is never taken over by another worker while this one still judges it.
  const held = new Set<number>();
  // A failed renewal is tried again at the next beat: a database that stays down fails the
  // run's next record anyway.
  const renewal = heartbeat(leaseMs / 3, async () => {
    await store.renewItemLeases(projectId, runId, [...held], leaseMs);
    return true;
  });

  async function nextItem(): Promise<EvaluationItemRecord | undefined> {
    while (buffer.length === 0 && !exhausted) {
      refill ??= store
        .claimPendingItems(projectId, runId, concurrency, leaseMs)
        .then((items) => {
          if (items.length === 0) exhausted = true;
          for (const item of items) held.add(item.itemIndex);
          buffer.push(...items);
        })
        .finally(() => {
          refill = undefined;
        });
      await refill;
    }
    return buffer.shift();
  }

  async function worker(): Promise<void> {
    while (!signal?.aborted) {
      if (!budgetAllowsAnother()) {
        state.budgetReached = true;
        return;
      }
      state.inFlight += 1;
      try {
        const item = await nextItem();
        if (!item || signal?.aborted) {
          if (item) buffer.unshift(item);
          return;
        }
        let result: ItemResult;
        try {
          result = await judgeItem(item);
        } catch (error) {
          if (signal?.aborted) {
            await store.releaseItems(projectId, runId, [item.itemIndex]);
            held.delete(item.itemIndex);
            return;
          }
          result = failure(error);
        }
        // Not recorded when another process took the item over (this one outlived its lease):
        // the new holder records its own judgment; the money spent here still counts below.
        await store.recordJudgment(projectId, runId, item.itemIndex, item.attempts, result);
        held.delete(item.itemIndex);
        state.completed += 1;
        state.finishedHere += 1;
        state.costUsd += result.costUsd;
        if (result.status === "failed") state.failed += 1;
        if (result.cached) state.cached += 1;
        if (result.costUsd > 0) {
          state.paidItems += 1;
          state.paidCost += result.costUsd;
        }
        report();
      } finally {
        state.inFlight -= 1;
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
  } finally {
    renewal.stop();
  }
  // Claimed but never started (budget reached or aborted): back to pending for the next run.
  await store.releaseItems(
    projectId,
    runId,
    buffer.splice(0).map((item) => item.itemIndex),
  );
  const after = await store.getRun(projectId, runId);
  const left = after ? after.progress.pending + after.progress.running : 0;
  const status = signal?.aborted
    ? "paused"
    : left === 0
      ? "completed"
      : state.budgetReached
        ? "budget_exhausted"
        : "running";
  await store.setRunStatus(projectId, runId, status);
  return (await store.getRun(projectId, runId))!;
}

/**
 * The failed result of an item whose work threw. The error starts with a code: `llm_http_<status>`,
 * `llm_timeout` or `llm_connection` for a call that failed after the openai SDK's retries,
 * `error` for anything else (the judges' own codes are {@link StructuredErrorCode}).
 */
function failure(error: unknown): ItemResult {
  let message = `error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  if (error instanceof OpenAI.APIError) {
    const code =
      error instanceof OpenAI.APIConnectionTimeoutError
        ? "llm_timeout"
        : error instanceof OpenAI.APIConnectionError
          ? "llm_connection"
          : `llm_http_${error.status ?? "error"}`;
    message = `${code}: LLM call failed${error.status ? ` with HTTP ${error.status}` : ""} after the SDK's retries: ${error.message}`;
  }
  return {
    status: "failed",
    judgment: null,
    costUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    cached: false,
    error: message,
    cacheKey: null,
  };
}

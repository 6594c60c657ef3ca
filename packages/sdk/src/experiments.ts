/**
 * `@loopkit/sdk/experiments`: `variant()` for A/B tests. A separate entry, as `redact` is, so
 * that apps which run no experiment do not ship the assignment code (about 1 kB min+gz of the
 * 5 kB the default entry may weigh).
 */
import { assignVariant } from "@loopkit/core";
import type { AssignmentConfig } from "@loopkit/server";
import type { Loopkit } from "./client.js";

/** What {@link Experiments.variant} answers. */
export interface VariantAssignment {
  /**
   * The unit's variant key, or `null` when it is in no variant: the experiment is not running
   * (or unknown), the unit is outside its coverage, or no configs could be loaded yet. On
   * `null`, serve what you serve without the experiment (your control), and log without
   * `experimentKey`/`variant`.
   */
  variant: string | null;
  /** The prompt version that variant runs, when the experiment names one; else `null`. */
  promptVersion: string | null;
}

/** Options of {@link createExperiments}. */
export interface ExperimentsOptions {
  /**
   * How long configs are used before the next `variant()` refreshes them in the background
   * (default 60 000 ms). A refresh sends the last etag: when nothing changed the server answers
   * in a few bytes.
   */
  refreshMs?: number;
  /**
   * Told when configs could not be loaded (a `LoopkitApiError`: `NETWORK_ERROR`, `UNAUTHORIZED`,
   * …); `variant()` keeps answering from the last configs loaded.
   */
  onError?: (error: Error) => void;
}

/** A client's experiments: see {@link createExperiments}. */
export interface Experiments {
  /**
   * The unit's variant of a running experiment, assigned with core's `assignVariant`
   * (GrowthBook-compatible: the same answer on the server and in any GrowthBook SDK) from the
   * cached configs, with no network call. The first time a unit gets a variant, an exposure
   * event is logged. Never waits and never throws; see {@link VariantAssignment} for `null`.
   *
   * @param experimentKey - The experiment's key, as created with `experiments.create`.
   * @param unitId - What is assigned, usually the user id; the same id always gets the same variant.
   */
  variant(experimentKey: string, unitId: string): VariantAssignment;
  /**
   * Fetches the running experiments' configs now. Resolves when they are cached, or when the
   * fetch failed (never rejects; `onError` is told). Await it once at start-up so the very
   * first `variant()` already assigns.
   */
  load(): Promise<void>;
}

/** Exposures remembered for de-duplication; past it the oldest are forgotten (and may be logged again). */
const REMEMBERED_EXPOSURES = 10_000;
const NONE: VariantAssignment = { variant: null, promptVersion: null };

/**
 * Assigns units to the project's running experiments, from configs read with the client's key
 * (public keys may) through the server's `experiments.config`. Configs are fetched on first use
 * (or by `load()`) and, like GrowthBook's SDK cache, refreshed in the background by the first
 * `variant()` after `refreshMs`; a failed fetch keeps the last configs and is retried after
 * `refreshMs` again. An exposure event is logged once per experiment, unit and variant (a unit
 * whose variant changes with new weights is logged again), through `loopkit.exposure()`.
 *
 * @example
 * import { createLoopkit } from "@loopkit/sdk";
 * import { createExperiments } from "@loopkit/sdk/experiments";
 * const loopkit = createLoopkit({ baseUrl, apiKey: "lk_pub_…" });
 * const experiments = createExperiments(loopkit);
 * await experiments.load();
 * const { variant, promptVersion } = experiments.variant("support-prompt", userId);
 */
export function createExperiments(loopkit: Loopkit, options: ExperimentsOptions = {}): Experiments {
  const refreshMs = options.refreshMs ?? 60_000;
  let configs = new Map<string, AssignmentConfig>();
  let etag: string | undefined;
  let fetchedAt = 0;
  let loading: Promise<void> | undefined;
  const exposed = new Set<string>();

  function load(): Promise<void> {
    loading ??= loopkit.api
      .query("experiments.config", etag ? { ifNoneMatch: etag } : undefined)
      .then((answer) => {
        if (!answer.notModified) configs = new Map(answer.experiments.map((e) => [e.key, e]));
        etag = answer.etag;
      })
      .catch((error: Error) => {
        try {
          options.onError?.(error);
        } catch {
          // A failing callback must not become an unhandled rejection of a background refresh.
        }
      })
      .finally(() => {
        fetchedAt = Date.now();
        loading = undefined;
      });
    return loading;
  }

  function variant(experimentKey: string, unitId: string): VariantAssignment {
    try {
      if (Date.now() - fetchedAt >= refreshMs) void load();
      const config = configs.get(experimentKey);
      if (!config) return NONE;
      const assignment = assignVariant(config, unitId);
      if (!assignment.inExperiment) return NONE;
      const key = `${experimentKey}\0${assignment.variant}\0${unitId}`;
      if (!exposed.has(key)) {
        if (exposed.size >= REMEMBERED_EXPOSURES) exposed.delete(exposed.values().next().value!);
        exposed.add(key);
        loopkit.exposure({ experimentKey, variant: assignment.variant, unitId });
      }
      return {
        variant: assignment.variant,
        promptVersion: config.promptVersions[assignment.variant] ?? null,
      };
    } catch {
      return NONE;
    }
  }

  return { variant, load };
}

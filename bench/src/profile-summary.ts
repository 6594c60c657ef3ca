/**
 * Where a CPU profile of the server spent its time during ingestion: the samples from the first
 * to the last one inside `ingestBatch` (so start-up and shutdown are left out), grouped by
 * ingestion stage and by function (self time). Used for the profile in bench/README.md:
 *
 *   LOOPKIT_BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" \
 *     pnpm bench --only ingest --scale 0.2
 *   pnpm --filter @loopkit/bench run profile-summary /tmp/prof/<the server's>.cpuprofile
 */
/** The parts of a `.cpuprofile` (Chrome DevTools format, as `node --cpu-prof` writes) read here. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  /** Microseconds before each sample. */
  timeDeltas: number[];
}

/**
 * Ingestion stages, each recognised by a function or module on the sample's stack; the first
 * stage found walking from the sampled function towards the root wins, so a JSON.parse inside
 * validation counts as validation.
 */
export const STAGES: ReadonlyArray<readonly [string, RegExp]> = [
  ["validation (zod)", /^validateEvents | zod\//],
  ["redaction", /^redactInPlace |^redactDeep /],
  ["user-id HMAC", /^userHash /],
  ["tokens and cost", /gpt-tokenizer|genai-prices|^resolveUsage |^computeCost /],
  ["enrichment, other", /^enrich/],
  [
    "database (parameters, pg, socket)",
    /^insertEvents |^insertInto | pg\/lib\/| pg-pool\/| pg-protocol\//,
  ],
  [
    "HTTP and tRPC (body, JSON.parse, answer)",
    / @trpc\/server\/| node:internal\/webstreams| node:internal\/deps\/undici| node:_http/,
  ],
];

/** Time in one stage or function. */
export interface ProfileShare {
  name: string;
  ms: number;
  /** Of the busy (non-idle) time in the window. */
  percent: number;
}

/** A profile's ingestion window, by stage and by function. */
export interface ProfileSummary {
  windowMs: number;
  busyMs: number;
  stages: ProfileShare[];
  topSelf: ProfileShare[];
}

function frameName(frame: CpuProfile["nodes"][number]["callFrame"]): string {
  const where = frame.url
    .replace(/^.*\/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, "")
    .replace(/^file:\/\/.*?\/(packages|apps)\//, "$1/");
  const name = frame.functionName || "(anonymous)";
  return where ? `${name} ${where}:${frame.lineNumber + 1}` : name;
}

function shares(times: Map<string, number>, busy: number, limit = Infinity): ProfileShare[] {
  return [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({ name, ms: us / 1000, percent: (100 * us) / busy }));
}

/**
 * Summarises the samples between the first and the last that have `marker` (a function name) on
 * their stack: busy time by stage (GC on its own line, the rest "other") and the `top` functions
 * by self time.
 *
 * @throws {Error} when no sample has `marker` on its stack (a profile of another process).
 */
export function summarizeProfile(
  profile: CpuProfile,
  { marker = "ingestBatch", top = 20 }: { marker?: string; top?: number } = {},
): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const stacks = new Map<number, string[]>();
  const stackOf = (id: number): string[] => {
    let stack = stacks.get(id);
    if (!stack) {
      stack = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        stack.push(frameName(byId.get(at)!.callFrame));
      }
      stacks.set(id, stack);
    }
    return stack;
  };
  const isMarked = (id: number) => stackOf(id).some((f) => f.startsWith(`${marker} `));
  const first = profile.samples.findIndex(isMarked);
  if (first < 0)
    throw new Error(`no sample has ${marker} on its stack: is it the server's profile?`);
  let last = first;
  for (let i = first; i < profile.samples.length; i++) if (isMarked(profile.samples[i]!)) last = i;
  const stages = new Map<string, number>();
  const self = new Map<string, number>();
  let window = 0;
  let busy = 0;
  for (let i = first; i <= last; i++) {
    const us = profile.timeDeltas[i] ?? 0;
    const stack = stackOf(profile.samples[i]!);
    window += us;
    if (stack[0]!.startsWith("(idle)")) continue;
    busy += us;
    self.set(stack[0]!, (self.get(stack[0]!) ?? 0) + us);
    let stage = stack[0]!.startsWith("(garbage collector)") ? "garbage collection" : "other";
    if (stage === "other") {
      stage = STAGES.find(([, pattern]) => stack.some((f) => pattern.test(f)))?.[0] ?? "other";
    }
    stages.set(stage, (stages.get(stage) ?? 0) + us);
  }
  return {
    windowMs: window / 1000,
    busyMs: busy / 1000,
    stages: shares(stages, busy),
    topSelf: shares(self, busy, top),
  };
}

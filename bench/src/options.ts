/** What one `pnpm bench` run measures, from its command-line flags. */
export interface BenchOptions {
  /** A tiny run that only checks the scripts work (CI). */
  smoke: boolean;
  /** Multiplies every size and duration (1 = the full sizes of the README table). */
  scale: number;
  /** Sections to run (all by default). */
  only: ReadonlySet<SectionName>;
  /** PostgreSQL to make the scratch databases on (they are created and dropped). */
  adminUrl: string;
  /** Where the JSON results go. */
  resultsFile: string;
}

/** The sections of the benchmark, in the order they run. */
export const SECTION_NAMES = [
  "ingest",
  "sustained",
  "sdk",
  "redaction",
  "metrics",
  "assignment",
] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** A bad command-line flag: says which and what it takes. */
export class BenchOptionsError extends Error {
  override readonly name = "BenchOptionsError";
  readonly code = "INVALID_BENCH_OPTIONS";
}

const USAGE =
  "usage: pnpm bench [--smoke] [--scale <factor, e.g. 0.1>] [--only ingest,sustained,sdk,redaction,metrics,assignment]";

/**
 * Parses `--smoke`, `--scale <x>` (or `LOOPKIT_BENCH_SCALE`) and `--only <a,b>`. The database
 * comes from `LOOPKIT_BENCH_DATABASE_URL` (default the local `postgres` maintenance database).
 *
 * @throws {BenchOptionsError} `INVALID_BENCH_OPTIONS` for an unknown flag, a scale that is not a
 * positive number, or an unknown section.
 */
export function parseBenchOptions(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): BenchOptions {
  let smoke = false;
  let scaleText = env.LOOPKIT_BENCH_SCALE;
  let onlyText: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") continue;
    if (arg === "--smoke") smoke = true;
    else if (arg === "--scale") scaleText = argv[++i];
    else if (arg.startsWith("--scale=")) scaleText = arg.slice("--scale=".length);
    else if (arg === "--only") onlyText = argv[++i];
    else if (arg.startsWith("--only=")) onlyText = arg.slice("--only=".length);
    else throw new BenchOptionsError(`unknown argument "${arg}". ${USAGE}`);
  }
  const scale = smoke ? 0.01 : Number(scaleText ?? "1");
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new BenchOptionsError(
      `--scale must be a number above 0 (got "${scaleText}"); 1 is the full run, 0.1 a tenth. ${USAGE}`,
    );
  }
  const only = new Set<SectionName>();
  for (const name of (onlyText ?? SECTION_NAMES.join(",")).split(",").map((s) => s.trim())) {
    if (!(SECTION_NAMES as readonly string[]).includes(name)) {
      throw new BenchOptionsError(
        `--only: unknown section "${name}"; use some of ${SECTION_NAMES.join(", ")}. ${USAGE}`,
      );
    }
    only.add(name as SectionName);
  }
  return {
    smoke,
    scale,
    only,
    adminUrl: env.LOOPKIT_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    resultsFile: new URL("../results.json", import.meta.url).pathname,
  };
}

/** A size scaled by the run's factor, never below `min`. */
export function scaled(options: BenchOptions, full: number, min: number): number {
  return Math.max(min, Math.round(full * options.scale));
}

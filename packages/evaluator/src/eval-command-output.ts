import type { Interval } from "@loopkit/metrics";
import type { PairwiseSummary, VersionScoreSummary } from "./run-summary.js";

const pct = (x: number | null) => (x == null ? "–" : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null, digits = 3) => (x == null ? "–" : x.toFixed(digits));
const usd = (x: number) => `$${x.toFixed(4)}`;
const range = (i: Interval | null, format: (x: number) => string) =>
  i ? `${format(i.lower)}–${format(i.upper)}` : "–";

/** Formats a rubric summary as a plain-text table, with criteria and judge–human agreement. */
export function formatVersionSummary(summary: VersionScoreSummary): string {
  const rows = [
    ["version", "items", "judged", "failed", "mean score", "95% CI", "pass rate", "95% CI", "cost"],
    [
      summary.version,
      String(summary.items),
      String(summary.judged),
      String(summary.failed),
      num(summary.meanScore),
      range(summary.meanScoreInterval, (x) => x.toFixed(3)),
      pct(summary.passRate),
      range(summary.passRateInterval, (x) => pct(x)),
      usd(summary.costUsd),
    ],
  ];
  const lines = [table(rows)];
  const criteria = Object.entries(summary.criteria)
    .map(([name, mean]) => `${name} ${mean.toFixed(2)}`)
    .join(" · ");
  if (criteria) lines.push(`criteria (mean): ${criteria}`);
  const a = summary.agreement;
  if (a) {
    lines.push(
      `judge–human agreement (n=${a.n}): weighted κ ${num(a.weightedKappa, 2)}, Spearman ρ ${num(a.spearmanRho, 2)}`,
    );
  }
  return lines.join("\n");
}

/** Formats a pairwise summary as a plain-text table. */
export function formatPairwiseSummary(summary: PairwiseSummary): string {
  return table([
    [
      "candidate",
      "baseline",
      "judged",
      "failed",
      "wins",
      "losses",
      "ties",
      "win rate",
      "95% CI",
      "position consistency",
      "cost",
    ],
    [
      summary.candidate,
      summary.baseline,
      String(summary.judged),
      String(summary.failed),
      String(summary.candidateWins),
      String(summary.baselineWins),
      String(summary.ties),
      pct(summary.winRate),
      range(summary.winRateInterval, (x) => pct(x)),
      pct(summary.positionConsistency),
      usd(summary.costUsd),
    ],
  ]);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** One row of the results table: Loopkit's figure beside the baseline measured in the same run. */
export interface ReportRow {
  benchmark: string;
  loopkit: string;
  baseline: string;
  ratio: string;
  notes: string;
}

/** The rows as a markdown table. */
export function markdownTable(rows: readonly ReportRow[]): string {
  const cellText = (cell: string) => cell.replaceAll("|", "\\|");
  return [
    "| benchmark | Loopkit | baseline (same run) | ratio | notes |",
    "|---|---:|---:|---:|---|",
    ...rows.map(
      (r) =>
        `| ${cellText(r.benchmark)} | ${cellText(r.loopkit)} | ${cellText(r.baseline)} | ${cellText(r.ratio)} | ${cellText(r.notes)} |`,
    ),
  ].join("\n");
}

/** A count with thousands separators: 12,345. */
export function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Bytes in MiB with one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Milliseconds with sensible precision: 0.42 ms, 12.3 ms, 1,234 ms. */
export function ms(value: number | null): string {
  if (value === null) return "–";
  if (value < 1) return `${value.toFixed(2)} ms`;
  if (value < 100) return `${value.toFixed(1)} ms`;
  return `${count(value)} ms`;
}

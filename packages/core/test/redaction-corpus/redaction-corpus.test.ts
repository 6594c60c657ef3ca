import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BUILTIN_KINDS, redact } from "../../src/index.js";

/**
 * Scores redaction on the labeled corpus (see generate.ts for where every value comes from):
 * a finding counts as a true positive only with the right kind and the exact span; anything
 * else found is a false positive, anything labeled and not found a false negative. Hard
 * negatives carry no label, so every finding in them is a false positive of its kind.
 */
interface Span {
  kind: string;
  start: number;
  end: number;
}
const corpus = readFileSync(fileURLToPath(new URL("corpus.jsonl", import.meta.url)), "utf8")
  .split("\n")
  .filter((line) => line !== "")
  .map((line) => JSON.parse(line) as { text: string; spans: Span[]; set?: "holdout" });

const THRESHOLD = 0.98;

function score(cases: typeof corpus) {
  const stats = new Map<string, { tp: number; fp: number; fn: number }>();
  const at = (kind: string) => {
    let s = stats.get(kind);
    if (!s) {
      s = { tp: 0, fp: 0, fn: 0 };
      stats.set(kind, s);
    }
    return s;
  };
  const errors: string[] = [];
  for (const kind of BUILTIN_KINDS) at(kind);
  for (const { text, spans } of cases) {
    const found = redact(text).findings;
    const key = (s: Span) => `${s.kind}:${s.start}:${s.end}`;
    const expected = new Set(spans.map(key));
    const got = new Set(found.map(key));
    for (const f of found) {
      if (expected.has(key(f))) at(f.kind).tp++;
      else {
        at(f.kind).fp++;
        errors.push(`FP ${f.kind} "${text.slice(f.start, f.end)}" in: ${text.slice(0, 120)}`);
      }
    }
    for (const s of spans) {
      if (!got.has(key(s))) {
        at(s.kind).fn++;
        errors.push(`FN ${s.kind} "${text.slice(s.start, s.end)}" in: ${text.slice(0, 120)}`);
      }
    }
  }
  return { stats, errors };
}

function table(cases: typeof corpus) {
  const { stats, errors } = score(cases);
  const rows = [...stats].map(([kind, { tp, fp, fn }]) => ({
    kind,
    tp,
    fp,
    fn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
  }));
  const lines = [
    "| kind | positives | TP | FP | FN | precision | recall |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.kind} | ${r.tp + r.fn} | ${r.tp} | ${r.fp} | ${r.fn} | ${r.precision.toFixed(3)} | ${r.recall.toFixed(3)} |`,
    ),
  ];
  return { rows, errors, markdown: lines.join("\n") };
}

describe("redaction corpus", () => {
  const all = table(corpus);
  const heldOut = corpus.filter((c) => c.set === "holdout");
  const { rows, errors } = all;

  it("prints the per-kind table, for the whole corpus and for the held-out texts", () => {
    const negatives = corpus.filter((c) => c.spans.length === 0).length;
    console.log(
      `redaction corpus: ${corpus.length} texts, ${negatives} without PII\n${all.markdown}\n\n` +
        `held-out texts (holdout.txt): ${heldOut.length}\n${table(heldOut).markdown}` +
        (errors.length ? `\n${errors.join("\n")}` : ""),
    );
    expect(corpus.length).toBeGreaterThan(900);
    expect(heldOut.length).toBeGreaterThan(60);
  });

  it.each(BUILTIN_KINDS)("%s has at least 30 labeled positives", (kind) => {
    const row = rows.find((r) => r.kind === kind)!;
    expect(row.tp + row.fn).toBeGreaterThanOrEqual(30);
  });

  it.each(BUILTIN_KINDS)(`%s has precision and recall of at least ${THRESHOLD}`, (kind) => {
    const row = rows.find((r) => r.kind === kind)!;
    const mine = errors.filter((e) => e.startsWith(`FP ${kind} `) || e.startsWith(`FN ${kind} `));
    expect({
      precision: row.precision >= THRESHOLD,
      recall: row.recall >= THRESHOLD,
      mine,
    }).toEqual({
      precision: true,
      recall: true,
      mine: expect.any(Array),
    });
  });
});

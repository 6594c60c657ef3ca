import { LoopkitError } from "@loopkit/core";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../src/content-hash.js";
import { comparisonRun, versionEvaluationRun } from "../src/evaluate.js";
import { judgeForRun } from "../src/judge-for-run.js";
import { createOutputGenerator } from "../src/output-generator.js";
import { createPairwiseJudge } from "../src/pairwise-judge.js";
import { createReferenceJudge, createRubricJudge } from "../src/rubric-judge.js";

// A run's stored judge configuration must rebuild the very judge that started it: the
// expected value of each rebuild is the original judge's own describe() (which is also what
// the judgment cache keys on). No LLM is called.

const llm = { model: "judge-model", baseURL: "http://127.0.0.1:9/v1", apiKey: "k" };
const endpoint = { baseURL: llm.baseURL, apiKey: "another-key" };
const dataset = [{ input: "q", output: "a", outputs: { v1: "a1", v2: "a2" }, expected: "e" }];

/** The run as it would be stored and read back: JSON in, JSON out. */
function stored(run: ReturnType<typeof versionEvaluationRun>, id = "run-1") {
  return { id, kind: run.kind, judgeConfig: JSON.parse(JSON.stringify(run.judgeConfig)) };
}

describe("judgeForRun", () => {
  it("rebuilds a rubric judge with custom criteria and temperature, and its generator", () => {
    const judge = createRubricJudge({
      llm,
      criteria: [{ name: "tone", description: "Friendly.", scale: { min: 1, max: 7 } }],
      temperature: 0.3,
    });
    const generator = createOutputGenerator({
      llm,
      prompt: { version: "v3", template: "Answer: {{input}}", model: "gen-model" },
    });
    const run = versionEvaluationRun({
      projectId: "p",
      dataset: [{ input: "q" }],
      version: "v3",
      judge,
      generator,
      concurrency: 3,
    });
    expect(run.concurrency).toBe(3);
    const rebuilt = judgeForRun(stored(run), endpoint);
    expect(rebuilt.judge.kind).toBe("rubric");
    expect(canonicalJson(rebuilt.judge.describe())).toBe(canonicalJson(judge.describe()));
    expect(Object.keys(rebuilt.generators ?? {})).toEqual(["output"]);
    expect(rebuilt.generators?.output?.describe()).toEqual(generator.describe());
  });

  it("rebuilds a reference judge and a pairwise judge with the candidate's generator as b", () => {
    const reference = createReferenceJudge({ llm });
    const run = versionEvaluationRun({ projectId: "p", dataset, version: "v1", judge: reference });
    const rebuiltReference = judgeForRun(stored(run), endpoint);
    expect(rebuiltReference.judge.describe()).toEqual(reference.describe());
    expect(rebuiltReference.generators).toBeUndefined();

    const pairwise = createPairwiseJudge({ llm });
    const generator = createOutputGenerator({ llm, prompt: { version: "v2" } });
    const comparison = comparisonRun({
      projectId: "p",
      dataset: [{ input: "q", outputs: { v1: "a1" } }],
      baseline: "v1",
      candidate: "v2",
      judge: pairwise,
      generator,
    });
    const rebuilt = judgeForRun(stored(comparison), endpoint);
    expect(rebuilt.judge.describe()).toEqual(pairwise.describe());
    expect(rebuilt.generators?.b?.describe()).toEqual(generator.describe());
  });

  it("refuses a run judged with another template version, naming both", () => {
    const run = stored(
      versionEvaluationRun({
        projectId: "p",
        dataset,
        version: "v1",
        judge: createRubricJudge({ llm }),
      }),
    );
    run.judgeConfig.templateVersion = "rubric@0";
    const error = catchError(() => judgeForRun(run, endpoint));
    expect(error).toBeInstanceOf(LoopkitError);
    expect(error).toMatchObject({ code: "INVALID_CONFIG" });
    expect(error.message).toContain("rubric@0");
    expect(error.message).toContain("rubric@1");
    expect(error.message).toContain("run-1");
  });

  it("refuses a configuration it cannot rebuild, naming the field, or one that would judge differently", () => {
    const missing = catchError(() =>
      judgeForRun({ id: "r", kind: "rubric", judgeConfig: { model: "m" } }, endpoint),
    );
    expect(missing).toMatchObject({ code: "INVALID_CONFIG" });
    expect(missing.message).toContain("criteria");

    const run = stored(
      versionEvaluationRun({
        projectId: "p",
        dataset,
        version: "v1",
        judge: createRubricJudge({ llm }),
      }),
    );
    run.judgeConfig.seed = 7; // a setting this evaluator's judge does not have
    const different = catchError(() => judgeForRun(run, endpoint));
    expect(different).toMatchObject({ code: "INVALID_CONFIG" });
    expect(different.message).toContain("describes itself differently");

    const kind = catchError(() => judgeForRun({ ...run, kind: "pairwise" }, endpoint));
    expect(kind.message).toContain("pairwise runs");
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

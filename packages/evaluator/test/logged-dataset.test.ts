import { newEventId } from "@loopkit/core";
import {
  createEvaluationStore,
  createProject,
  type Database,
  insertEvents,
  type StoredFeedbackEvent,
  type StoredLogEvent,
  sampleRequests,
} from "@loopkit/db";
import { openTestDatabase, testDrivers } from "@loopkit/db/testing";
import { startOpenAITestServer } from "@loopkit/openai-test-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetFromInteractions } from "../src/dataset.js";
import { evaluatePromptVersion } from "../src/evaluate.js";
import { createRubricJudge } from "../src/rubric-judge.js";

// The worker's path: logged requests with user ratings → sampleRequests (@loopkit/db) →
// datasetFromInteractions → a judged run. The scripted judge gives every criterion the
// number found in the answer, and users rated each answer with that same number on 1–5,
// so judge and humans agree perfectly (κ = 1, ρ = 1).

describe.each(await testDrivers())("evaluating logged requests on %s", (driver) => {
  let db: Database;
  let project: string;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    project = (await createProject(db, { name: "eval" })).id;
    const now = Date.now();
    const logs: StoredLogEvent[] = Array.from({ length: 10 }, (_, i) => ({
      type: "log",
      id: newEventId(now + i),
      timestamp: new Date(now + i).toISOString(),
      status: "ok",
      userHash: null,
      costMicros: null,
      tokensEstimated: false,
      promptName: "support",
      promptVersion: "v1",
      input: [{ role: "user", content: `question ${i}` }],
      output: `answer worth ${1 + (i % 5)}`,
    }));
    const ratings: StoredFeedbackEvent[] = logs.map((log, i) => ({
      type: "feedback",
      id: newEventId(now + 100 + i),
      timestamp: new Date(now + 100 + i).toISOString(),
      requestId: log.id,
      kind: "explicit",
      name: "rating",
      value: 1 + (i % 5),
      source: "user",
      userHash: null,
    }));
    await insertEvents(db, project, [...logs, ...ratings]);
  });
  afterAll(() => db.close());

  it("judges sampled requests and measures agreement with the users' ratings", async () => {
    const server = await startOpenAITestServer({
      respond: (request) => {
        const user = String(request.messages[1]?.content ?? "");
        const entry = { rationale: "r", score: Number(/answer worth (\d)/.exec(user)?.[1]) };
        return JSON.stringify({
          scores: { clarity: entry, usefulness: entry, correctness: entry, safety: entry },
        });
      },
    });
    try {
      const rows = await sampleRequests(db, project, { size: 10, seed: "eval" });
      const dataset = datasetFromInteractions(rows);
      expect(dataset).toHaveLength(10);
      expect(dataset.every((item) => item.requestId && item.humanRating)).toBe(true);
      const { run, summary } = await evaluatePromptVersion({
        store: createEvaluationStore(db),
        projectId: project,
        dataset,
        version: "v1",
        judge: createRubricJudge({
          llm: { model: "judge", baseURL: server.baseURL, apiKey: "t", maxRetries: 0 },
        }),
      });
      expect(run.status).toBe("completed");
      expect(summary.agreement).toMatchObject({ n: 10, weightedKappa: 1, spearmanRho: 1 });
      const items = await createEvaluationStore(db).listItems(project, run.id);
      expect(new Set(items.map((i) => i.requestId))).toEqual(new Set(rows.map((r) => r.id)));
    } finally {
      await server.close();
    }
  });
});

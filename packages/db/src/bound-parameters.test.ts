import { ExperimentConfig } from "@loopkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, Queryable } from "./index.js";
import * as queries from "./index.js";
import { exposureEvent, feedbackEvent, logEvent } from "./test-events.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// Every value a caller passes must reach PostgreSQL as a bound parameter, never inside the SQL
// text. Each call below carries a marker string (with a quote, to break naive quoting), and
// numbers no statement spells (a limit of 173, not 5); the test records every SQL text sent
// and checks that none holds a marker, a number, or an id the test passed (project, key,
// request, approval, run), and that the markers did reach the database (they are read back,
// so the calls really ran). Every exported function is called here, or named in
// NO_CALLER_VALUES with why it takes none, so a new query cannot escape the check.

const MARK = "zz'mark";
const mark = (what: string) => `${MARK}-${what}`;

/** Numbers passed below, each spelled by no SQL statement of the package. */
const NUMBERS = {
  retentionDays: 397,
  pageLimit: 173,
  sampleSize: 131,
  feedbackLimit: 157,
  batchSize: 1009,
  runLimit: 461,
  claimLimit: 467,
  leaseMs: 30011,
  auditLimit: 389,
  attempt: 479,
};

/** Exported functions that take no value from a caller (only a database, options of the operator). */
const NO_CALLER_VALUES = new Set([
  "createDatabase", // opens the database
  "createEvaluationStore", // binds the evaluation queries (called below one by one) to a database
  "pingDatabase",
  "migrate",
  "migrationStatus",
  "maintainPartitions",
  "runMaintenance",
  "scheduleMaintenance",
  "foldUserRollups",
  "lockFirstStart",
  "listProjects",
]);

/** The package's exports, recording which functions the test takes. */
const taken = new Set<string>();
const lib = new Proxy(queries, {
  get(target, name, receiver) {
    taken.add(String(name));
    return Reflect.get(target, name, receiver);
  },
});

function recording(db: Database, sent: string[]): Database {
  const record = (q: Queryable): Queryable => ({
    query: (sql, params) => {
      sent.push(sql);
      return q.query(sql, params);
    },
  });
  const recorded = record(db);
  return {
    driver: db.driver,
    query: recorded.query,
    transaction: (fn) => db.transaction((tx) => fn(record(tx))),
    close: () => db.close(),
  };
}

describe.each(await testDrivers())("bound parameters on %s", (driver) => {
  let real: Database;
  const sent: string[] = [];
  let db: Database;
  beforeAll(async () => {
    real = await openTestDatabase(driver);
    db = recording(real, sent);
  });
  afterAll(() => real.close());

  it("sends no caller value inside SQL text, from any exported query", async () => {
    const project = await lib.createProject(db, { name: mark("project") });
    await lib.updateProjectSettings(db, project.id, {
      name: mark("renamed"),
      retentionDays: NUMBERS.retentionDays,
    });
    const key = await lib.insertApiKey(db, {
      projectId: project.id,
      kind: "secret",
      keyHash: mark("hash"),
      prefix: mark("prefix"),
    });
    expect((await lib.findApiKeyByHash(db, mark("hash")))?.prefix).toBe(mark("prefix"));
    await lib.listApiKeys(db, project.id);
    await lib.revokeApiKey(db, project.id, key.id);

    const request = logEvent({
      promptName: mark("prompt"),
      promptVersion: mark("version"),
      input: mark("input"),
      output: [{ role: "assistant", content: mark("output") }],
      tags: [mark("tag")],
      metadata: { [mark("key")]: mark("value") },
      experimentKey: mark("experiment"),
      variant: mark("variant"),
      userHash: mark("user"),
      errorMessage: mark("error"),
    });
    await lib.insertEvents(db, project.id, [
      request,
      feedbackEvent(request.id, {
        name: "comment",
        kind: "explicit",
        value: mark("comment"),
        comment: mark("comment-text"),
      }),
      feedbackEvent(request.id, { name: "rating", kind: "explicit", value: 4 }),
      exposureEvent(mark("experiment"), mark("variant"), mark("unit")),
    ]);
    const filter = {
      promptName: mark("prompt"),
      tags: [mark("tag")],
      experimentKey: mark("experiment"),
      from: new Date(0),
      to: new Date(Date.now() + 86_400_000),
    };
    const [aggregate] = await lib.versionAggregates(db, project.id, filter);
    expect(aggregate).toMatchObject({ version: mark("version"), requests: 1 });
    await lib.versionAggregates(db, project.id, { ...filter, groupBy: "variant", bucket: "day" });
    const page = await lib.listRequests(db, project.id, {
      limit: NUMBERS.pageLimit,
      promptName: mark("prompt"),
      promptVersion: mark("version"),
      tags: [mark("tag")],
      hasFeedback: true,
    });
    expect(page.requests[0]?.input).toBe(mark("input"));
    await lib.sampleRequests(db, project.id, {
      size: NUMBERS.sampleSize,
      promptName: mark("prompt"),
      versions: [mark("version")],
      seed: mark("seed"),
      withFeedback: true,
    });
    expect(await lib.exposureCounts(db, project.id, mark("experiment"))).toEqual([
      { variant: mark("variant"), units: 1 },
    ]);
    await lib.countEvents(db, project.id);
    await lib.applyRetention(db, { now: new Date(), batchSize: NUMBERS.batchSize });

    await lib.createPromptVersion(db, project.id, {
      promptName: mark("prompt"),
      version: mark("v-new"),
      template: mark("template"),
      params: { [mark("param")]: mark("param-value") },
      createdBy: mark("author"),
    });
    await lib.setPromptVersionStatus(db, project.id, mark("prompt"), mark("v-new"), "production");
    await lib.listPromptVersions(db, project.id, { promptName: mark("prompt") });
    await lib.createExperiment(
      db,
      project.id,
      ExperimentConfig.parse({
        key: mark("exp"),
        variants: [{ key: mark("a") }, { key: mark("b") }],
      }),
    );
    await lib.setExperimentStatus(db, project.id, mark("exp"), "running");
    const approval = await lib.requestApproval(db, project.id, {
      subjectType: "prompt_version",
      subjectKey: mark("subject"),
      action: mark("action"),
      requestedBy: mark("requester"),
    });
    await lib.decideApproval(db, project.id, approval.id, {
      status: "approved",
      decidedBy: mark("approver"),
      comment: mark("why"),
    });
    await lib.recordAudit(db, {
      projectId: project.id,
      actor: mark("actor"),
      action: mark("audit-action"),
      subjectType: mark("subject-type"),
      subjectKey: mark("subject-key"),
      details: { [mark("detail")]: mark("detail-value") },
    });
    await lib.listAudit(db, project.id, {
      subjectKey: mark("subject-key"),
      limit: NUMBERS.auditLimit,
    });
    await lib.recordShadowResult(db, project.id, {
      shadowRequestId: "01890a5d-ac96-7b3c-8d6e-0000000000aa",
      productionRequestId: request.id,
      promptName: mark("prompt"),
      candidateVersion: mark("candidate"),
      winner: "tie",
      judgment: { [mark("judgment")]: mark("reason") },
    });
    await lib.shadowSummaries(db, project.id, { promptName: mark("prompt") });
    await lib.shadowComparisons(db, project.id, {
      promptName: mark("prompt"),
      candidateVersion: mark("candidate"),
    });
    expect(
      (
        await lib.listFeedback(db, project.id, { requestId: request.id }, NUMBERS.feedbackLimit)
      ).map((f) => f.comment),
    ).toContain(mark("comment-text"));
    await lib.listFeedback(
      db,
      project.id,
      { conversationId: mark("conversation") },
      NUMBERS.feedbackLimit,
    );

    await lib.touchApiKey(db, key.id, new Date());
    expect((await lib.getApproval(db, project.id, approval.id))?.comment).toBe(mark("why"));
    await lib.listApprovals(db, project.id, {
      status: "approved",
      subjectType: "prompt_version",
      subjectKey: mark("subject"),
    });
    expect(
      (await lib.getPromptVersion(db, project.id, mark("prompt"), mark("v-new")))?.template,
    ).toBe(mark("template"));
    expect((await lib.getExperiment(db, project.id, mark("exp")))?.config.key).toBe(mark("exp"));
    await lib.listExperiments(db, project.id, { status: "running" });
    await lib.recordFirstDecision(db, project.id, {
      experimentKey: mark("exp"),
      decision: "ship_variant",
      winner: mark("b"),
      reasons: [mark("reason")],
      settings: { [mark("setting")]: mark("setting-value") },
      analysis: { [mark("analysis")]: mark("analysis-value") },
    });
    expect((await lib.getFirstDecision(db, project.id, mark("exp")))?.winner).toBe(mark("b"));

    const lease = { owner: mark("owner"), leaseMs: NUMBERS.leaseMs };
    const run = await lib.createEvaluationRun(db, {
      projectId: project.id,
      name: mark("run"),
      kind: "rubric",
      judgeConfig: { [mark("judge")]: mark("judge-value") },
      versions: [mark("version")],
      metadata: { [mark("meta")]: mark("meta-value") },
      items: [
        {
          version: mark("version"),
          requestId: request.id,
          input: mark("item-input"),
          outputs: { output: mark("item-output") },
          expected: mark("expected"),
        },
      ],
      lease,
    });
    expect(run.name).toBe(mark("run"));
    await lib.getEvaluationRun(db, project.id, run.id);
    await lib.listEvaluationRuns(db, project.id, { limit: NUMBERS.runLimit });
    await lib.renewRunLease(db, project.id, run.id, lease);
    await lib.claimPendingItems(db, project.id, run.id, NUMBERS.claimLimit, NUMBERS.leaseMs);
    await lib.renewItemLeases(db, project.id, run.id, [0], NUMBERS.leaseMs);
    await lib.releaseItems(db, project.id, run.id, [0]);
    await lib.recordJudgment(db, project.id, run.id, 0, NUMBERS.attempt, {
      status: "done",
      judgment: { [mark("judgment")]: mark("judgment-value") },
      costUsd: 0.25,
      inputTokens: 100,
      outputTokens: 20,
      cached: false,
      error: null,
      cacheKey: mark("cache"),
    });
    expect((await lib.listEvaluationItems(db, project.id, run.id))[0]?.input).toBe(
      mark("item-input"),
    );
    await lib.putCachedJudgment(db, project.id, mark("cache-2"), { [mark("c")]: mark("cv") });
    expect(await lib.getCachedJudgment(db, project.id, mark("cache-2"))).toEqual({
      [mark("c")]: mark("cv"),
    });
    await lib.setEvaluationRunStatus(db, project.id, run.id, "failed", {
      error: mark("run-error"),
      leaseOwner: mark("owner"),
    });
    await lib.releaseRunLease(db, project.id, run.id, mark("owner"));
    await lib.claimAbandonedRun(db, { owner: mark("other-owner"), leaseMs: NUMBERS.leaseMs });

    expect((await lib.getProject(db, project.id))?.name).toBe(mark("renamed"));
    expect(sent.length).toBeGreaterThan(50);
    const values = [
      "zz",
      project.id,
      key.id,
      request.id,
      approval.id,
      run.id,
      ...Object.values(NUMBERS).map(String),
    ];
    const leaks = sent.filter((sql) => values.some((value) => sql.includes(value)));
    expect(leaks).toEqual([]);

    // The claim holds only for the queries that ran: every exported function that takes a
    // caller's value must have been called above.
    const functions = Object.entries(queries)
      .filter(([, value]) => typeof value === "function")
      .map(([name]) => name);
    expect(functions.filter((name) => !taken.has(name) && !NO_CALLER_VALUES.has(name))).toEqual([]);
  });
});

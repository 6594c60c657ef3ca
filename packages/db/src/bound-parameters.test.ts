import { ExperimentConfig } from "@loopkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyRetention,
  countEvents,
  createExperiment,
  createProject,
  createPromptVersion,
  type Database,
  decideApproval,
  exposureCounts,
  findApiKeyByHash,
  getProject,
  insertApiKey,
  insertEvents,
  listApiKeys,
  listAudit,
  listFeedback,
  listPromptVersions,
  listRequests,
  type Queryable,
  recordAudit,
  recordShadowResult,
  requestApproval,
  revokeApiKey,
  sampleRequests,
  setExperimentStatus,
  setPromptVersionStatus,
  shadowComparisons,
  shadowSummaries,
  updateProjectSettings,
  versionAggregates,
} from "./index.js";
import { exposureEvent, feedbackEvent, logEvent } from "./test-events.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// Every value a caller passes must reach PostgreSQL as a bound parameter, never inside the SQL
// text. Each call below carries a marker string (with a quote, to break naive quoting); the
// test records every SQL text sent and checks that no marker is in any of them, and that the
// markers did reach the database (they are read back, so the calls really ran).

const MARK = "zz'mark";
const mark = (what: string) => `${MARK}-${what}`;

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

  it("sends no caller value inside SQL text", async () => {
    const project = await createProject(db, { name: mark("project") });
    await updateProjectSettings(db, project.id, { name: mark("renamed"), retentionDays: 400 });
    const key = await insertApiKey(db, {
      projectId: project.id,
      kind: "secret",
      keyHash: mark("hash"),
      prefix: mark("prefix"),
    });
    expect((await findApiKeyByHash(db, mark("hash")))?.prefix).toBe(mark("prefix"));
    await listApiKeys(db, project.id);
    await revokeApiKey(db, project.id, key.id);

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
    await insertEvents(db, project.id, [
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
    const [aggregate] = await versionAggregates(db, project.id, filter);
    expect(aggregate).toMatchObject({ version: mark("version"), requests: 1 });
    await versionAggregates(db, project.id, { ...filter, groupBy: "variant", bucket: "day" });
    const page = await listRequests(db, project.id, {
      limit: 5,
      promptName: mark("prompt"),
      promptVersion: mark("version"),
      tags: [mark("tag")],
      hasFeedback: true,
    });
    expect(page.requests[0]?.input).toBe(mark("input"));
    await sampleRequests(db, project.id, {
      size: 3,
      promptName: mark("prompt"),
      versions: [mark("version")],
      seed: mark("seed"),
      withFeedback: true,
    });
    expect(await exposureCounts(db, project.id, mark("experiment"))).toEqual([
      { variant: mark("variant"), units: 1 },
    ]);
    await countEvents(db, project.id);
    await applyRetention(db, { now: new Date(), batchSize: 10 });

    await createPromptVersion(db, project.id, {
      promptName: mark("prompt"),
      version: mark("v-new"),
      template: mark("template"),
      params: { [mark("param")]: mark("param-value") },
      createdBy: mark("author"),
    });
    await setPromptVersionStatus(db, project.id, mark("prompt"), mark("v-new"), "production");
    await listPromptVersions(db, project.id, { promptName: mark("prompt") });
    await createExperiment(
      db,
      project.id,
      ExperimentConfig.parse({
        key: mark("exp"),
        variants: [{ key: mark("a") }, { key: mark("b") }],
      }),
    );
    await setExperimentStatus(db, project.id, mark("exp"), "running");
    const approval = await requestApproval(db, project.id, {
      subjectType: "prompt_version",
      subjectKey: mark("subject"),
      action: mark("action"),
      requestedBy: mark("requester"),
    });
    await decideApproval(db, project.id, approval.id, {
      status: "approved",
      decidedBy: mark("approver"),
      comment: mark("why"),
    });
    await recordAudit(db, {
      projectId: project.id,
      actor: mark("actor"),
      action: mark("audit-action"),
      subjectType: mark("subject-type"),
      subjectKey: mark("subject-key"),
      details: { [mark("detail")]: mark("detail-value") },
    });
    await listAudit(db, project.id, { subjectKey: mark("subject-key") });
    await recordShadowResult(db, project.id, {
      shadowRequestId: "01890a5d-ac96-7b3c-8d6e-0000000000aa",
      productionRequestId: request.id,
      promptName: mark("prompt"),
      candidateVersion: mark("candidate"),
      winner: "tie",
      judgment: { [mark("judgment")]: mark("reason") },
    });
    await shadowSummaries(db, project.id, { promptName: mark("prompt") });
    await shadowComparisons(db, project.id, {
      promptName: mark("prompt"),
      candidateVersion: mark("candidate"),
    });
    expect(
      (await listFeedback(db, project.id, { requestId: request.id }, 5)).map((f) => f.comment),
    ).toContain(mark("comment-text"));
    await listFeedback(db, project.id, { conversationId: mark("conversation") }, 5);

    expect((await getProject(db, project.id))?.name).toBe(mark("renamed"));
    expect(sent.length).toBeGreaterThan(30);
    const leaks = sent.filter((sql) => sql.includes("zz") || sql.includes(project.id));
    expect(leaks).toEqual([]);
  });
});

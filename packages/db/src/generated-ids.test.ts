import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createEvaluationRun,
  createProject,
  type Database,
  insertApiKey,
  recordAudit,
  requestApproval,
} from "./index.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// The ids this package makes that the API answers with must not count other projects' activity:
// the audit log numbers entries per project (see audit-log.test.ts); every other generated id is
// a version-4 UUID, 122 random bits and no order (RFC 9562 §5.4: version nibble 4, variant 10).
// Prompt versions, experiments and shadow results are keyed by names and ids the caller gives.

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(await testDrivers())("generated ids on %s", (driver) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
  });
  afterAll(() => db.close());

  it("makes project, key, approval and evaluation run ids random, audit ids per project", async () => {
    const ids: Record<string, string[]> = { project: [], key: [], approval: [], run: [] };
    const audit: number[] = [];
    for (let i = 0; i < 3; i++) {
      const project = await createProject(db, { name: `p${i}` });
      ids.project!.push(project.id);
      const key = await insertApiKey(db, {
        projectId: project.id,
        kind: "secret",
        keyHash: `hash-${i}`,
        prefix: "lk_sk_",
      });
      ids.key!.push(key.id);
      const approval = await requestApproval(db, project.id, {
        subjectType: "prompt_version",
        subjectKey: "support@v2",
        action: "promote",
        requestedBy: "ana",
      });
      ids.approval!.push(approval.id);
      const run = await createEvaluationRun(db, {
        projectId: project.id,
        kind: "rubric",
        judgeConfig: {},
        versions: ["v1"],
        items: [],
      });
      ids.run!.push(run.id);
      const entry = await recordAudit(db, {
        projectId: project.id,
        actor: "ana",
        action: "prompt_version.promotion_requested",
        subjectType: "prompt_version",
        subjectKey: "support@v2",
      });
      audit.push(entry.id);
    }
    for (const [what, made] of Object.entries(ids)) {
      for (const id of made) expect(id, what).toMatch(UUID_V4);
      expect(new Set(made).size, what).toBe(made.length);
    }
    // Three projects, one entry each: each is its project's first.
    expect(audit).toEqual([1, 1, 1]);
  });
});

import { ExperimentConfig } from "@loopkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createExperiment,
  createProject,
  createPromptVersion,
  type Database,
  decideApproval,
  getApproval,
  getExperiment,
  getPromptVersion,
  listApprovals,
  listAudit,
  listExperiments,
  listPromptVersions,
  recordAudit,
  recordShadowResult,
  requestApproval,
  setExperimentStatus,
  setPromptVersionStatus,
  shadowSummaries,
} from "./index.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// Expected values are the inputs each test writes; the lifecycle rules (one production version
// per prompt, an append-only audit log) are the ones migration 0004_prompt_lifecycle.sql sets.

describe.each(await testDrivers())("prompt lifecycle repositories on %s", (driver) => {
  let db: Database;
  let project: string;
  let other: string;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    project = (await createProject(db, { name: "lifecycle" })).id;
    other = (await createProject(db, { name: "other" })).id;
  });
  afterAll(() => db.close());

  it("creates prompt versions and promotes one to production, retiring the previous", async () => {
    const v1 = await createPromptVersion(db, project, {
      promptName: "support",
      version: "v1",
      template: "Answer: {{q}}",
      model: "gpt-4o-mini",
      params: { temperature: 0.2 },
      status: "production",
      createdBy: "ana",
    });
    expect(v1).toMatchObject({
      status: "production",
      params: { temperature: 0.2 },
      createdBy: "ana",
    });
    await createPromptVersion(db, project, { promptName: "support", version: "v2" });
    await expect(
      createPromptVersion(db, project, { promptName: "support", version: "v2" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });

    const shadow = await setPromptVersionStatus(db, project, "support", "v2", "shadow");
    expect(shadow).toMatchObject({ status: "shadow", previousStatus: "draft" });
    const promoted = await db.transaction((tx) =>
      setPromptVersionStatus(tx, project, "support", "v2", "production"),
    );
    expect(promoted).toMatchObject({ status: "production", previousStatus: "shadow" });
    expect((await getPromptVersion(db, project, "support", "v1"))?.status).toBe("retired");
    expect(
      (await listPromptVersions(db, project, { status: "production" })).map((v) => v.version),
    ).toEqual(["v2"]);
    expect(await listPromptVersions(db, other)).toEqual([]);
    await expect(
      setPromptVersionStatus(db, project, "support", "v9", "shadow"),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("stores experiments and tracks their start and stop", async () => {
    const config = ExperimentConfig.parse({
      key: "support-ab",
      promptName: "support",
      variants: [
        { key: "control", promptVersion: "v1" },
        { key: "treatment", promptVersion: "v2" },
      ],
    });
    const created = await createExperiment(db, project, config);
    expect(created).toMatchObject({ key: "support-ab", status: "draft", startedAt: null });
    expect(created.config).toEqual(config);
    await expect(createExperiment(db, project, config)).rejects.toMatchObject({ code: "CONFLICT" });
    // Keys are per project.
    await createExperiment(db, other, config);

    const running = await setExperimentStatus(db, project, "support-ab", "running");
    expect(running.startedAt).toBeInstanceOf(Date);
    expect(running.config.status).toBe("running");
    const stopped = await setExperimentStatus(db, project, "support-ab", "stopped");
    expect(stopped.stoppedAt).toBeInstanceOf(Date);
    expect(stopped.startedAt).toEqual(running.startedAt);
    expect((await getExperiment(db, project, "support-ab"))?.status).toBe("stopped");
    expect((await listExperiments(db, project, { status: "stopped" })).map((e) => e.key)).toEqual([
      "support-ab",
    ]);
    expect(await listExperiments(db, project, { status: "running" })).toEqual([]);
    await expect(setExperimentStatus(db, project, "nope", "running")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("decides an approval once, naming who decided", async () => {
    const request = await requestApproval(db, project, {
      subjectType: "prompt_version",
      subjectKey: "support@v3",
      action: "promote",
      requestedBy: "ana",
    });
    expect(request).toMatchObject({ status: "pending", decidedBy: null, decidedAt: null });
    expect(await getApproval(db, other, request.id)).toBeNull();
    const approved = await decideApproval(db, project, request.id, {
      status: "approved",
      decidedBy: "ben",
      comment: "shadow results look good",
    });
    expect(approved).toMatchObject({
      status: "approved",
      decidedBy: "ben",
      comment: "shadow results look good",
    });
    expect(approved.decidedAt).toBeInstanceOf(Date);
    await expect(
      decideApproval(db, project, request.id, { status: "rejected", decidedBy: "cy" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(
      decideApproval(db, other, request.id, { status: "rejected", decidedBy: "cy" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await listApprovals(db, project, { status: "approved" })).map((a) => a.id)).toEqual([
      request.id,
    ]);
    expect(await listApprovals(db, project, { status: "pending" })).toEqual([]);
  });

  it("appends audit entries and refuses to change or remove them", async () => {
    const first = await recordAudit(db, {
      projectId: project,
      actor: "ben",
      action: "prompt_version.promote",
      subjectType: "prompt_version",
      subjectKey: "support@v2",
      details: { from: "shadow", to: "production" },
    });
    const second = await recordAudit(db, {
      projectId: project,
      actor: "ana",
      action: "experiment.start",
      subjectType: "experiment",
      subjectKey: "support-ab",
    });
    expect(second.id).toBeGreaterThan(first.id);
    expect((await listAudit(db, project)).map((e) => e.id)).toEqual([second.id, first.id]);
    expect(
      (await listAudit(db, project, { subjectType: "prompt_version" })).map((e) => e.details),
    ).toEqual([{ from: "shadow", to: "production" }]);
    expect((await listAudit(db, project, { before: second.id })).map((e) => e.id)).toEqual([
      first.id,
    ]);
    expect(await listAudit(db, other)).toEqual([]);

    await expect(
      db.query("UPDATE audit_log SET actor = 'mallory' WHERE project_id = $1", [project]),
    ).rejects.toThrow(/append-only/);
    await expect(
      db.query("DELETE FROM audit_log WHERE project_id = $1", [project]),
    ).rejects.toThrow(/append-only/);
    await expect(db.query("TRUNCATE audit_log", [])).rejects.toThrow(/append-only/);
    expect(await listAudit(db, project)).toHaveLength(2);
  });

  it("records shadow results once and summarises them per candidate version", async () => {
    const result = {
      shadowRequestId: "01890a5d-ac96-7b3c-8d6e-000000000001",
      productionRequestId: "01890a5d-ac96-7b3c-8d6e-000000000002",
      promptName: "support",
      candidateVersion: "v3",
      productionVersion: "v2",
      winner: "candidate" as const,
      score: 0.8,
      judgment: { reason: "more complete" },
    };
    expect(await recordShadowResult(db, project, result)).toBe("accepted");
    expect(await recordShadowResult(db, project, result)).toBe("duplicate");
    await recordShadowResult(db, project, {
      ...result,
      shadowRequestId: "01890a5d-ac96-7b3c-8d6e-000000000003",
      winner: "production",
      score: 0.2,
    });
    await recordShadowResult(db, project, {
      ...result,
      shadowRequestId: "01890a5d-ac96-7b3c-8d6e-000000000004",
      winner: "tie",
      score: 0.5,
    });
    expect(await shadowSummaries(db, project, { promptName: "support" })).toEqual([
      {
        candidateVersion: "v3",
        compared: 3,
        candidateWins: 1,
        productionWins: 1,
        ties: 1,
        meanScore: 0.5,
      },
    ]);
    expect(await shadowSummaries(db, other)).toEqual([]);
  });
});

import { testDrivers } from "@loopkit/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing.js";

describe.each(await testDrivers())("prompts on %s", (driver) => {
  let server: TestServer;
  let key: string;
  beforeAll(async () => {
    server = await startTestServer(driver);
    key = server.a.secretKey;
  });
  afterAll(() => server?.close());

  const create = (version: string) =>
    server.mutate(
      "prompts.create",
      {
        promptName: "support",
        version,
        template: "You are a support agent. {{input}}",
        model: "gpt-4o-mini",
        params: { temperature: 0.2 },
        createdBy: "Ada",
      },
      key,
    );
  const move = (version: string, to: string) =>
    server.mutate("prompts.transition", { promptName: "support", version, to, actor: "Ada" }, key);

  it("creates a draft version and reads it back, listed with its template, model and params", async () => {
    const created = await create("v1");
    expect(created.status).toBe(200);
    expect(created.body.result.data).toMatchObject({ status: "draft", version: "v1" });
    const got = await server.query("prompts.get", { promptName: "support", version: "v1" }, key);
    expect(got.body.result.data).toMatchObject({
      template: "You are a support agent. {{input}}",
      model: "gpt-4o-mini",
      params: { temperature: 0.2 },
      createdBy: "Ada",
    });
    const listed = await server.query("prompts.list", { promptName: "support" }, key);
    expect(listed.body.result.data.map((v: { version: string }) => v.version)).toEqual(["v1"]);
  });

  it("refuses a second version of the same name (409) and an unknown version (404)", async () => {
    expect((await create("v1")).status).toBe(409);
    const missing = await server.query(
      "prompts.get",
      { promptName: "support", version: "nope" },
      key,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.data.loopkitCode).toBe("NOT_FOUND");
  });

  it("walks draft → shadow → experiment, refusing skips, and refuses production outside approval", async () => {
    expect((await move("v1", "experiment")).status).toBe(409);
    const direct = await move("v1", "production");
    expect(direct.status).toBe(400);
    expect(direct.body.error.data.issues[0].path).toBe("to");
    expect(direct.body.error.message).toContain("requestPromotion");
    expect((await move("v1", "shadow")).body.result.data.status).toBe("shadow");
    expect((await move("v1", "experiment")).body.result.data.status).toBe("experiment");
  });

  it("promotes only through a request approved by another named person, and audits every step", async () => {
    const early = await server.mutate(
      "prompts.requestPromotion",
      { promptName: "support", version: "v0", requestedBy: "Ada" },
      key,
    );
    expect(early.status).toBe(404);

    const requested = await server.mutate(
      "prompts.requestPromotion",
      { promptName: "support", version: "v1", requestedBy: "Ada", comment: "won the A/B test" },
      key,
    );
    expect(requested.status).toBe(200);
    const approvalId = requested.body.result.data.id;
    const twice = await server.mutate(
      "prompts.requestPromotion",
      { promptName: "support", version: "v1", requestedBy: "Ada" },
      key,
    );
    expect(twice.status).toBe(409);

    const self = await server.mutate("prompts.approve", { approvalId, approver: "ada" }, key);
    expect(self.status).toBe(403);
    expect(self.body.error.message).toContain("cannot approve");
    const stillExperiment = await server.query(
      "prompts.get",
      { promptName: "support", version: "v1" },
      key,
    );
    expect(stillExperiment.body.result.data.status).toBe("experiment");

    const approved = await server.mutate(
      "prompts.approve",
      { approvalId, approver: "Grace", comment: "ship it" },
      key,
    );
    expect(approved.status).toBe(200);
    expect(approved.body.result.data.version.status).toBe("production");
    expect(approved.body.result.data.approval).toMatchObject({
      status: "approved",
      decidedBy: "Grace",
      requestedBy: "Ada",
    });
    const again = await server.mutate("prompts.approve", { approvalId, approver: "Linus" }, key);
    expect(again.status).toBe(409);

    const history = await server.query(
      "prompts.history",
      { promptName: "support", version: "v1" },
      key,
    );
    const actions = history.body.result.data.map((e: { action: string; actor: string }) => [
      e.action,
      e.actor,
    ]);
    // Newest first.
    expect(actions).toEqual([
      ["prompt_version.promote", "Grace"],
      ["prompt_version.promotion_requested", "Ada"],
      ["prompt_version.experiment", "Ada"],
      ["prompt_version.shadow", "Ada"],
      ["prompt_version.create", "Ada"],
    ]);
    expect(history.body.result.data[0].details).toMatchObject({
      requestedBy: "Ada",
      approvedBy: "Grace",
    });
    // Every entry names the API key that made the change: all were made with `key`.
    const keyIds = new Set(
      history.body.result.data.map((e: { details: { keyId?: unknown } }) => e.details.keyId),
    );
    expect([...keyIds]).toEqual([expect.any(String)]);
  });

  it("retires the production version when the next one is approved, and can reject a request", async () => {
    await create("v2");
    await move("v2", "shadow");
    await move("v2", "experiment");
    const requested = await server.mutate(
      "prompts.requestPromotion",
      { promptName: "support", version: "v2", requestedBy: "Grace" },
      key,
    );
    const rejected = await server.mutate(
      "prompts.reject",
      { approvalId: requested.body.result.data.id, approver: "Linus", comment: "not yet" },
      key,
    );
    expect(rejected.body.result.data.status).toBe("rejected");
    const second = await server.mutate(
      "prompts.requestPromotion",
      { promptName: "support", version: "v2", requestedBy: "Grace" },
      key,
    );
    const approved = await server.mutate(
      "prompts.approve",
      { approvalId: second.body.result.data.id, approver: "Ada" },
      key,
    );
    expect(approved.body.result.data.version.status).toBe("production");
    const v1 = await server.query("prompts.get", { promptName: "support", version: "v1" }, key);
    expect(v1.body.result.data.status).toBe("retired");
    const production = await server.query(
      "prompts.list",
      { promptName: "support", status: "production" },
      key,
    );
    expect(production.body.result.data.map((v: { version: string }) => v.version)).toEqual(["v2"]);
    const approvals = await server.query("prompts.approvals", { status: "rejected" }, key);
    expect(approvals.body.result.data).toHaveLength(1);
    const history = await server.query(
      "prompts.history",
      { promptName: "support", version: "v2" },
      key,
    );
    expect(history.body.result.data[0].details.retired).toEqual(["v1"]);
  });
});

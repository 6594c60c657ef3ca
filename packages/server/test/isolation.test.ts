import { createEvaluationRun } from "@loopkit/db";
import { testDrivers } from "@loopkit/db/testing";
import type { AnyProcedure } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../src/root.js";
import { startTestServer, type TestResponse, type TestServer } from "../src/testing.js";
import { feedbackEvent, logEvent } from "./events.js";

const flat = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;

/**
 * For every procedure a project key may call: project B's attempt on A's data, and what must
 * hold of the answer. A procedure without a case here fails the enumeration test.
 */
type Case = (server: TestServer, a: Seeded) => Promise<void>;
interface Seeded {
  requestId: string;
  approvalId: string;
  runId: string;
  /** One of A's log events, as A sent it: B sends it again. */
  copied: ReturnType<typeof logEvent>;
  /** One of A's requests that B's feedback and shadow events name. */
  referencedId: string;
}

const notFound = (response: TestResponse) => {
  expect(response.status).toBe(404);
};

const CASES: Record<string, Case> = {
  "ingest.batch": async (s, a) => {
    // B sends A's event again (same id and time) and feedback on another of A's requests. B
    // stores its own events: "accepted", where "duplicate" would tell B that A has the event;
    // A's request, its feedback and its rollup are untouched.
    const r = await s.mutate(
      "ingest.batch",
      {
        events: [
          { ...a.copied, output: "b's copy" },
          feedbackEvent(a.referencedId, { kind: "explicit", name: "rating", value: 1 }),
        ],
      },
      s.b.publicKey,
    );
    expect(r.body.result.data.results.map((e: { status: string }) => e.status)).toEqual([
      "accepted",
      "accepted",
    ]);
    const copies = await s.db.query<{ project_id: string; output: unknown }>(
      "SELECT project_id, output FROM requests WHERE id = $1 ORDER BY project_id = $2 DESC",
      [a.copied.id, s.a.id],
    );
    expect(copies).toEqual([
      { project_id: s.a.id, output: a.copied.output },
      { project_id: s.b.id, output: "b's copy" },
    ]);
    const onB = await s.query("feedback.list", { requestId: a.referencedId }, s.b.secretKey);
    expect(onB.body.result.data).toHaveLength(1);
    const onA = await s.query("feedback.list", { requestId: a.referencedId }, s.a.secretKey);
    expect(onA.body.result.data).toEqual([]);
    const rollups = await s.db.query<{ rating: number | null }>(
      "SELECT rating FROM request_rollups WHERE project_id = $1 AND request_id = $2",
      [s.a.id, a.referencedId],
    );
    expect(rollups).toEqual([{ rating: null }]);
  },
  "metrics.compareVersions": async (s) => {
    const r = await s.query("metrics.compareVersions", {}, s.b.secretKey);
    expect(JSON.stringify(r.body)).not.toContain("a-only");
  },
  "projects.current": async (s) => {
    const r = await s.query("projects.current", undefined, s.b.secretKey);
    expect(r.body.result.data.id).toBe(s.b.id);
  },
  "projects.updateSettings": async (s) => {
    await s.mutate("projects.updateSettings", { name: "B renamed" }, s.b.secretKey);
    const a = await s.query("projects.current", undefined, s.a.secretKey);
    expect(a.body.result.data.name).toBe("A");
  },
  "projects.createKey": async (s) => {
    const r = await s.mutate("projects.createKey", { kind: "public" }, s.b.secretKey);
    expect(r.body.result.data.record.projectId).toBe(s.b.id);
  },
  "projects.listKeys": async (s) => {
    const r = await s.query("projects.listKeys", undefined, s.b.secretKey);
    for (const k of r.body.result.data) expect(k.projectId).toBe(s.b.id);
  },
  "projects.revokeKey": async (s) => {
    const keys = await s.query("projects.listKeys", undefined, s.a.secretKey);
    notFound(
      await s.mutate("projects.revokeKey", { keyId: keys.body.result.data[0].id }, s.b.secretKey),
    );
  },
  "projects.rotateKey": async (s) => {
    const keys = await s.query("projects.listKeys", undefined, s.a.secretKey);
    notFound(
      await s.mutate("projects.rotateKey", { keyId: keys.body.result.data[0].id }, s.b.secretKey),
    );
  },
  "prompts.create": async (s) => {
    // B may use the same name and version; A's version is untouched.
    const r = await s.mutate(
      "prompts.create",
      { promptName: "secret-prompt", version: "a-only", template: "b" },
      s.b.secretKey,
    );
    expect(r.status).toBe(200);
    const a = await s.query(
      "prompts.get",
      { promptName: "secret-prompt", version: "a-only" },
      s.a.secretKey,
    );
    expect(a.body.result.data.template).toBe("a's template");
  },
  "prompts.list": async (s) => {
    const r = await s.query("prompts.list", {}, s.b.secretKey);
    expect(JSON.stringify(r.body)).not.toContain("a's template");
  },
  "prompts.get": async (s) => {
    const r = await s.query(
      "prompts.get",
      { promptName: "secret-prompt", version: "a-exp" },
      s.b.secretKey,
    );
    notFound(r);
  },
  "prompts.transition": async (s) => {
    notFound(
      await s.mutate(
        "prompts.transition",
        { promptName: "secret-prompt", version: "a-exp", to: "retired" },
        s.b.secretKey,
      ),
    );
  },
  "prompts.requestPromotion": async (s) => {
    notFound(
      await s.mutate(
        "prompts.requestPromotion",
        { promptName: "secret-prompt", version: "a-exp", requestedBy: "Eve" },
        s.b.secretKey,
      ),
    );
  },
  "prompts.approve": async (s, a) => {
    const onA = await s.mutate(
      "prompts.approve",
      { approvalId: a.approvalId, approver: "Eve" },
      s.b.secretKey,
    );
    const onNothing = await s.mutate(
      "prompts.approve",
      { approvalId: crypto.randomUUID(), approver: "Eve" },
      s.b.secretKey,
    );
    notFound(onA);
    // Same answer as for an id that exists nowhere, so B cannot tell A's ids exist.
    expect(onA.body.error.message.replace(a.approvalId, "ID")).toBe(
      onNothing.body.error.message.replace(/[0-9a-f-]{36}/, "ID"),
    );
  },
  "prompts.reject": async (s, a) => {
    notFound(
      await s.mutate(
        "prompts.reject",
        { approvalId: a.approvalId, approver: "Eve" },
        s.b.secretKey,
      ),
    );
  },
  "prompts.approvals": async (s) => {
    const r = await s.query("prompts.approvals", {}, s.b.secretKey);
    expect(r.body.result.data).toEqual([]);
  },
  "prompts.history": async (s) => {
    const r = await s.query(
      "prompts.history",
      { promptName: "secret-prompt", version: "a-exp" },
      s.b.secretKey,
    );
    expect(r.body.result.data).toEqual([]);
  },
  "experiments.create": async (s) => {
    const r = await s.mutate(
      "experiments.create",
      { key: "a-exp", variants: [{ key: "x" }, { key: "y" }] },
      s.b.secretKey,
    );
    expect(r.status).toBe(200);
    const a = await s.query("experiments.get", { key: "a-exp" }, s.a.secretKey);
    expect(a.body.result.data.config.variants.map((v: { key: string }) => v.key)).toEqual([
      "control",
      "a-variant",
    ]);
  },
  "experiments.list": async (s) => {
    const r = await s.query("experiments.list", {}, s.b.secretKey);
    expect(JSON.stringify(r.body)).not.toContain("a-variant");
  },
  "experiments.get": async (s) => {
    notFound(await s.query("experiments.get", { key: "a-running" }, s.b.secretKey));
  },
  "experiments.start": async (s) => {
    notFound(await s.mutate("experiments.start", { key: "a-running" }, s.b.secretKey));
  },
  "experiments.stop": async (s) => {
    notFound(await s.mutate("experiments.stop", { key: "a-running" }, s.b.secretKey));
    const a = await s.query("experiments.get", { key: "a-running" }, s.a.secretKey);
    expect(a.body.result.data.status).toBe("running");
  },
  "experiments.analyze": async (s) => {
    notFound(await s.query("experiments.analyze", { key: "a-running" }, s.b.secretKey));
  },
  "experiments.config": async (s) => {
    const r = await s.query("experiments.config", {}, s.b.publicKey);
    expect(JSON.stringify(r.body)).not.toContain("a-running");
  },
  "feedback.list": async (s, a) => {
    const r = await s.query("feedback.list", { requestId: a.requestId }, s.b.secretKey);
    expect(r.body.result.data).toEqual([]);
  },
  "requests.list": async (s, a) => {
    const r = await s.query("requests.list", {}, s.b.secretKey);
    expect(JSON.stringify(r.body)).not.toContain(a.requestId);
  },
  "shadow.compare": async (s, a) => {
    // B's shadow run of A's request is never paired with it: nothing of A's request is read.
    await s.mutate(
      "ingest.batch",
      { events: [logEvent({ promptVersion: "b-shadow", shadowOf: a.referencedId })] },
      s.b.publicKey,
    );
    const r = await s.query("shadow.compare", {}, s.b.secretKey);
    expect(r.body.result.data).toEqual([
      expect.objectContaining({
        candidateVersion: "b-shadow",
        shadows: 1,
        paired: 0,
        primaryMeanLatencyMs: null,
      }),
    ]);
  },
  "evaluations.start": async (s) => {
    // B samples its own logs only: A's logged version is unknown to it.
    const r = await s.mutate(
      "evaluations.start",
      { kind: "rubric", version: "a-only" },
      s.b.secretKey,
    );
    expect(r.status).toBe(400);
  },
  "evaluations.get": async (s, a) => {
    notFound(await s.query("evaluations.get", { runId: a.runId }, s.b.secretKey));
  },
  "evaluations.list": async (s, a) => {
    const r = await s.query("evaluations.list", {}, s.b.secretKey);
    expect(JSON.stringify(r.body)).not.toContain(a.runId);
  },
  "evaluations.results": async (s, a) => {
    notFound(await s.query("evaluations.results", { runId: a.runId }, s.b.secretKey));
  },
};

it("every procedure a project key may call has an isolation case", () => {
  const keyed = Object.keys(flat).filter((p) => !["projects.create", "projects.list"].includes(p));
  expect(keyed.sort()).toEqual(Object.keys(CASES).sort());
});

describe.each(await testDrivers())("tenant isolation of every procedure on %s", (driver) => {
  let server: TestServer;
  let seeded: Seeded;
  beforeAll(async () => {
    // Any endpoint: B's evaluation is refused before a judge is called.
    server = await startTestServer(
      driver,
      {},
      {
        llm: { baseURL: "http://127.0.0.1:9/v1", apiKey: "unused", model: "m" },
      },
    );
    const key = server.a.secretKey;
    const log = logEvent({
      promptName: "secret-prompt",
      promptVersion: "a-only",
      output: "a-only output",
    });
    const shadow = logEvent({
      promptName: "secret-prompt",
      promptVersion: "a-shadow",
      shadowOf: log.id,
    });
    const copied = logEvent({ promptName: "secret-prompt", promptVersion: "a-copied" });
    const referenced = logEvent({ promptName: "secret-prompt", promptVersion: "a-referenced" });
    await server.mutate(
      "ingest.batch",
      { events: [log, shadow, feedbackEvent(log.id), copied, referenced] },
      server.a.publicKey,
    );
    for (const version of ["a-only", "a-exp"]) {
      await server.mutate(
        "prompts.create",
        { promptName: "secret-prompt", version, template: "a's template" },
        key,
      );
    }
    await server.mutate(
      "prompts.transition",
      { promptName: "secret-prompt", version: "a-exp", to: "shadow" },
      key,
    );
    await server.mutate(
      "prompts.transition",
      { promptName: "secret-prompt", version: "a-exp", to: "experiment" },
      key,
    );
    const approval = await server.mutate(
      "prompts.requestPromotion",
      { promptName: "secret-prompt", version: "a-exp", requestedBy: "Ada" },
      key,
    );
    for (const k of ["a-exp", "a-running"]) {
      await server.mutate(
        "experiments.create",
        { key: k, variants: [{ key: "control" }, { key: "a-variant" }] },
        key,
      );
    }
    await server.mutate("experiments.start", { key: "a-running" }, key);
    const run = await createEvaluationRun(server.db, {
      projectId: server.a.id,
      kind: "rubric",
      judgeConfig: {},
      versions: ["a-only"],
      items: [{ version: "a-only", input: "q", outputs: { output: "a" } }],
    });
    seeded = {
      requestId: log.id,
      approvalId: approval.body.result.data.id,
      runId: run.id,
      copied,
      referencedId: referenced.id,
    };
  });
  afterAll(() => server?.close());

  it.each(Object.keys(CASES))(
    "%s: project B cannot read, change or infer A's data",
    async (path) => {
      await CASES[path]!(server, seeded);
    },
  );

  it("A's data is intact afterwards", async () => {
    const approvals = await server.query(
      "prompts.approvals",
      { status: "pending" },
      server.a.secretKey,
    );
    expect(approvals.body.result.data).toHaveLength(1);
    const shadow = await server.query("shadow.compare", {}, server.a.secretKey);
    expect(shadow.body.result.data[0]).toMatchObject({ candidateVersion: "a-shadow", paired: 1 });
  });
});

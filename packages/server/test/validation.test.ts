import { testDrivers } from "@loopkit/db/testing";
import type { AnyProcedure } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../src/root.js";
import { startTestServer, type TestServer } from "../src/testing.js";

const flat = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
const withInput = Object.entries(flat)
  .filter(([, p]) => (p._def as unknown as { inputs: unknown[] }).inputs.length > 0)
  .map(([path, p]) => ({ path, type: p._def.type }));

const uuid = "0192f0c4-5b6a-7cde-8f01-23456789abcd";
const long = "x".repeat(300);

/** One bad input per procedure and the field path the answer must name. */
const BAD: Record<string, { input: unknown; path: string }> = {
  "ingest.batch": { input: { events: [] }, path: "events" },
  "metrics.compareVersions": { input: { confidence: 2 }, path: "confidence" },
  "projects.create": { input: { name: "" }, path: "name" },
  "projects.updateSettings": { input: { retentionDays: 0 }, path: "retentionDays" },
  "projects.createKey": { input: { kind: "root" }, path: "kind" },
  "projects.revokeKey": { input: { keyId: "k1" }, path: "keyId" },
  "projects.rotateKey": { input: {}, path: "keyId" },
  "prompts.create": { input: { promptName: "p", version: "v@2" }, path: "version" },
  "prompts.list": { input: { status: "live" }, path: "status" },
  "prompts.get": { input: { promptName: "p" }, path: "version" },
  "prompts.transition": { input: { promptName: "p", version: "v", to: "gone" }, path: "to" },
  "prompts.requestPromotion": {
    input: { promptName: "p", version: "v", requestedBy: "" },
    path: "requestedBy",
  },
  "prompts.approve": { input: { approvalId: uuid, approver: "x" }, path: "approver" },
  "prompts.reject": { input: { approvalId: "nope", approver: "Grace" }, path: "approvalId" },
  "prompts.approvals": { input: { status: "maybe" }, path: "status" },
  "prompts.history": { input: { promptName: "", version: "v" }, path: "promptName" },
  "experiments.create": { input: { key: "e", variants: [{ key: "only" }] }, path: "variants" },
  "experiments.list": { input: { status: "paused" }, path: "status" },
  "experiments.get": { input: { key: long }, path: "key" },
  "experiments.start": { input: {}, path: "key" },
  "experiments.stop": { input: { key: 7 }, path: "key" },
  "experiments.analyze": { input: { key: "e", alpha: 0.9 }, path: "alpha" },
  "experiments.config": { input: { ifNoneMatch: long }, path: "ifNoneMatch" },
  "feedback.list": { input: { requestId: "r-1" }, path: "requestId" },
  "requests.list": { input: { limit: 5000 }, path: "limit" },
  "shadow.compare": { input: { promptName: "" }, path: "promptName" },
  "evaluations.start": {
    input: { kind: "rubric", version: "v1", sample: { size: 100000 } },
    path: "sample.size",
  },
  "evaluations.get": { input: { runId: "run-1" }, path: "runId" },
  "evaluations.list": { input: { limit: 0 }, path: "limit" },
  "evaluations.results": { input: {}, path: "runId" },
};

it("every procedure with an input has a validation case", () => {
  expect(withInput.map((p) => p.path).sort()).toEqual(Object.keys(BAD).sort());
});

describe.each(await testDrivers())("validation on %s", (driver) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(driver);
  });
  afterAll(() => server?.close());

  it.each(withInput)(
    "$path answers 400 INVALID_INPUT naming the bad field",
    async ({ path, type }) => {
      const { input, path: field } = BAD[path]!;
      const token = path === "projects.create" ? server.adminToken : server.a.secretKey;
      const response =
        type === "query"
          ? await server.query(path, input, token)
          : await server.mutate(path, input, token);
      expect(response.status).toBe(400);
      expect(response.body.error.data.loopkitCode).toBe("INVALID_INPUT");
      expect(response.body.error.data.issues.map((i: { path: string }) => i.path)).toContain(field);
      expect(response.body.error.message).toContain(field);
    },
  );
});

import { testDrivers } from "@loopkit/db/testing";
import type { AnyProcedure } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveCaller } from "../src/auth/resolve.js";
import { appRouter } from "../src/root.js";
import { startTestServer, type TestServer } from "../src/testing.js";
import { logEvent } from "./events.js";

/** Who may call each procedure. A procedure missing here fails the enumeration test. */
const ACCESS: Record<string, "project" | "secret" | "admin"> = {
  "ingest.batch": "project",
  "experiments.config": "project",
  "experiments.create": "secret",
  "experiments.list": "secret",
  "experiments.get": "secret",
  "experiments.start": "secret",
  "experiments.stop": "secret",
  "experiments.analyze": "secret",
  "evaluations.start": "secret",
  "evaluations.get": "secret",
  "evaluations.list": "secret",
  "evaluations.results": "secret",
  "feedback.list": "secret",
  "prompts.create": "secret",
  "prompts.list": "secret",
  "prompts.get": "secret",
  "prompts.transition": "secret",
  "prompts.requestPromotion": "secret",
  "prompts.approve": "secret",
  "prompts.reject": "secret",
  "prompts.approvals": "secret",
  "prompts.history": "secret",
  "requests.list": "secret",
  "shadow.compare": "secret",
  "metrics.compareVersions": "secret",
  "projects.create": "admin",
  "projects.list": "admin",
  "projects.current": "secret",
  "projects.updateSettings": "secret",
  "projects.createKey": "secret",
  "projects.listKeys": "secret",
  "projects.revokeKey": "secret",
  "projects.rotateKey": "secret",
};

// At run time `_def.procedures` is a flat map of dotted paths (its static type is the nested record).
const flat = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
const procedures = Object.entries(flat).map(([path, procedure]) => ({
  path,
  type: procedure._def.type,
}));

it("every procedure of the router has an access rule, so each gets the auth tests", () => {
  expect(procedures.map((p) => p.path).sort()).toEqual(Object.keys(ACCESS).sort());
});

describe.each(await testDrivers())("auth on %s", (driver) => {
  let server: TestServer;
  let revokedKey: string;
  beforeAll(async () => {
    server = await startTestServer(driver);
    const created = await server.mutate(
      "projects.createKey",
      { kind: "secret" },
      server.a.secretKey,
    );
    revokedKey = created.body.result.data.key;
    await server.mutate(
      "projects.revokeKey",
      { keyId: created.body.result.data.record.id },
      server.a.secretKey,
    );
  });
  afterAll(() => server?.close());

  const call = (path: string, type: string, token?: string) =>
    type === "query" ? server.query(path, undefined, token) : server.mutate(path, {}, token);

  it.each(procedures)("$path refuses a call without a key (401)", async ({ path, type }) => {
    expect((await call(path, type)).status).toBe(401);
  });

  /** Calls with `token` and expects `status`, with an answer that never echoes the token. */
  const refused = async (path: string, type: string, token: string, status: number) => {
    const response = await call(path, type, token);
    expect(response.status).toBe(status);
    expect(JSON.stringify(response.body)).not.toContain(token);
    return response;
  };

  it.each(procedures)("$path refuses a revoked key (401)", async ({ path, type }) => {
    await refused(path, type, revokedKey, 401);
  });

  it.each(procedures)("$path refuses an unknown key (401)", async ({ path, type }) => {
    await refused(path, type, `lk_sec_${"x".repeat(43)}`, 401);
  });

  it.each(procedures.filter((p) => ACCESS[p.path] === "secret"))(
    "$path refuses a public key (403)",
    async ({ path, type }) => {
      const { body } = await refused(path, type, server.a.publicKey, 403);
      expect(body.error.message).toContain("secret key");
    },
  );

  it.each(procedures.filter((p) => ACCESS[p.path] === "admin"))(
    "$path refuses a project's secret and public keys (401)",
    async ({ path, type }) => {
      await refused(path, type, server.a.secretKey, 401);
      await refused(path, type, server.a.publicKey, 401);
    },
  );

  it.each(procedures.filter((p) => ACCESS[p.path] !== "admin"))(
    "$path refuses the admin token, which is no project's key (401)",
    async ({ path, type }) => {
      await refused(path, type, server.adminToken, 401);
    },
  );

  it("never takes a token sent in a URL for the admin token, whatever its form", async () => {
    // An operator may pick an admin token of a public key's form; in a URL it must still count
    // for nothing (resolveCaller's contract), as the admin token is only ever sent in a header.
    const token = `lk_pub_${"a".repeat(43)}`;
    expect(await resolveCaller(server.db, token, token)).toEqual({ type: "admin" });
    expect(await resolveCaller(server.db, token, token, { publicOnly: true })).toEqual({
      type: "anonymous",
    });
  });

  it("lets the admin create a project whose keys work at once", async () => {
    const { status, body } = await server.mutate(
      "projects.create",
      { name: "C" },
      server.adminToken,
    );
    expect(status).toBe(200);
    const { publicKey, secretKey } = body.result.data;
    expect(publicKey).toMatch(/^lk_pub_/);
    const ingest = await server.mutate("ingest.batch", { events: [logEvent()] }, publicKey);
    expect(ingest.body.result.data.accepted).toBe(1);
    const current = await server.query("projects.current", undefined, secretKey);
    expect(current.body.result.data.name).toBe("C");
  });

  it("stores keys only as hashes", async () => {
    const rows = await server.db.query<Record<string, unknown>>("SELECT * FROM api_keys");
    const dump = JSON.stringify(rows);
    for (const key of [server.a.publicKey, server.a.secretKey, server.b.secretKey]) {
      expect(dump).not.toContain(key);
      expect(dump).not.toContain(key.slice(14));
    }
  });

  it("lists keys by prefix only, and rotation revokes the old key at once", async () => {
    const listed = await server.query("projects.listKeys", undefined, server.a.secretKey);
    const keys = listed.body.result.data as Array<{
      id: string;
      prefix: string;
      kind: string;
      revokedAt: string | null;
    }>;
    expect(JSON.stringify(keys)).not.toContain(server.a.secretKey);
    const created = await server.mutate(
      "projects.createKey",
      { kind: "public" },
      server.a.secretKey,
    );
    const rotated = await server.mutate(
      "projects.rotateKey",
      { keyId: created.body.result.data.record.id },
      server.a.secretKey,
    );
    expect(rotated.body.result.data.key).toMatch(/^lk_pub_/);
    const oldKey = created.body.result.data.key;
    expect((await server.mutate("ingest.batch", { events: [logEvent()] }, oldKey)).status).toBe(
      401,
    );
    const fresh = await server.mutate(
      "ingest.batch",
      { events: [logEvent()] },
      rotated.body.result.data.key,
    );
    expect(fresh.status).toBe(200);
  });
});

describe.each(await testDrivers())("tenant isolation on %s", (driver) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(driver);
    await server.mutate(
      "ingest.batch",
      { events: [logEvent({ promptName: "secret-prompt", promptVersion: "a-only" })] },
      server.a.publicKey,
    );
  });
  afterAll(() => server?.close());

  it("project B's key sees none of A's data", async () => {
    const b = await server.query("metrics.compareVersions", {}, server.b.secretKey);
    expect(b.status).toBe(200);
    expect(JSON.stringify(b.body)).not.toContain("a-only");
    const a = await server.query("metrics.compareVersions", {}, server.a.secretKey);
    expect(JSON.stringify(a.body)).toContain("a-only");
  });

  it("project B cannot revoke or rotate A's keys", async () => {
    const aKeys = await server.query("projects.listKeys", undefined, server.a.secretKey);
    const keyId = aKeys.body.result.data[0].id;
    for (const path of ["projects.revokeKey", "projects.rotateKey"]) {
      const { status } = await server.mutate(path, { keyId }, server.b.secretKey);
      expect(status).toBe(404);
    }
    const still = await server.mutate("ingest.batch", { events: [logEvent()] }, server.a.publicKey);
    expect(still.status).toBe(200);
  });
});

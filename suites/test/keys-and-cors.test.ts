/**
 * What keys can do, over HTTP against a real server and database, for every procedure of the
 * router (enumerated, so a new one is covered): a public key only what a browser needs; no key,
 * a made-up key and a revoked key fail alike and at once; the database holds key hashes only;
 * CORS headers only for configured origins and only on the browser procedures.
 */
import { createHash } from "node:crypto";
import { startTestServer, type TestResponse, type TestServer } from "@loopkit/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allStoredText } from "../src/database-snapshot.js";
import { logEvent } from "../src/events.js";
import { inputsFor } from "../src/procedure-inputs.js";
import { listProcedures } from "../src/procedures.js";
import { suiteDriver } from "../src/test-driver.js";

const procedures = listProcedures();
/** What a browser needs: send events, read experiment configs (DESIGN.md, README "Set up"). */
const BROWSER_PROCEDURES = ["experiments.config", "ingest.batch"];
/** Project management with the admin token (README "Configuration"). */
const ADMIN_PROCEDURES = ["projects.create", "projects.list"];

describe("keys", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await suiteDriver());
  });
  afterAll(() => server?.close());

  const call = (path: string, type: string, input: unknown, key?: string) =>
    type === "query" ? server.query(path, input, key) : server.mutate(path, input, key);
  const validInput = (procedure: (typeof procedures)[number]) =>
    procedure.path === "ingest.batch"
      ? { events: [logEvent()] }
      : inputsFor(procedure.input, {})[0];

  it("lets a public key call only the browser procedures; every other one answers 403 (401 for admin ones)", async () => {
    const allowed: string[] = [];
    for (const procedure of procedures) {
      const answer = await call(
        procedure.path,
        procedure.type,
        validInput(procedure),
        server.a.publicKey,
      );
      expect(answer.status, procedure.path).toBeLessThan(500);
      if (ADMIN_PROCEDURES.includes(procedure.path)) {
        expect(answer.status, procedure.path).toBe(401);
      } else if (answer.status === 403) {
        expect(answer.body.error.data.loopkitCode, procedure.path).toBe("FORBIDDEN");
        expect(answer.body.error.message).toMatch(/secret key/);
      } else {
        allowed.push(procedure.path);
      }
    }
    expect(allowed.sort()).toEqual(BROWSER_PROCEDURES);
  });

  it("answers no key, a made-up key and a revoked key with the same 401 on every procedure, from the first call after revocation", async () => {
    const created = await server.mutate(
      "projects.createKey",
      { kind: "secret" },
      server.a.secretKey,
    );
    const revocable: string = created.body.result.data.key;
    expect((await server.query("projects.current", undefined, revocable)).status).toBe(200);
    const revoked = await server.mutate(
      "projects.revokeKey",
      { keyId: created.body.result.data.record.id },
      server.a.secretKey,
    );
    expect(revoked.status).toBe(200);
    const madeUp = `lk_sec_${"Z".repeat(43)}`;
    for (const procedure of procedures) {
      const input = validInput(procedure);
      const answers = [
        await call(procedure.path, procedure.type, input),
        await call(procedure.path, procedure.type, input, madeUp),
        await call(procedure.path, procedure.type, input, revocable),
      ];
      for (const answer of answers) expect(answer.status, procedure.path).toBe(401);
      const bodies = answers.map((a) => JSON.stringify(a.body));
      expect(new Set(bodies).size, `${procedure.path}: ${bodies.join(" | ")}`).toBe(1);
    }
  });

  it("stores keys only as SHA-256 hashes: no issued key appears in any table", async () => {
    const issued = [server.a.publicKey, server.a.secretKey, server.b.publicKey, server.b.secretKey];
    const more = await server.mutate("projects.createKey", { kind: "public" }, server.b.secretKey);
    issued.push(more.body.result.data.key);
    const stored = (await allStoredText(server.db)).join("\n");
    for (const key of issued) {
      expect(stored).not.toContain(key);
      // The hash is what a lookup finds (computed here with node:crypto, independently).
      expect(stored).toContain(createHash("sha256").update(key).digest("hex"));
    }
  });
});

describe("rate limits per key", () => {
  let server: TestServer;
  beforeAll(async () => {
    // 5 calls/s per key with a burst of 5: far below what the server answers, so one key
    // sending as fast as it is answered must meet the limit (README "Configuration").
    server = await startTestServer(await suiteDriver(), {
      rateLimitRequestsPerSecond: 5,
      rateLimitBurstSeconds: 1,
    });
  });
  afterAll(() => server?.close());

  it("answers 429 RATE_LIMITED + Retry-After to one key sending far faster than others while another key is still served", async () => {
    const refused: TestResponse[] = [];
    let served = 0;
    const started = performance.now();
    // 400 one-event batches from A's key, 20 at a time, as fast as the server answers.
    for (let wave = 0; wave < 20; wave++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          server.mutate("ingest.batch", { events: [logEvent()] }, server.a.publicKey),
        ),
      );
      for (const answer of answers) {
        if (answer.status === 200) served++;
        else refused.push(answer);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const other = await server.mutate("ingest.batch", { events: [logEvent()] }, server.b.publicKey);
    expect(other.status).toBe(200);
    // A token bucket serves at most its burst plus the rate times the time taken.
    expect(served).toBeLessThanOrEqual(5 + Math.floor(5 * seconds));
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(answer.body.error.data.loopkitCode).toBe("RATE_LIMITED");
      expect(answer.headers.get("retry-after")).toBe("1");
    }
  }, 60_000);
});

describe("CORS", () => {
  let server: TestServer;
  beforeAll(async () => {
    // startTestServer allows the origin https://app.example.
    server = await startTestServer(await suiteDriver());
  });
  afterAll(() => server?.close());

  const preflight = (path: string, origin: string) =>
    fetch(`${server.url}/trpc/${path}`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });

  it("answers a configured origin on the browser procedures only", async () => {
    for (const procedure of procedures) {
      const answer = await preflight(procedure.path, "https://app.example");
      const allowOrigin = answer.headers.get("access-control-allow-origin");
      if (BROWSER_PROCEDURES.includes(procedure.path)) {
        expect(allowOrigin, procedure.path).toBe("https://app.example");
      } else {
        expect(allowOrigin, procedure.path).toBeNull();
      }
    }
  });

  it("gives no CORS header to an origin that is not configured, on preflight or on the call", async () => {
    for (const path of BROWSER_PROCEDURES) {
      const answer = await preflight(path, "https://evil.example");
      expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    }
    const call = await fetch(`${server.url}/trpc/ingest.batch`, {
      method: "POST",
      headers: {
        origin: "https://evil.example",
        "content-type": "application/json",
        authorization: `Bearer ${server.a.publicKey}`,
      },
      body: JSON.stringify({ events: [logEvent()] }),
    });
    expect(call.headers.get("access-control-allow-origin")).toBeNull();
    // A batched path mixing a browser procedure with a secret one gets no CORS either.
    const mixed = await preflight("ingest.batch,projects.listKeys", "https://app.example");
    expect(mixed.headers.get("access-control-allow-origin")).toBeNull();
  });
});

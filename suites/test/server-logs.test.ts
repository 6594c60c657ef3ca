/**
 * Keys never appear in the server's logs: the real server process at LOG_LEVEL=trace is called
 * with valid, made-up, revoked and admin credentials, in the Authorization header and in the
 * query string (as `sendBeacon` sends it), on good and failing calls; then everything it wrote
 * after starting is scanned for every key and the admin token. (The first-start banner that
 * shows the default project's keys once, by design, is before that point.)
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logEvent } from "../src/events.js";
import { createScratchDatabase } from "../src/postgres-database.js";
import {
  freePort,
  type ServerProcess,
  startServerProcess,
  stopServerProcess,
} from "../src/server-process.js";
import { suiteDriver } from "../src/test-driver.js";

describe("server logs", () => {
  let server: ServerProcess;
  let dataDir: string;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  const publicKey = `lk_pub_${randomBytes(30).toString("base64url")}`;
  const secretKey = `lk_sec_${randomBytes(30).toString("base64url")}`;
  const adminToken = randomBytes(24).toString("hex");

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "loopkit-suite-logs-"));
    // PostgreSQL when it answers (faster to start than migrating an embedded PGlite).
    if ((await suiteDriver()) === "postgres") scratch = await createScratchDatabase();
    server = await startServerProcess(await freePort(), {
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
      LOOPKIT_DATA_DIR: dataDir,
      LOG_LEVEL: "trace",
      LOOPKIT_ADMIN_TOKEN: adminToken,
      LOOPKIT_INIT_PUBLIC_KEY: publicKey,
      LOOPKIT_INIT_SECRET_KEY: secretKey,
    });
  }, 60_000);
  afterAll(async () => {
    await stopServerProcess(server);
    await rm(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  });

  const call = async (path: string, key: string | null, body?: unknown, query = "") => {
    const response = await fetch(`${server.url}/trpc/${path}${query}`, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        "content-type": "application/json",
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  };

  it("writes no key and no admin token, whatever the call", async () => {
    const startedAt = server.output().length;
    const madeUp = `lk_sec_${randomBytes(30).toString("base64url")}`;
    const created = await call("projects.createKey", secretKey, { kind: "secret" });
    const newKey: string = created.body.result.data.key;
    const revoke = await call("projects.revokeKey", secretKey, {
      keyId: created.body.result.data.record.id,
    });
    expect(revoke.status).toBe(200);
    const project = await call("projects.create", adminToken, { name: "other" });
    const otherKeys = [project.body.result.data.publicKey, project.body.result.data.secretKey];
    const answers = [
      await call("ingest.batch", publicKey, { events: [logEvent()] }),
      await call("ingest.batch", madeUp, { events: [logEvent()] }),
      await call("ingest.batch", newKey, { events: [logEvent()] }),
      await call("ingest.batch", null, { events: [logEvent()] }, `?key=${publicKey}`),
      await call("projects.listKeys", publicKey),
      await call("projects.list", secretKey),
      await call("projects.list", adminToken),
      await call("no.such.procedure", secretKey),
      await call("ingest.batch", `${secretKey} trailing`, { events: [{}] }),
      await call(
        "metrics.compareVersions",
        otherKeys[1],
        undefined,
        `?input=${encodeURIComponent(JSON.stringify({ promptName: secretKey }))}`,
      ),
    ];
    expect(answers.map((a) => a.status)).toContain(401);
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the log lines flush
    const written = server.output().slice(startedAt);
    expect(written.length).toBeGreaterThan(0);
    for (const secret of [publicKey, secretKey, adminToken, madeUp, newKey, ...otherKeys]) {
      expect(written).not.toContain(secret);
    }
  });
});

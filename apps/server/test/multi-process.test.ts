import { randomUUID } from "node:crypto";
import { newEventId } from "@loopkit/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Child, LISTENING, run, serverEntry } from "./process.js";

const adminUrl =
  process.env.LOOPKIT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const database = `loopkit_mp_${randomUUID().replaceAll("-", "").slice(0, 16)}`;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const reachable = await admin(async () => true).catch(() => false);

describe.runIf(reachable)("two server processes on one PostgreSQL database", () => {
  let first: Child;
  let second: Child;
  let urls: string[];
  beforeAll(async () => {
    await admin((c) => c.query(`CREATE DATABASE ${database}`));
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    const env = {
      PORT: "0",
      DATABASE_URL: url.toString(),
      LOOPKIT_SECRET: "shared-secret-0123456789abcdef0123456789",
      LOG_LEVEL: "info",
    };
    // Started at the same moment: both migrate and both try the first-start bootstrap.
    first = run("node", [serverEntry, "start"], env);
    second = run("node", [serverEntry, "start"], env);
    urls = await Promise.all([first, second].map(async (c) => (await c.waitFor(LISTENING))[1]!));
  });
  afterAll(async () => {
    for (const c of [first, second]) c?.process.kill("SIGTERM");
    await Promise.all([first?.exited, second?.exited]);
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  });

  it("bootstraps one default project, whose keys work on both, and they share the data", async () => {
    const printed = [first, second].filter((c) => c.output().includes("Save these keys now"));
    expect(printed).toHaveLength(1);
    const out = printed[0]!.output();
    const publicKey = /public key \(browsers, events only\): (lk_pub_\S+)/.exec(out)![1]!;
    const secretKey = /secret key \(servers, everything\):\s+(lk_sec_\S+)/.exec(out)![1]!;
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const projects = await client
      .query("SELECT count(*)::int AS n FROM projects")
      .then((r) => r.rows[0].n as number)
      .finally(() => client.end());
    expect(projects).toBe(1);

    const event = {
      type: "log",
      id: newEventId(),
      timestamp: new Date().toISOString(),
      promptName: "multi",
      promptVersion: "v1",
      userId: "user-1",
      input: "hi",
      output: "hello",
    };
    const send = (url: string) =>
      fetch(`${url}/trpc/ingest.batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${publicKey}`, "content-type": "application/json" },
        body: JSON.stringify({ events: [event] }),
      }).then(
        (r) => r.json() as Promise<{ result: { data: { results: Array<{ status: string }> } } }>,
      );
    expect((await send(urls[0]!)).result.data.results[0]!.status).toBe("accepted");
    // The same event through the other process: one service, so a duplicate.
    expect((await send(urls[1]!)).result.data.results[0]!.status).toBe("duplicate");

    const lists = await Promise.all(
      urls.map(async (url) => {
        const r = await fetch(`${url}/trpc/requests.list`, {
          headers: { authorization: `Bearer ${secretKey}` },
        });
        return (await r.json()) as {
          result: { data: { requests: Array<{ id: string; userHash: string }> } };
        };
      }),
    );
    // Same rows and the same user hash (the shared LOOPKIT_SECRET) from both.
    expect(lists[0]!.result.data.requests).toEqual(lists[1]!.result.data.requests);
    expect(lists[0]!.result.data.requests.map((r) => r.id)).toEqual([event.id]);

    // A key made through one process works on the other at once; revoked there, it fails here.
    const created = (await (
      await fetch(`${urls[0]}/trpc/projects.createKey`, {
        method: "POST",
        headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
        body: JSON.stringify({ kind: "secret" }),
      })
    ).json()) as { result: { data: { key: string; record: { id: string } } } };
    const newKey = created.result.data.key;
    const current = (url: string, key: string) =>
      fetch(`${url}/trpc/projects.current`, { headers: { authorization: `Bearer ${key}` } });
    expect((await current(urls[1]!, newKey)).status).toBe(200);
    await fetch(`${urls[1]}/trpc/projects.revokeKey`, {
      method: "POST",
      headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({ keyId: created.result.data.record.id }),
    });
    expect((await current(urls[0]!, newKey)).status).toBe(401);
  });
});

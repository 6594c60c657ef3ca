import { newEventId } from "@loopkit/core";
import { createDatabase } from "@loopkit/db";
import { afterAll, describe, expect, it } from "vitest";
import { removeDataDirs, startEmbeddedServer } from "./process.js";

const publicKey = `lk_pub_${"q".repeat(40)}`;
const secretKey = `lk_sec_${"r".repeat(40)}`;
afterAll(removeDataDirs);

function batch(size: number) {
  return Array.from({ length: size }, (_, i) => ({
    type: "log",
    id: newEventId(),
    timestamp: new Date().toISOString(),
    promptName: "shutdown",
    promptVersion: "v1",
    input: `question ${i}`,
    output: `answer ${i}`,
    latencyMs: 10,
  }));
}

function start(extra: Record<string, string> = {}) {
  return startEmbeddedServer("shutdown", {
    LOOPKIT_INIT_PUBLIC_KEY: publicKey,
    LOOPKIT_INIT_SECRET_KEY: secretKey,
    LOG_LEVEL: "info",
    ...extra,
  });
}

describe("the server process under SIGTERM", () => {
  it("loses no acknowledged event: every batch answered 200 is in the database after exit", async () => {
    const { dir, server, url } = await start();
    const acknowledged = new Set<string>();
    let refused = 0;
    let stop = false;
    // Eight clients send 100-event batches back to back until the server goes away.
    const client = async () => {
      while (!stop) {
        const events = batch(100);
        try {
          const response = await fetch(`${url}/trpc/ingest.batch`, {
            method: "POST",
            headers: { authorization: `Bearer ${publicKey}`, "content-type": "application/json" },
            body: JSON.stringify({ events }),
          });
          if (response.status !== 200) {
            refused++;
            continue;
          }
          const body = (await response.json()) as {
            result: { data: { results: Array<{ id: string; status: string }> } };
          };
          for (const r of body.result.data.results) {
            if (r.status === "accepted" || r.status === "duplicate") acknowledged.add(r.id);
          }
        } catch {
          refused++;
          if (server.process.exitCode !== null) return;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = acknowledged.size;
    server.process.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    stop = true;
    await Promise.all(clients);
    expect(before).toBeGreaterThan(0);
    console.info(
      `shutdown test: ${before} events acknowledged before SIGTERM, ${acknowledged.size} in all, ${refused} requests refused or cut off after it`,
    );
    expect(server.output()).toContain("every acknowledged event is committed");

    const db = await createDatabase({ dataDir: dir });
    try {
      const ids = [...acknowledged];
      const [row] = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM requests WHERE id = ANY($1::uuid[])",
        [ids],
      );
      expect(row!.n).toBe(ids.length);
    } finally {
      await db.close();
    }
  });

  it("writes JSON logs with request ids that never contain a key", async () => {
    const { server, url } = await start();
    const calls: Array<[string, RequestInit]> = [
      [
        "/trpc/ingest.batch",
        {
          method: "POST",
          headers: {
            authorization: `Bearer ${publicKey}`,
            "content-type": "application/json",
            "x-request-id": "req-log-test-1",
          },
          body: JSON.stringify({ events: batch(1) }),
        },
      ],
      [
        "/trpc/projects.createKey",
        {
          method: "POST",
          headers: {
            authorization: `Bearer ${secretKey}`,
            "content-type": "application/json",
            "x-request-id": "req-log-test-2",
          },
          body: JSON.stringify({ kind: "secret" }),
        },
      ],
      // A failing call: a public key on a secret procedure.
      [
        "/trpc/requests.list",
        { headers: { authorization: `Bearer ${publicKey}`, "x-request-id": "req-log-test-3" } },
      ],
    ];
    const newKeys: string[] = [];
    for (const [path, init] of calls) {
      const response = await fetch(`${url}${path}`, init);
      const text = await response.text();
      const created = /"key":"(lk_sec_[^"]+)"/.exec(text);
      if (created) newKeys.push(created[1]!);
    }
    expect(newKeys).toHaveLength(1);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('loopkit_events_total{status="accepted"} 1');
    expect(metrics).toContain('loopkit_events_total{status="rejected"} 0');
    expect(metrics).toMatch(/loopkit_ingest_batch_seconds_count 1\b/);
    server.process.kill("SIGTERM");
    await server.exited;
    const lines = server
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = lines.filter((l) => l.msg === "request");
    expect(requests.map((l) => [l.requestId, l.procedure, l.status])).toEqual([
      ["req-log-test-1", "ingest.batch", 200],
      ["req-log-test-2", "projects.createKey", 200],
      ["req-log-test-3", "requests.list", 403],
    ]);
    for (const l of lines) expect(l.level).toEqual(expect.any(Number));
    const everything = server.output();
    for (const key of [publicKey, secretKey, ...newKeys]) {
      expect(everything).not.toContain(key);
      expect(everything).not.toContain(key.slice(7, 30));
    }
  });
});

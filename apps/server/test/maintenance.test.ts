/**
 * The embedded server maintains its own database: with LOOPKIT_MAINTENANCE=in-process (the
 * default) a maintenance pass runs shortly after start and then on its interval, so a project's
 * retention really deletes its old events; with `off` nothing is deleted and the log says a
 * worker must do it. Expected values: the project keeps 30 days, so an event of 60 days ago must
 * go and one of now must stay.
 */
import { newEventId } from "@loopkit/core";
import { afterAll, describe, expect, it } from "vitest";
import { removeDataDirs, startEmbeddedServer } from "./process.js";

const publicKey = `lk_pub_${"m".repeat(40)}`;
const secretKey = `lk_sec_${"n".repeat(40)}`;
const DAY = 86_400_000;
afterAll(removeDataDirs);

/** Starts an embedded server keeping 30 days, with one event of 60 days ago and one of now. */
async function serverWithOldAndNewEvents(extra: Record<string, string>) {
  const { server, url } = await startEmbeddedServer("maintenance", {
    LOOPKIT_INIT_PUBLIC_KEY: publicKey,
    LOOPKIT_INIT_SECRET_KEY: secretKey,
    LOG_LEVEL: "info",
    ...extra,
  });
  const post = async (path: string, body: unknown, key: string) => {
    const response = await fetch(`${url}/trpc/${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status, await response.clone().text()).toBe(200);
  };
  await post("projects.updateSettings", { retentionDays: 30 }, secretKey);
  const event = (at: number) => ({
    type: "log",
    id: newEventId(at),
    timestamp: new Date(at).toISOString(),
    promptName: "kept-30-days",
    promptVersion: "v1",
    input: "question",
    output: "answer",
  });
  const [old, recent] = [event(Date.now() - 60 * DAY), event(Date.now())];
  await post("ingest.batch", { events: [old, recent] }, publicKey);
  const storedIds = async () => {
    const input = encodeURIComponent(JSON.stringify({ limit: 10 }));
    const response = await fetch(`${url}/trpc/requests.list?input=${input}`, {
      headers: { authorization: `Bearer ${secretKey}` },
    });
    const body = (await response.json()) as {
      result: { data: { requests: Array<{ id: string }> } };
    };
    return body.result.data.requests.map((r) => r.id);
  };
  return { server, storedIds, old: old.id, recent: recent.id };
}

describe("maintenance in the embedded server", () => {
  it("runs shortly after start and on its interval: retention deletes the old event, keeps the new one", async () => {
    const { server, storedIds, old, recent } = await serverWithOldAndNewEvents({
      LOOPKIT_MAINTENANCE_INTERVAL_MS: "1000",
    });
    expect(server.output()).toContain("maintenance runs in this process");
    const deadline = Date.now() + 60_000;
    let ids = await storedIds();
    while (ids.includes(old)) {
      if (Date.now() > deadline) throw new Error(`old event kept:\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      ids = await storedIds();
    }
    expect(ids).toEqual([recent]);
    await server.waitFor(/maintenance done[\s\S]*maintenance done/);
    server.process.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.output()).not.toContain("maintenance failed");
  });

  it("with LOOPKIT_MAINTENANCE=off runs none, and says a worker must", async () => {
    const { server, storedIds, old, recent } = await serverWithOldAndNewEvents({
      LOOPKIT_MAINTENANCE: "off",
      LOOPKIT_MAINTENANCE_INTERVAL_MS: "1000",
    });
    expect(server.output()).toContain("LOOPKIT_MAINTENANCE=off): run a worker beside it");
    // Past the first pass (5 s after start) and several intervals.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect((await storedIds()).sort()).toEqual([old, recent].sort());
    expect(server.output()).not.toContain("maintenance done");
    server.process.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });
});

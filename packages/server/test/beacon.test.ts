/**
 * `navigator.sendBeacon` cannot set headers, so `ingest.batch` also takes a public key in
 * `?key=` with the JSON body sent as `text/plain` — on the Node and the fetch handler alike.
 * Nothing else may use the URL: other procedures, secret keys and the admin token are refused
 * (URLs land in logs), and no answer ever echoes the key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetchHandler } from "../src/http/fetch.js";
import { startTestServer, type TestServer } from "../src/testing.js";
import { logEvent } from "./events.js";

/** What `sendBeacon(url, new Blob([json], { type: "text/plain" }))` sends. */
const BEACON_TYPE = "text/plain;charset=UTF-8";

describe("sendBeacon contract: POST /trpc/ingest.batch?key=<public key>, text/plain", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("pglite");
  }, 120_000);
  afterAll(() => server?.close());

  const beacon = async (
    path: string,
    key: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${server.url}/trpc/${path}?key=${encodeURIComponent(key)}`, {
      method: "POST",
      headers: { "content-type": BEACON_TYPE, ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    expect(text).not.toContain(key);
    return { status: response.status, body: JSON.parse(text), headers: response.headers };
  };
  const storedProject = async (id: string) =>
    (
      await server.db.query<{ project_id: string }>(
        "SELECT project_id FROM requests WHERE id = $1",
        [id],
      )
    )[0]?.project_id ?? null;

  it("stores the events of a beacon with a public key, in the key's project, answered per event", async () => {
    const event = logEvent();
    const answer = await beacon("ingest.batch", server.a.publicKey, { events: [event] });
    expect(answer.status).toBe(200);
    expect(answer.body.result.data.results).toEqual([
      { index: 0, id: event.id, status: "accepted" },
    ]);
    expect(await storedProject(event.id)).toBe(server.a.id);
    // The same URL with a JSON content type works too (fetch keepalive fallbacks send it).
    const json = logEvent();
    expect(
      (
        await beacon(
          "ingest.batch",
          server.b.publicKey,
          { events: [json] },
          {
            "content-type": "application/json",
          },
        )
      ).status,
    ).toBe(200);
    expect(await storedProject(json.id)).toBe(server.b.id);
  });

  it("refuses a secret key or the admin token in the URL with 400, saying where keys go, storing nothing", async () => {
    for (const key of [server.a.secretKey, server.adminToken]) {
      const event = logEvent();
      const answer = await beacon("ingest.batch", key, { events: [event] });
      expect(answer.status).toBe(400);
      expect(answer.body.error.data.loopkitCode).toBe("INVALID_INPUT");
      expect(answer.body.error.message).toMatch(
        /only a public key .* 'Authorization: Bearer <key>'/,
      );
      expect(await storedProject(event.id)).toBeNull();
    }
  });

  it("accepts ?key= on ingest.batch only, and not beside an Authorization header", async () => {
    const config = await fetch(
      `${server.url}/trpc/experiments.config?key=${server.a.publicKey}`,
    ).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(config.status).toBe(400);
    expect(config.body.error.message).toMatch(/accepted only by ingest\.batch/);
    const batched = await beacon("ingest.batch,ingest.batch", server.a.publicKey, {
      0: { events: [logEvent()] },
      1: { events: [logEvent()] },
    });
    expect(batched.status).toBe(400);
    const both = await beacon(
      "ingest.batch",
      server.a.publicKey,
      { events: [logEvent()] },
      { authorization: `Bearer ${server.a.publicKey}` },
    );
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/not both/);
  });

  it("answers a made-up or revoked public key in the URL exactly as in the header (401)", async () => {
    const created = await server.mutate(
      "projects.createKey",
      { kind: "public" },
      server.a.secretKey,
    );
    const revoked: string = created.body.result.data.key;
    await server.mutate(
      "projects.revokeKey",
      { keyId: created.body.result.data.record.id },
      server.a.secretKey,
    );
    const madeUp = `lk_pub_${"Z".repeat(43)}`;
    const inHeader = await server.mutate("ingest.batch", { events: [logEvent()] }, madeUp);
    for (const key of [madeUp, revoked]) {
      const answer = await beacon("ingest.batch", key, { events: [logEvent()] });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(inHeader.body);
    }
  });

  it("keeps refusing text/plain bodies sent with an Authorization header (no new CSRF-able route)", async () => {
    const event = logEvent();
    const response = await fetch(`${server.url}/trpc/ingest.batch`, {
      method: "POST",
      headers: { "content-type": BEACON_TYPE, authorization: `Bearer ${server.a.secretKey}` },
      body: JSON.stringify({ events: [event] }),
    });
    expect(response.status).toBe(415);
    expect(await storedProject(event.id)).toBeNull();
  });

  it("works the same through the fetch handler", async () => {
    const handle = createFetchHandler(server.services);
    const send = (key: string, event: unknown) =>
      handle(
        new Request(`http://loopkit.test/trpc/ingest.batch?key=${key}`, {
          method: "POST",
          headers: { "content-type": BEACON_TYPE },
          body: JSON.stringify({ events: [event] }),
        }),
      );
    const event = logEvent();
    const accepted = await send(server.a.publicKey, event);
    expect(accepted.status).toBe(200);
    expect(await storedProject(event.id)).toBe(server.a.id);
    const refused = await send(server.a.secretKey, logEvent());
    expect(refused.status).toBe(400);
    expect(await refused.text()).not.toContain(server.a.secretKey);
  });
});

/**
 * A request path with a malformed %-escape must be answered, not thrown: the Node handler
 * decodes the procedure path for CORS and logs, and `decodeURIComponent` throws on `%E0`, which
 * inside a request listener would be an uncaught exception that stops the whole server.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing.js";
import { logEvent } from "./events.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer("pglite");
}, 120_000);
afterAll(() => server?.close());

it("answers a malformed %-escape in the procedure path with a 4xx and keeps serving", async () => {
  for (const path of ["%E0", "ingest.batch%", "%C0%AF,ingest.batch"]) {
    const response = await fetch(`${server.url}/trpc/${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${server.a.publicKey}`,
      },
      body: JSON.stringify({ events: [logEvent()] }),
    });
    expect(response.status, path).toBeGreaterThanOrEqual(400);
    expect(response.status, path).toBeLessThan(500);
  }
  const after = await server.mutate("ingest.batch", { events: [logEvent()] }, server.a.publicKey);
  expect(after.status).toBe(200);
});

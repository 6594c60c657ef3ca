/**
 * A client that goes away in the middle of its body must not keep its ingest slot: tRPC's own
 * body reader waited for an end that never came, and the batch held one of the in-flight gate's
 * slots until the process stopped, so enough broken uploads made every batch answer 429.
 */
import { request } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing.js";
import { logEvent } from "./events.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer("pglite");
}, 120_000);
afterAll(() => server?.close());

/** Sends headers and the start of a chunked body, waits until it is in flight, then disconnects. */
async function abandonUpload(): Promise<void> {
  const url = new URL(`${server.url}/trpc/ingest.batch`);
  const req = request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: "POST",
    headers: {
      "content-type": "application/json",
      "transfer-encoding": "chunked",
      authorization: `Bearer ${server.a.publicKey}`,
    },
  });
  req.on("error", () => {});
  req.write('{"events":[');
  await expect.poll(() => server.services.ingestGate.current).toBe(1);
  req.destroy();
}

it("frees the ingest slot of a client that disconnects before the end of its body", async () => {
  await abandonUpload();
  await expect.poll(() => server.services.ingestGate.current).toBe(0);
  const after = await server.mutate("ingest.batch", { events: [logEvent()] }, server.a.publicKey);
  expect(after.status).toBe(200);
});

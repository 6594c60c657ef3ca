import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { testDrivers } from "@loopkit/db/testing";
import express from "express";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetchHandler } from "../src/http/fetch.js";
import { createNodeHandler } from "../src/http/node.js";
import { startTestServer, type TestServer } from "../src/testing.js";
import { logEvent } from "./events.js";

/** The same three checks against any mounted API: ingest, a query, and an auth failure. */
async function exercise(baseUrl: string, server: TestServer) {
  const log = logEvent({ promptVersion: `via-${baseUrl.length}` });
  const ingest = await fetch(`${baseUrl}/trpc/ingest.batch`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.a.publicKey}`, "content-type": "application/json" },
    body: JSON.stringify({ events: [log] }),
  });
  expect(ingest.status).toBe(200);
  expect((await ingest.json()).result.data.results[0]).toMatchObject({
    id: log.id,
    status: "accepted",
  });
  expect(ingest.headers.get("x-content-type-options")).toBe("nosniff");
  expect(ingest.headers.get("x-request-id")).toBeTruthy();

  const page = await fetch(
    `${baseUrl}/trpc/requests.list?input=${encodeURIComponent('{"limit":1}')}`,
    {
      headers: { authorization: `Bearer ${server.a.secretKey}` },
    },
  );
  expect(page.status).toBe(200);
  expect((await page.json()).result.data.requests[0].id).toBe(log.id);

  const anonymous = await fetch(`${baseUrl}/trpc/requests.list`);
  expect(anonymous.status).toBe(401);
}

/**
 * {@link exercise}, mounted in a host app whose own `POST /host` echoes its JSON body: the API
 * works, and the host's body parsing still does.
 */
async function exerciseBesideHost(baseUrl: string, server: TestServer) {
  await exercise(baseUrl, server);
  const host = await fetch(`${baseUrl}/host`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"a":1}',
  });
  expect(await host.json()).toEqual({ echoed: { a: 1 } });
}

describe.each(await testDrivers())("HTTP adapters on %s", (driver) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(driver);
  });
  afterAll(() => server?.close());

  it("fetch: a Request → Response handler, with CORS for browser procedures and 413 before parsing", async () => {
    const handle = createFetchHandler(server.services, { corsOrigins: ["https://app.example"] });
    const log = logEvent();
    const response = await handle(
      new Request("http://loopkit.test/trpc/ingest.batch", {
        method: "POST",
        headers: {
          authorization: `Bearer ${server.a.publicKey}`,
          "content-type": "application/json",
          origin: "https://app.example",
          "x-request-id": "req-123",
        },
        body: JSON.stringify({ events: [log] }),
      }),
    );
    expect(response.status).toBe(200);
    expect((await response.json()).result.data.accepted).toBe(1);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(response.headers.get("x-request-id")).toBe("req-123");

    const secretOnly = await handle(
      new Request("http://loopkit.test/trpc/requests.list", {
        headers: { authorization: `Bearer ${server.a.secretKey}`, origin: "https://app.example" },
      }),
    );
    expect(secretOnly.status).toBe(200);
    expect(secretOnly.headers.get("access-control-allow-origin")).toBeNull();

    const preflight = await handle(
      new Request("http://loopkit.test/trpc/experiments.config", {
        method: "OPTIONS",
        headers: { origin: "https://app.example" },
      }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");

    const tooBig = await handle(
      new Request("http://loopkit.test/trpc/ingest.batch", {
        method: "POST",
        headers: { "content-length": String(10 * 1024 * 1024), "content-type": "application/json" },
        body: "{}",
      }),
    );
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).error.data.loopkitCode).toBe("PAYLOAD_TOO_LARGE");
  });

  it("Express: mounted as middleware beside the host's own routes and JSON parser", async () => {
    const api = createNodeHandler(server.services);
    const app = express();
    app.use((req, res, next) => {
      if (!api(req, res)) next();
    });
    app.use(express.json());
    app.post("/host", (req, res) => {
      res.json({ echoed: req.body });
    });
    const http: Server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      await exerciseBesideHost(url, server);
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it("Fastify: a scope that leaves the body to the handler, beside the host's own routes", async () => {
    const api = createNodeHandler(server.services);
    const app: FastifyInstance = Fastify();
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser("*", (_request, _payload, done) => done(null));
      scope.all("/trpc/*", (request, reply) => {
        reply.hijack();
        api(request.raw, reply.raw);
      });
    });
    app.post("/host", async (request) => ({ echoed: request.body }));
    await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      await exerciseBesideHost(url, server);
    } finally {
      await app.close();
    }
  });
});

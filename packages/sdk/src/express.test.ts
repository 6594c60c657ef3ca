import type { AddressInfo } from "node:net";
import express from "express";
import { describe, expect, it } from "vitest";
import { recordingLoopkit } from "../test/recording-fetch.js";
import { loopkitExpress } from "./express.js";

async function serve(app: express.Express) {
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("loopkitExpress (a real Express app over HTTP)", () => {
  it("gives each request an id, logs with it through req.loopkit, and flushes on response end", async () => {
    const { loopkit, sent } = recordingLoopkit();
    const app = express();
    app.use(loopkitExpress({ loopkit, flushOnEnd: true }));
    app.get("/chat", (req, res) => {
      const id = req.loopkit.log({ promptName: "chat", output: "hello" });
      res.json({ id, requestId: req.loopkit.requestId });
    });
    const server = await serve(app);
    try {
      const fresh = await globalThis.fetch(`${server.url}/chat`);
      const body = (await fresh.json()) as { id: string; requestId: string };
      expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(fresh.headers.get("x-request-id")).toBe(body.requestId);

      const traced = await globalThis.fetch(`${server.url}/chat`, {
        headers: { "x-request-id": "trace-abc-123" },
      });
      expect(traced.headers.get("x-request-id")).toBe("trace-abc-123");
      const hostile = await globalThis.fetch(`${server.url}/chat`, {
        headers: { "x-request-id": "x".repeat(500) },
      });
      expect(hostile.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

      // flushOnEnd: sent without waiting for the (one-minute) interval.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const events = sent.flatMap((s) => s.events);
      expect(events.map((e) => e.requestId)).toEqual([
        body.requestId,
        "trace-abc-123",
        hostile.headers.get("x-request-id"),
      ]);
      expect(events[0]!.id).toBe(body.id);
    } finally {
      await server.close();
      await loopkit.shutdown();
    }
  });
});

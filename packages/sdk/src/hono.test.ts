import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { recordingLoopkit } from "../test/recording-fetch.js";
import { loopkitHono } from "./hono.js";

describe("loopkitHono (a real Hono app)", () => {
  it("exposes c.get('loopkit') with the request id, and flushes through waitUntil", async () => {
    const { loopkit, sent } = recordingLoopkit();
    const app = new Hono();
    app.use(loopkitHono({ loopkit, flushOnEnd: true }));
    app.post("/chat", (c) => {
      const id = c.get("loopkit").log({ promptName: "chat", output: "hi" });
      return c.json({ id });
    });
    const waited: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => waited.push(p), passThroughOnException() {} };
    const response = await app.fetch(
      new Request("http://app.test/chat", { method: "POST", headers: { "x-request-id": "req-1" } }),
      {},
      ctx as never,
    );
    expect(response.headers.get("x-request-id")).toBe("req-1");
    const { id } = (await response.json()) as { id: string };
    expect(waited).toHaveLength(1);
    await Promise.all(waited);
    expect(sent.flatMap((s) => s.events)).toEqual([
      expect.objectContaining({ id, requestId: "req-1", promptName: "chat" }),
    ]);

    // Without an execution context (Node), the flush still runs.
    const plain = await app.request("/chat", { method: "POST" });
    expect(plain.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent.flatMap((s) => s.events)).toHaveLength(2);
    await loopkit.shutdown();
  });
});

import { describe, expect, it } from "vitest";
import { recordingFetch } from "../test/recording-fetch.js";
import { createLoopkit } from "./index.js";

const base = { baseUrl: "http://loopkit.test", apiKey: "lk_pub_test" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("shadow", () => {
  it("resolves with the primary's result without waiting for a slower candidate, then logs the candidate with shadowOf", async () => {
    const { fetch, sent } = recordingFetch();
    const loopkit = createLoopkit({ ...base, fetch });
    let primaryId = "";
    let candidateDone = false;
    const answer = await loopkit.shadow(
      async (requestId) => {
        primaryId = requestId;
        loopkit.log({ id: requestId, promptName: "support", promptVersion: "v1", output: "A" });
        return "A";
      },
      async () => {
        await sleep(100);
        candidateDone = true;
        return "B";
      },
      { promptName: "support", promptVersion: "v2", input: "question" },
    );
    expect(answer).toBe("A");
    expect(candidateDone).toBe(false);
    await sleep(150);
    await loopkit.shutdown();
    const events = sent.flatMap((s) => s.events);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      type: "log",
      shadowOf: primaryId,
      promptName: "support",
      promptVersion: "v2",
      input: "question",
      output: "B",
    });
    expect(events[1]!.latencyMs).toBeGreaterThanOrEqual(90);
  });

  it("never fails the primary: a candidate that throws (even synchronously) is logged as an error", async () => {
    const { fetch, sent } = recordingFetch();
    const loopkit = createLoopkit({ ...base, fetch });
    const errors: unknown[] = [];
    const answers = await Promise.all([
      loopkit.shadow(
        async () => 1,
        async () => {
          throw new Error("candidate timed out");
        },
        {
          promptVersion: "v2",
          requestId: "0190a5d2-0000-7000-8000-000000000001",
          onError: (e) => errors.push(e),
        },
      ),
      loopkit.shadow(
        async () => 2,
        () => {
          throw new Error("sync boom");
        },
        { promptVersion: "v2", requestId: "0190a5d2-0000-7000-8000-000000000002" },
      ),
    ]);
    expect(answers).toEqual([1, 2]);
    await sleep(10);
    await loopkit.shutdown();
    const events = sent.flatMap((s) => s.events);
    expect(events.map((e) => [e.shadowOf, e.status, e.errorMessage]).sort()).toEqual([
      ["0190a5d2-0000-7000-8000-000000000001", "error", "candidate timed out"],
      ["0190a5d2-0000-7000-8000-000000000002", "error", "sync boom"],
    ]);
    expect(errors).toHaveLength(1);
  });

  it("passes the primary's rejection through unchanged", async () => {
    const { fetch } = recordingFetch();
    const loopkit = createLoopkit({ ...base, fetch });
    const failure = new Error("primary failed");
    await expect(
      loopkit.shadow(
        async () => {
          throw failure;
        },
        async () => "B",
        { promptVersion: "v2" },
      ),
    ).rejects.toBe(failure);
    await loopkit.shutdown();
  });

  it("runs the candidate on a deterministic share of requests with sampleRate", async () => {
    const { fetch, sent } = recordingFetch();
    const loopkit = createLoopkit({ ...base, fetch });
    let runs = 0;
    for (let i = 0; i < 20; i++) {
      await loopkit.shadow(
        async () => i,
        async () => {
          runs++;
          return i;
        },
        { promptVersion: "v2", sampleRate: 0, conversationId: `c${i}` },
      );
    }
    await loopkit.shutdown();
    expect(runs).toBe(0);
    expect(sent).toHaveLength(0);
  });
});

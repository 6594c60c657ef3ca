import { describe, expect, it } from "vitest";
import { recordingLoopkit } from "../test/recording-fetch.js";
import { withLoopkit } from "./fetch-handler.js";

describe("withLoopkit (fetch handlers)", () => {
  it("passes a request-scoped client, sets the id header, and flushes when the body has been read", async () => {
    const { loopkit, sent } = recordingLoopkit();
    const handler = withLoopkit(
      (_request, lk) => {
        lk.log({ promptName: "chat", output: "streamed" });
        const stream = new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode("part 1, "));
            controller.enqueue(new TextEncoder().encode("part 2"));
            controller.close();
          },
        });
        // Headers of a fetched response are immutable; the wrapper must cope.
        const answer = new Response(stream, { headers: { "content-type": "text/plain" } });
        Object.freeze(answer.headers);
        return answer;
      },
      { loopkit, flushOnEnd: true },
    );
    const response = await handler(
      new Request("http://app.test/", { headers: { "x-request-id": "r-9" } }),
    );
    expect(response.headers.get("x-request-id")).toBe("r-9");
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(sent).toHaveLength(0);
    expect(await response.text()).toBe("part 1, part 2");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sent.flatMap((s) => s.events)).toEqual([
      expect.objectContaining({ requestId: "r-9", output: "streamed" }),
    ]);
    await loopkit.shutdown();
  });
});

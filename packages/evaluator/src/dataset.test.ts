import { describe, expect, it } from "vitest";
import { datasetFromInteractions, outputOf, parseJsonlDataset } from "./dataset.js";

describe("parseJsonlDataset", () => {
  it("reads one item per line and skips blanks and comments", () => {
    const items = parseJsonlDataset(
      [
        '{"input":"q1","output":"a1","version":"v1","humanRating":4}',
        "",
        "// a comment",
        '{"input":[{"role":"user","content":"q2"}],"outputs":{"v1":"x","v2":"y"},"expected":"y"}',
      ].join("\n"),
    );
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ input: "q1", output: "a1", version: "v1", humanRating: 4 });
    expect(outputOf(items[1]!, "v2")).toBe("y");
    expect(outputOf(items[0]!, "v2")).toBeUndefined();
  });

  it("names the file, line and problem of a bad line", () => {
    expect(() => parseJsonlDataset('{"input":"q"}\n{oops', "data.jsonl")).toThrow(
      /data\.jsonl:2: not valid JSON/,
    );
    try {
      parseJsonlDataset('{"output":"a"}', "data.jsonl");
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "INVALID_INPUT" });
      expect(String(error)).toMatch(/data\.jsonl:1: .*input/);
    }
  });
});

describe("datasetFromInteractions", () => {
  it("keeps interactions with an output, with request id, version and latest rating on 1–5", () => {
    const items = datasetFromInteractions([
      {
        id: "r1",
        input: "q",
        output: "a",
        promptVersion: "v3",
        feedback: [
          { name: "rating", value: 2 },
          { name: "thumbs", value: true },
          // 7 on 0–10 → 1 + 4 × 0.7 = 3.8
          { name: "rating", value: 7, scale: { min: 0, max: 10 } },
        ],
      },
      { id: "r2", input: "q", output: undefined, promptVersion: "v3" },
      { id: "r3", input: "q", output: "b", promptVersion: null, feedback: [] },
    ]);
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({
      input: "q",
      output: "a",
      version: "v3",
      requestId: "r1",
      humanRating: 3.8,
    });
    expect(items[1]).toEqual({ input: "q", output: "b", requestId: "r3" });
    // A rating worked out by the caller wins over the feedback.
    const [rated] = datasetFromInteractions([
      { id: "r4", input: "q", output: "c", rating: 2, feedback: [{ name: "rating", value: 5 }] },
    ]);
    expect(rated?.humanRating).toBe(2);
  });
});

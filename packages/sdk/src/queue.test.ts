import { describe, expect, it } from "vitest";
import { BoundedQueue } from "./queue.js";

/** The first `count` items, read with `at()`. */
function head<T>(q: BoundedQueue<T>, count: number): T[] {
  return Array.from({ length: Math.min(count, q.size) }, (_, i) => q.at(i)!);
}

describe("BoundedQueue", () => {
  it("keeps FIFO order and drops the oldest past its capacity", () => {
    const q = new BoundedQueue<number>(3);
    expect([1, 2, 3].map((n) => q.push(n))).toEqual([undefined, undefined, undefined]);
    expect(q.push(4)).toBe(1);
    expect(head(q, 10)).toEqual([2, 3, 4]);
    q.shift();
    q.shift();
    expect(head(q, 10)).toEqual([4]);
    expect(q.size).toBe(1);
  });

  it("stays correct across compaction after many shifts", () => {
    const q = new BoundedQueue<number>(100_000);
    for (let i = 0; i < 5000; i++) q.push(i);
    for (let i = 0; i < 4000; i++) q.shift();
    expect(q.size).toBe(1000);
    expect(head(q, 2)).toEqual([4000, 4001]);
    q.push(5000);
    expect(head(q, 2000).at(-1)).toBe(5000);
  });
});

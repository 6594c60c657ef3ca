import type { Fault } from "./types.js";

/** Faults waiting to be applied, each to its next `count` answers, first in first out. */
export class FaultQueue {
  private readonly queue: { fault: Fault; remaining: number }[] = [];

  /** Appends faults to the queue. */
  push(faults: readonly Fault[]): void {
    for (const fault of faults) {
      const count = fault.count ?? 1;
      if (!Number.isInteger(count) || count < 1) {
        throw new RangeError(`fault count must be a positive integer, got ${fault.count}`);
      }
      this.queue.push({ fault, remaining: count });
    }
  }

  /** The fault for the next answer, or undefined when none is queued. */
  take(): Fault | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) this.queue.shift();
    return head.fault;
  }
}

import { LoopkitError } from "@loopkit/core";

/**
 * Bounds the ingest batches processed at once. Past the bound a batch is refused with
 * `OVERLOADED` (HTTP 429 + Retry-After) instead of queueing without bound, so a slow database
 * makes clients back off rather than the server's memory grow.
 */
export class IngestGate {
  private inFlight = 0;

  constructor(private readonly max: number) {}

  /** Batches being processed now. */
  get current(): number {
    return this.inFlight;
  }

  /** Runs `work` if there is room, else throws `OVERLOADED`. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.max) {
      throw new LoopkitError(
        "OVERLOADED",
        `the server is processing ${this.max} batches already; retry after the Retry-After delay`,
      );
    }
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }
}

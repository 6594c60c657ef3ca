import type { LoopkitOptions } from "../src/index.js";

/**
 * Options of a client for timing `log()` alone, which never sends: `flushAt` is 500, so a timed
 * slice of fewer calls never starts a send; the flush timer is an hour away; no exit hook; and
 * its `fetch` refuses, should anything try.
 */
export const UNSENT_CLIENT: LoopkitOptions = {
  baseUrl: "http://127.0.0.1:9",
  apiKey: "lk_pub_bench",
  flushAt: 500,
  flushIntervalMs: 3_600_000,
  flushOnExit: false,
  fetch: () => Promise.reject(new Error("the benchmark never sends")),
};

import { assignVariant, fnv1a32 } from "../src/index.js";
import { bestCpuSeconds } from "./cpu-time.js";

/** Assignments per second, beside one FNV-1a hash of the same key. */
export interface AssignmentRate {
  assignments: number;
  inExperiment: number;
  perSecond: number;
  hashPerSecond: number;
}

/**
 * `assignVariant` of a three-arm experiment (weights 50/25/25) over 1,000 distinct unit ids in
 * turn, `assignments` times; against the baseline, one 32-bit FNV-1a ({@link fnv1a32}, the hash
 * GrowthBook-compatible assignment is built on) of seed + unit id, the least any deterministic
 * assignment must do. CPU time, best of `rounds`.
 */
export function measureAssignment(assignments: number, rounds: number): AssignmentRate {
  const experiment = {
    key: "checkout-prompt",
    variants: ["control", "v2", "v3"],
    weights: [0.5, 0.25, 0.25],
  };
  const ids = Array.from({ length: 1000 }, (_, i) => `user-${i}-${i * 7919}`);
  let inExperiment = 0;
  const seconds = bestCpuSeconds(rounds, () => {
    inExperiment = 0;
    for (let i = 0; i < assignments; i++) {
      if (assignVariant(experiment, ids[i % 1000]!).inExperiment) inExperiment++;
    }
  });
  let sink = 0;
  const hashSeconds = bestCpuSeconds(rounds, () => {
    for (let i = 0; i < assignments; i++) sink ^= fnv1a32(experiment.key + ids[i % 1000]!);
  });
  if (sink === -1) throw new Error("unreachable");
  return {
    assignments,
    inExperiment,
    perSecond: assignments / seconds,
    hashPerSecond: assignments / hashSeconds,
  };
}

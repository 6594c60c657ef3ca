import { expect } from "vitest";

/**
 * Asserts `actual` is within a relative tolerance (default 1e-6) of a reference value; only an
 * expected 0 gets an absolute tolerance (1e-10 · tolerance). Purely relative, so a tail
 * probability of 1e-20 is checked as closely as one of 0.5.
 */
export function expectClose(actual: number | null | undefined, expected: number, tolerance = 1e-6) {
  expect(actual).toBeTypeOf("number");
  const error = Math.abs((actual as number) - expected);
  const allowed = tolerance * (expected === 0 ? 1e-10 : Math.abs(expected));
  if (!(error <= allowed)) {
    expect.fail(`expected ${actual} to be within ${tolerance} (relative) of ${expected}`);
  }
}

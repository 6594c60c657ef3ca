import { expect } from "vitest";

/**
 * Asserts `actual` is within a relative tolerance (default 1e-6) of a reference value, with an
 * absolute floor of 1e-10 · tolerance-scale for values at or near zero.
 */
export function expectClose(actual: number | null | undefined, expected: number, tolerance = 1e-6) {
  expect(actual).toBeTypeOf("number");
  const error = Math.abs((actual as number) - expected);
  const allowed = tolerance * Math.max(Math.abs(expected), 1e-10);
  if (!(error <= allowed)) {
    expect.fail(`expected ${actual} to be within ${tolerance} (relative) of ${expected}`);
  }
}

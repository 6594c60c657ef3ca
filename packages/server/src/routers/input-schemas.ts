import { LIMITS } from "@loopkit/core";
import { z } from "zod";

/** An identifier: a prompt name, version, experiment key. */
export const Name = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(LIMITS.maxNameLength, `must be at most ${LIMITS.maxNameLength} characters`);

/** A named person (requester, approver): who did it, as they are known in the team. */
export const Person = z
  .string()
  .trim()
  .min(2, "name the person (at least 2 characters)")
  .max(200, "must be at most 200 characters");

/** An ISO 8601 time with an offset (`2026-11-26T12:00:00Z`). */
export const Timestamp = z.iso.datetime({ offset: true });

/** An optional comment. */
export const Comment = z.string().max(LIMITS.maxCommentLength).optional();

/** Copies only the keys whose value is present, so optional options stay absent. */
export function present<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

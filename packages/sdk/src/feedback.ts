import type { FeedbackInput } from "./client.js";
import { levenshtein } from "./edit-distance.js";

/**
 * The share of `original` that the user changed to get `kept`: Levenshtein distance divided
 * by the longer length (0 = kept as is, 1 = rewritten). Two empty strings give 0.
 */
export function editRatio(original: string, kept: string): number {
  const longest = Math.max(original.length, kept.length);
  return longest === 0 ? 0 : levenshtein(original, kept) / longest;
}

type Send = (event: FeedbackInput) => string;

/** One-line helpers for each kind of feedback; each returns the feedback event's id. */
export interface FeedbackHelpers {
  thumbs(requestId: string, up: boolean): string;
  rating(requestId: string, value: number, scale?: { min: number; max: number }): string;
  comment(requestId: string, text: string): string;
  outcome(requestId: string, succeeded: boolean, name?: string): string;
  copied(requestId: string): string;
  regenerated(requestId: string): string;
  edited(requestId: string, original: string, kept: string): string;
  abandoned(requestId: string): string;
}

/** Builds the feedback helpers on top of a client's `feedback()`. */
export function feedbackHelpers(send: Send): FeedbackHelpers {
  const implicit = (name: string) => (requestId: string) =>
    send({ requestId, kind: "implicit", name });
  return {
    thumbs: (requestId, up) => send({ requestId, kind: "explicit", name: "thumbs", value: up }),
    rating: (requestId, value, scale = { min: 1, max: 5 }) =>
      send({ requestId, kind: "explicit", name: "rating", value, scale }),
    comment: (requestId, text) =>
      send({ requestId, kind: "explicit", name: "comment", comment: text }),
    outcome: (requestId, succeeded, name = "task_succeeded") =>
      send({ requestId, kind: "outcome", name, value: succeeded }),
    copied: implicit("copied"),
    regenerated: implicit("regenerated"),
    edited: (requestId, original, kept) =>
      send({ requestId, kind: "implicit", name: "edited", editRatio: editRatio(original, kept) }),
    abandoned: implicit("abandoned"),
  };
}

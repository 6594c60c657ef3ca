import type { ExposureEvent, FeedbackEvent, LogEvent } from "@loopkit/core";

/**
 * A log event as the server stores it: the user id replaced by its keyed hash, the cost in
 * micro-dollars (computed by the server when the caller gave none), and whether the token
 * counts were estimated rather than reported by the provider.
 */
export type StoredLogEvent = Omit<LogEvent, "userId"> & {
  userHash: string | null;
  costMicros: number | null;
  tokensEstimated: boolean;
};

/** A feedback event as stored: the user id replaced by its keyed hash. */
export type StoredFeedbackEvent = Omit<FeedbackEvent, "userId"> & { userHash: string | null };

/** An exposure as stored: the unit id replaced by its keyed hash. */
export type StoredExposureEvent = Omit<ExposureEvent, "unitId"> & { unitHash: string };

/** Any event `insertEvents` stores. */
export type StoredEvent = StoredLogEvent | StoredFeedbackEvent | StoredExposureEvent;

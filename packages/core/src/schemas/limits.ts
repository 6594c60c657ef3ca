/**
 * Size limits that are part of the event schemas. Every validation error that a limit causes
 * names the field path and the limit, so a client can fix the event instead of guessing.
 */
export const LIMITS = {
  /** Events in one `ingest.batch` call. */
  maxBatchEvents: 500,
  /** Bytes of one `ingest.batch` request body. */
  maxBatchBytes: 5 * 1024 * 1024,
  /** Characters of a text input or output, or of one chat message's content. */
  maxTextLength: 256 * 1024,
  /** Chat messages in one input or output. */
  maxMessages: 500,
  /** Nesting depth of `metadata` (an object holding an object is depth 2). */
  maxMetadataDepth: 5,
  /** Bytes of `metadata` serialized as JSON. */
  maxMetadataBytes: 16 * 1024,
  /** Tags on one event. */
  maxTags: 32,
  /** Characters of an identifier, name, tag or short label. */
  maxNameLength: 256,
  /** Characters of a feedback comment or text value. */
  maxCommentLength: 16 * 1024,
  /** A token count: the largest PostgreSQL `integer` (int4), 2^31 − 1. */
  maxTokenCount: 2_147_483_647,
  /**
   * Magnitude of a feedback number (value, scale bounds): sums and scale arithmetic on them in
   * PostgreSQL `double precision` cannot overflow.
   */
  maxNumberMagnitude: 1e15,
  /**
   * Smallest magnitude of a non-zero feedback number: dividing differences of such numbers by
   * a scale's width cannot underflow, which PostgreSQL reports as an error.
   */
  minNumberMagnitude: 1e-15,
} as const;

import fc from "fast-check";

/** A wire event (what `ingest.batch` takes), loosely typed. */
export type WireEvent = Record<string, unknown>;

/** What the server must answer for an event of a fuzzed batch. */
export type Expectation =
  | { status: "accepted" }
  | { status: "duplicate" }
  | { status: "rejected"; field: string };

/** An event of a fuzzed batch with the answer it must get. */
export interface FuzzedEvent {
  event: WireEvent;
  expect: Expectation;
  /** How it was made (for failure messages and statistics). */
  how: string;
}

/** Well-formed text (no NUL, no lone surrogates: those are the unstorable-character mutations). */
export const text = (maxLength = 40) =>
  fc
    .string({ unit: "grapheme", maxLength })
    .map((s) => s.replaceAll("\u0000", ""))
    .filter(
      (s) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s),
    );

/** Classic SQL injection payloads (OWASP testing guide, SQL injection section). */
export const SQL_INJECTIONS = [
  "'; DROP TABLE requests; --",
  "' OR '1'='1",
  '" OR ""="',
  "1; SELECT pg_sleep(10); --",
  "'); DELETE FROM api_keys WHERE ('1'='1",
  "$1 $$ $tag$ \\x27 E'\\''",
  "admin'--",
  "1' UNION SELECT key_hash FROM api_keys --",
];

/**
 * Raw PII and secrets a misconfigured client might send, in sentences (formats from core's
 * recognizer table: the Visa test card, the IBAN registry's German example, an OpenAI-style key).
 */
export const PII_SAMPLES = {
  email: "jane.doe.fuzz@example.com",
  phone: "+1 415 555 0199",
  card: "4111 1111 1111 1111",
  iban: "DE89 3704 0044 0532 0130 00",
  openaiKey: "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe",
};
const piiSentence = fc
  .constantFrom(...Object.values(PII_SAMPLES))
  .map((value) => `please reach me at ${value} today`);
/** Free text, sometimes carrying PII. */
const content = (maxLength: number) => fc.oneof(text(maxLength), piiSentence);

const name = fc.oneof(
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 30 }).filter((s) => s.length > 0),
  fc.constantFrom(...SQL_INJECTIONS),
);
const recent = fc
  .integer({ min: 0, max: 30 * 24 * 3600 * 1000 })
  .map((back) => new Date(Date.now() - back).toISOString());

/** Metadata with keys that are dangerous in JavaScript objects (kept verbatim, except `__proto__`). */
const metadata = fc.dictionary(
  fc.oneof(text(12), fc.constantFrom("constructor", "toString", "hasOwnProperty", "prototype")),
  fc.oneof(
    content(40),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 3 }),
  ),
  { maxKeys: 5 },
);

const logArb = fc.record(
  {
    type: fc.constant("log"),
    id: fc.uuid({ version: 7 }),
    timestamp: recent,
    conversationId: name,
    turnIndex: fc.integer({ min: 0, max: 1_000_000 }),
    userId: name,
    promptName: name,
    promptVersion: name,
    model: fc.constantFrom("gpt-4o-mini", "gpt-4o", "claude-3-5-sonnet", "unknown-model"),
    input: fc.oneof(
      content(200),
      fc.array(
        fc.record({
          role: fc.constantFrom("system", "user", "assistant"),
          content: fc.oneof(content(200), fc.constant(null)),
        }),
        { maxLength: 4 },
      ),
    ),
    output: fc.oneof(content(200), fc.constantFrom(...SQL_INJECTIONS)),
    usage: fc.record(
      { inputTokens: fc.nat(1_000_000), outputTokens: fc.nat(1_000_000) },
      { requiredKeys: [] },
    ),
    costUsd: fc.double({ min: 0, max: 1000, noNaN: true }),
    latencyMs: fc.double({ min: 0, max: 86_400_000, noNaN: true }),
    status: fc.constantFrom("ok", "error"),
    errorMessage: content(100),
    tags: fc.array(name, { maxLength: 5 }),
    metadata,
  },
  { requiredKeys: ["type", "id", "timestamp"] },
);

const feedbackArb = fc.record({
  type: fc.constant("feedback"),
  id: fc.uuid({ version: 7 }),
  timestamp: recent,
  requestId: fc.uuid({ version: 7 }),
  kind: fc.constant("explicit"),
  name: fc.constant("thumbs"),
  value: fc.boolean(),
  comment: content(100),
});

const exposureArb = fc.record({
  type: fc.constant("exposure"),
  id: fc.uuid({ version: 7 }),
  timestamp: recent,
  experimentKey: name,
  variant: name,
  unitId: name,
});

/** A valid event of any type. */
export const validEvent: fc.Arbitrary<WireEvent> = fc.oneof(logArb, feedbackArb, exposureArb);

/** Replaces (or deletes, with `undefined`) one field and says which field must be named. */
const mutate = (field: string, value: unknown, how: string) => (event: WireEvent) => {
  const copy: WireEvent = { ...event };
  if (value === undefined) delete copy[field];
  else copy[field] = value;
  return { event: copy, expect: { status: "rejected" as const, field }, how };
};

const veryDeep = (depth: number): unknown => (depth === 0 ? 1 : { d: veryDeep(depth - 1) });

/** A valid log event made invalid in one field, and the field the rejection must name. */
const invalidEvent: fc.Arbitrary<FuzzedEvent> = fc.oneof(
  fc
    .tuple(logArb, fc.constantFrom("id", "timestamp"))
    .map(([e, f]) => mutate(f, undefined, `missing ${f}`)(e)),
  fc
    .tuple(
      logArb,
      fc.constantFrom(
        42,
        true,
        { a: 1 },
        [1],
        "not-a-uuid",
        "0190f0f0-0000-4000-8000-000000000000",
      ),
    )
    .map(([e, v]) => mutate("id", v, "wrong id")(e)),
  fc
    .tuple(logArb, fc.constantFrom(42, true, ["x"], { a: 1 }))
    .map(([e, v]) => mutate("promptName", v, "wrong type promptName")(e)),
  fc
    .tuple(
      logArb,
      fc.constantFrom("output", "conversationId", "promptName", "model"),
      text(20),
      fc.constantFrom("\u0000", "\ud800", "\udfff"),
      text(20),
    )
    .map(([e, f, before, bad, after]) =>
      mutate(f, `${before}${bad}${after}`, `unstorable character in ${f}`)(e),
    ),
  fc
    .tuple(logArb, fc.constantFrom("fast", true, [1], { ms: 1 }, null))
    .map(([e, v]) => mutate("latencyMs", v, "wrong type latencyMs")(e)),
  fc
    .tuple(logArb, fc.constantFrom(42, true, { text: "x" }, [{ role: "robot", content: "x" }]))
    .map(([e, v]) => mutate("input", v, "wrong type input")(e)),
  fc
    .tuple(logArb, fc.constantFrom("tag", 1, [1], [""]))
    .map(([e, v]) => mutate("tags", v, "wrong type tags")(e)),
  fc
    .tuple(logArb, fc.constantFrom("meta", 1, [1], { n: { toolong: "x".repeat(17 * 1024) } }))
    .map(([e, v]) => mutate("metadata", v, "wrong type metadata")(e)),
  // Huge strings (LIMITS: names 256 characters, texts 256 Ki characters, messages 16 Ki).
  fc
    .tuple(logArb, fc.integer({ min: 257, max: 5000 }))
    .map(([e, n]) => mutate("promptName", "p".repeat(n), "huge promptName")(e)),
  fc
    .tuple(logArb, fc.integer({ min: 256 * 1024 + 1, max: 300 * 1024 }))
    .map(([e, n]) => mutate("output", "o".repeat(n), "huge output")(e)),
  fc
    .tuple(logArb, fc.integer({ min: 16 * 1024 + 1, max: 20 * 1024 }))
    .map(([e, n]) => mutate("errorMessage", "e".repeat(n), "huge errorMessage")(e)),
  // Numbers out of range.
  fc
    .tuple(logArb, fc.constantFrom(-1, -1e-9, 86_400_001, 1e308))
    .map(([e, v]) => mutate("latencyMs", v, "latencyMs out of range")(e)),
  fc
    .tuple(logArb, fc.constantFrom(-1, 1.5, 1_000_001, 2 ** 53))
    .map(([e, v]) => mutate("turnIndex", v, "turnIndex out of range")(e)),
  fc
    .tuple(logArb, fc.constantFrom(-0.01, 1_000_001))
    .map(([e, v]) => mutate("costUsd", v, "costUsd out of range")(e)),
  fc.tuple(logArb, fc.constantFrom(-1, 0.5)).map(([e, v]) => ({
    ...mutate("usage", { inputTokens: v }, "usage.inputTokens out of range")(e),
    expect: { status: "rejected" as const, field: "usage.inputTokens" },
  })),
  // Dates far in the past or future, and malformed.
  fc
    .tuple(
      logArb,
      fc.constantFrom(
        "1970-01-01T00:00:00Z",
        "2019-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
        "2999-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999Z",
        "2024-13-45T00:00:00Z",
        "yesterday",
        "2024-01-01",
      ),
    )
    .map(([e, v]) => mutate("timestamp", v, "bad timestamp")(e)),
  // Deep JSON (metadata allows 5 levels).
  fc
    .tuple(logArb, fc.integer({ min: 6, max: 60 }))
    .map(([e, depth]) => mutate("metadata", { deep: veryDeep(depth) }, "deep metadata")(e)),
  // Feedback and exposures.
  fc
    .tuple(feedbackArb, fc.constantFrom("Thumbs Up", "", "9lives"))
    .map(([e, v]) => mutate("name", v, "bad feedback name")(e)),
  feedbackArb.map((e) => mutate("requestId", undefined, "feedback on nothing")(e)),
  fc
    .tuple(feedbackArb, fc.constantFrom("yes", 1, null))
    .map(([e, v]) => mutate("value", v, "thumbs not boolean")(e)),
  exposureArb.map((e) => mutate("unitId", undefined, "exposure without unit")(e)),
  fc
    .tuple(validEvent, fc.constantFrom("metric", "LOG", 1, null))
    .map(([e, v]) => mutate("type", v, "unknown type")(e)),
);

/**
 * A batch of 1–40 events: valid ones, invalid ones (each with the field it must be rejected
 * for) and repeats of an earlier valid event's id (answered `duplicate`).
 */
export const fuzzedBatch: fc.Arbitrary<FuzzedEvent[]> = fc
  .array(
    fc.oneof(
      {
        weight: 3,
        arbitrary: validEvent.map((event) => ({
          event,
          expect: { status: "accepted" as const },
          how: "valid",
        })),
      },
      { weight: 3, arbitrary: invalidEvent },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    { minLength: 1, maxLength: 40 },
  )
  .map((items) => {
    const batch: FuzzedEvent[] = [];
    for (const item of items) {
      const earlier = batch.find((b) => b.expect.status === "accepted");
      if (item === null) {
        // A repeat of an earlier valid event (same id) inside the batch, or a valid event.
        if (earlier)
          batch.push({
            event: { ...earlier.event },
            expect: { status: "duplicate" },
            how: "duplicate id",
          });
        continue;
      }
      batch.push(item);
    }
    return batch.length > 0
      ? batch
      : [{ event: { type: "log" }, expect: { status: "rejected", field: "id" }, how: "bare" }];
  });

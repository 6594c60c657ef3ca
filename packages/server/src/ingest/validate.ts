import { type FieldIssue, IngestEvent, toFieldIssues } from "@loopkit/core";

/** The answer for one event of a batch. */
export type EventResult =
  | { index: number; id: string; status: "accepted" | "duplicate" }
  | {
      index: number;
      id: string | null;
      status: "rejected";
      code: "INVALID_EVENT";
      errors: FieldIssue[];
    };

/** A valid event and its position in the batch. */
export interface ValidEvent {
  index: number;
  event: IngestEvent;
}

/**
 * Validates each event of a batch on its own, so a bad event is rejected with its field paths
 * and reasons while its neighbours go on. A second event with an id already seen in the same
 * batch is answered as a duplicate, as a resend would be.
 */
export function validateEvents(events: unknown[]): {
  valid: ValidEvent[];
  results: Map<number, EventResult>;
} {
  const valid: ValidEvent[] = [];
  const results = new Map<number, EventResult>();
  const seen = new Set<string>();
  events.forEach((raw, index) => {
    const parsed = IngestEvent.safeParse(raw);
    if (!parsed.success) {
      results.set(index, {
        index,
        id: idOf(raw),
        status: "rejected",
        code: "INVALID_EVENT",
        errors: toFieldIssues(parsed.error),
      });
      return;
    }
    if (seen.has(parsed.data.id)) {
      results.set(index, { index, id: parsed.data.id, status: "duplicate" });
      return;
    }
    seen.add(parsed.data.id);
    valid.push({ index, event: parsed.data });
  });
  return { valid, results };
}

function idOf(raw: unknown): string | null {
  if (raw && typeof raw === "object" && "id" in raw && typeof raw.id === "string") {
    return raw.id.slice(0, 64);
  }
  return null;
}

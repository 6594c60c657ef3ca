import type { RequestFeedback, RequestRecord } from "../src/records.js";
import fixture from "./reference/versions-fixture.json" with { type: "json" };

/** One version of versions-fixture.json. */
export type FixtureVersion = (typeof fixture.versions)[number];

/** The fixture's versions. */
export const FIXTURE_VERSIONS: FixtureVersion[] = fixture.versions;

/**
 * Expands one fixture version into request records, following the rule in the fixture's
 * `description` (the same rule compare_versions.py follows). Every tenth rated request first
 * gets a 1-star rating that a later rating replaces, so "latest wins" is exercised.
 */
export function fixtureRecords(v: FixtureVersion): RequestRecord[] {
  const ratings = Object.entries(v.ratings).flatMap(([value, count]) =>
    Array.from({ length: count }, () => Number(value)),
  );
  return Array.from({ length: v.requests }, (_, i): RequestRecord => {
    const feedback: RequestFeedback[] = [];
    if (i < v.outcomes) feedback.push({ name: "task_succeeded", value: i < v.successes });
    const rating = ratings[i];
    if (rating !== undefined) {
      if (i % 10 === 0) feedback.push({ name: "rating", value: 1 });
      feedback.push({ name: "rating", value: rating });
    }
    if (i < v.thumbs) feedback.push({ name: "thumbs", value: i < v.thumbsUp });
    if (i < v.copied) feedback.push({ name: "copied" });
    if (i >= v.requests - v.regenerated) feedback.push({ name: "regenerated" });
    if (i % 7 < v.editedMod) feedback.push({ name: "edited", value: 0.5 });
    if (i % 11 === 0 && i < v.abandonedBelow) feedback.push({ name: "abandoned" });
    if (i % 50 === 3) feedback.push({ name: "flag.pii", value: true });
    return {
      version: v.version,
      status: i < v.errors ? "error" : "ok",
      costMicros: i < v.costed ? v.costBase + ((i * 37) % 500) : null,
      latencyMs: i < v.latencies ? 200 + ((i * 53) % 1000) * v.latencyScale : undefined,
      feedback,
    };
  });
}

/**
 * Ingestion of one batch, in stages:
 *   1. validate  — each event on its own against core's schemas; bad ones are answered, not thrown
 *   2. policy    — the project's redaction policy and hashing key
 *   3. enrich    — redact, hash user ids, count tokens and cost
 *   4. store     — one transaction, one statement per table, duplicates detected by the database
 *   5. answer    — per event, in input order, only after the commit
 */

import { LoopkitError } from "@loopkit/core";
import { getProject, insertEvents } from "@loopkit/db";
import type { LoopkitServices } from "../services.js";
import { type EnrichmentPolicy, enrichEvent } from "./enrich.js";
import { deriveProjectKey } from "./project-keys.js";
import { type EventResult, validateEvents } from "./validate.js";

/** The answer to a batch: a result per event and the counts. */
export interface IngestResult {
  results: EventResult[];
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** Validates, enriches and stores a batch of mixed events for a project. */
export async function ingestBatch(
  services: LoopkitServices,
  projectId: string,
  events: unknown[],
): Promise<IngestResult> {
  const { valid, results } = validateEvents(events);
  if (valid.length > 0) {
    const policy = await loadPolicy(services, projectId);
    const stored = valid.map(({ event }) => enrichEvent(event, policy));
    const outcomes = await insertEvents(services.db, projectId, stored);
    valid.forEach(({ index, event }, i) => {
      results.set(index, { index, id: event.id, status: outcomes[i]! });
    });
  }
  return summarize(events.length, results);
}

async function loadPolicy(services: LoopkitServices, projectId: string): Promise<EnrichmentPolicy> {
  const project = await getProject(services.db, projectId);
  if (!project) throw new LoopkitError("NOT_FOUND", "the key's project no longer exists");
  return {
    redactPii: project.redactPii,
    userIdKey: deriveProjectKey(services.secret, projectId, "user-id"),
  };
}

function summarize(count: number, byIndex: Map<number, EventResult>): IngestResult {
  const results: EventResult[] = [];
  const totals = { accepted: 0, duplicate: 0, rejected: 0 };
  for (let i = 0; i < count; i++) {
    const result = byIndex.get(i)!;
    totals[result.status]++;
    results.push(result);
  }
  return {
    results,
    accepted: totals.accepted,
    duplicates: totals.duplicate,
    rejected: totals.rejected,
  };
}

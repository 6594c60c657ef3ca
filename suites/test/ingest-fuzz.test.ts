/**
 * Bad input never breaks a batch, proved with fast-check over HTTP against a real server and
 * database: random batches mixing valid events, events broken in one field (wrong types,
 * missing fields, huge strings, deep JSON, numbers and dates out of range, unknown types) and
 * repeated ids. Every batch is answered 200 with one result per event; every rejected event
 * names the broken field and why; the valid events of the same batch are in the database.
 *
 * Expected values come from the event schemas' documented limits (core `LIMITS`, DESIGN.md:
 * "A batch answers per event: accepted, duplicate, or rejected with a reason"), not from
 * running the server's own validator.
 */
import { newEventId } from "@loopkit/core";
import { startTestServer, type TestServer } from "@loopkit/server/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allStoredText } from "../src/database-snapshot.js";
import {
  type FuzzedEvent,
  fuzzedBatch,
  PII_SAMPLES,
  SQL_INJECTIONS,
} from "../src/event-mutations.js";
import { feedbackEvent, logEvent } from "../src/events.js";
import { suiteDriver } from "../src/test-driver.js";

/** Raw PII a misconfigured client might send (the fuzzed events carry it too). */
const PII = PII_SAMPLES;

const figures = { batches: 0, events: 0, accepted: 0, duplicates: 0, rejected: 0 };

describe("ingest.batch under fuzzing", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await suiteDriver());
  });
  afterAll(async () => {
    console.log(`ingest fuzz figures: ${JSON.stringify(figures)}`);
    await server?.close();
  });

  async function storedIds(ids: string[]): Promise<Set<string>> {
    const rows = await server.db.query<{ id: string }>(
      `SELECT id::text AS id FROM requests WHERE project_id = $1 AND id = ANY($2::uuid[])
       UNION ALL SELECT id::text FROM feedback WHERE project_id = $1 AND id = ANY($2::uuid[])
       UNION ALL SELECT id::text FROM exposures WHERE project_id = $1 AND id = ANY($2::uuid[])`,
      [server.a.id, ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  function checkResult(
    item: FuzzedEvent,
    result: { status: string; errors?: { path: string; message: string }[] },
  ) {
    const where = `${item.how}: ${JSON.stringify(result).slice(0, 400)}`;
    expect(result.status, where).toBe(item.expect.status);
    if (item.expect.status === "rejected") {
      expect(result.errors?.length, where).toBeGreaterThan(0);
      for (const error of result.errors ?? []) {
        expect(error.path, where).not.toBe("");
        expect(error.message, where).not.toBe("");
      }
      const field = item.expect.field;
      expect(
        result.errors!.some((e) => e.path === field || e.path.startsWith(`${field}.`)),
        `${where}: must name ${field}`,
      ).toBe(true);
    }
  }

  it("answers every random batch per event, names each rejected field, and stores the valid events", async () => {
    await fc.assert(
      fc.asyncProperty(fuzzedBatch, async (batch) => {
        const answer = await server.mutate(
          "ingest.batch",
          { events: batch.map((b) => b.event) },
          server.a.publicKey,
        );
        expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).toBe(200);
        const { results } = answer.body.result.data;
        expect(results).toHaveLength(batch.length);
        for (const [i, item] of batch.entries()) checkResult(item, results[i]);
        const accepted = batch
          .filter((b) => b.expect.status === "accepted")
          .map((b) => String(b.event.id));
        const stored = await storedIds(accepted);
        for (const id of accepted) expect(stored.has(id), `accepted ${id} is stored`).toBe(true);
        figures.batches++;
        figures.events += batch.length;
        for (const item of batch) {
          if (item.expect.status === "accepted") figures.accepted++;
          else if (item.expect.status === "duplicate") figures.duplicates++;
          else figures.rejected++;
        }
      }),
      { numRuns: 150 },
    );
  }, 180_000);

  it("stores SQL injection strings in every text field verbatim and returns them verbatim", async () => {
    const events = SQL_INJECTIONS.map((s) =>
      logEvent({
        conversationId: s,
        requestId: s,
        sessionId: s,
        promptName: s,
        promptVersion: s,
        experimentKey: s,
        variant: s,
        model: s,
        provider: s,
        input: [{ role: "user", content: s, name: s }],
        output: s,
        errorMessage: s,
        tags: [s],
        metadata: { [s]: s },
      }),
    );
    const answer = await server.mutate("ingest.batch", { events }, server.a.publicKey);
    expect(answer.body.result.data.accepted).toBe(events.length);
    const listed = await server.query("requests.list", { limit: 200 }, server.a.secretKey);
    expect(listed.status).toBe(200);
    for (const [i, s] of SQL_INJECTIONS.entries()) {
      const row = listed.body.result.data.requests.find(
        (r: { id: string }) => r.id === events[i]!.id,
      );
      expect(row, s).toBeDefined();
      for (const field of [
        "conversationId",
        "requestId",
        "sessionId",
        "promptName",
        "promptVersion",
        "experimentKey",
        "variant",
        "model",
        "provider",
        "output",
        "errorMessage",
      ]) {
        expect(row[field], `${field} of ${s}`).toBe(s);
      }
      expect(row.input).toEqual([{ role: "user", content: s, name: s }]);
      expect(row.tags).toEqual([s]);
      expect(row.metadata).toEqual({ [s]: s });
    }
    // And the tables they name are all still there.
    expect((await server.db.query("SELECT count(*) AS n FROM api_keys"))[0]).toMatchObject({
      n: 4,
    });
  });

  it("keeps raw PII and secrets out of every table when the project's redaction policy is on (after the fuzz too)", async () => {
    const project = await server.query("projects.current", undefined, server.a.secretKey);
    expect(project.body.result.data.redactPii).toBe(true);
    const all = Object.values(PII).join(" and ");
    const log = logEvent({
      input: [{ role: "user", content: `mail me at ${all}` }],
      output: `noted: ${all}`,
      errorMessage: `failed for ${all}`,
      metadata: { contact: all, nested: { deeper: [all] } },
      userId: PII.email,
    });
    const events = [
      log,
      feedbackEvent(log.id as string, { name: "comment", value: `it was ${all}`, comment: all }),
      feedbackEvent(log.id as string, {
        name: "note.free",
        kind: "explicit",
        value: all,
        metadata: { all },
      }),
      {
        type: "exposure",
        id: newEventId(),
        timestamp: new Date().toISOString(),
        experimentKey: "e",
        variant: "v",
        unitId: PII.email,
      },
    ];
    const answer = await server.mutate("ingest.batch", { events }, server.a.publicKey);
    expect(answer.body.result.data.accepted).toBe(events.length);
    const stored = (await allStoredText(server.db)).join("\n");
    for (const [kind, value] of Object.entries(PII)) {
      expect(stored.includes(value), `raw ${kind} stored`).toBe(false);
    }
  });
});

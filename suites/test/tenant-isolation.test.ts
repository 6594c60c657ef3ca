/**
 * Tenant isolation, proved over HTTP against a real server and database, for every procedure the
 * router has (enumerated from `appRouter`, so a procedure added later is covered at once):
 *
 * - with project A's keys, a call naming project B's identifiers (run, approval, key, request,
 *   prompt, version, experiment, conversation) answers exactly as the same call naming
 *   identifiers nobody has: same status, same error code and message, same data — so A can
 *   neither read B's data nor infer that it exists (no count, id or error differs);
 * - no answer A receives carries B's project id, keys or any text stored only in B;
 * - afterwards every row of B, in every table with a project_id, is byte-for-byte unchanged.
 */

import { type OpenAITestServer, startOpenAITestServer } from "@loopkit/openai-test-server";
import type { TestServer } from "@loopkit/server/testing";
import { startTestServer } from "@loopkit/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ghostValues, normalizeAnswer } from "../src/answers.js";
import { snapshotProject } from "../src/database-snapshot.js";
import { inputsFor } from "../src/procedure-inputs.js";
import { listProcedures } from "../src/procedures.js";
import { type SeededProject, seedProject } from "../src/seed-project.js";
import { suiteDriver } from "../src/test-driver.js";

const procedures = listProcedures();

describe("tenant isolation", () => {
  let llm: OpenAITestServer;
  let server: TestServer;
  let b: SeededProject;

  beforeAll(async () => {
    llm = await startOpenAITestServer();
    server = await startTestServer(
      await suiteDriver(),
      {},
      { llm: { baseURL: llm.baseURL, apiKey: "test-key", model: "test-model" } },
    );
    await seedProject(server, server.a, "a");
    b = await seedProject(server, server.b, "b");
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await llm?.close();
  });

  const call = (path: string, type: string, input: unknown, key: string) =>
    type === "query" ? server.query(path, input, key) : server.mutate(path, input, key);

  it("enumerates the router (a new procedure is covered without editing this suite)", () => {
    expect(procedures.length).toBeGreaterThanOrEqual(30);
    expect(procedures.map((p) => p.path)).toContain("ingest.batch");
  });

  it("answers A's calls naming B's data exactly as calls naming nothing, leaks nothing of B, changes nothing of B", async () => {
    const before = await snapshotProject(server.db, server.b.id);
    const forbidden = [server.b.id, server.b.publicKey, server.b.secretKey, b.contentMarker];
    const ghosts = ghostValues(b.values);
    let calls = 0;
    for (const procedure of procedures) {
      for (const key of [server.a.secretKey, server.a.publicKey]) {
        const probes = inputsFor(procedure.input, b.values);
        const controls = inputsFor(procedure.input, ghosts);
        for (const [i, probe] of probes.entries()) {
          const onB = await call(procedure.path, procedure.type, probe, key);
          const onNothing = await call(procedure.path, procedure.type, controls[i], key);
          calls += 2;
          const where = `${procedure.path} with A's ${key === server.a.publicKey ? "public" : "secret"} key`;
          expect(onB.status, `${where}: ${JSON.stringify(onB.body)}`).toBeLessThan(500);
          expect(normalizeAnswer(onB, [b.values, ghosts]), where).toBe(
            normalizeAnswer(onNothing, [b.values, ghosts]),
          );
          const text = JSON.stringify(onB.body);
          for (const secret of forbidden) expect(text, where).not.toContain(secret);
        }
      }
    }
    // ingest.batch: A resending B's event ids and giving feedback on B's request stores A's own
    // copies ("accepted", not "duplicate", which would reveal B's ids) and leaves B's rows alone.
    const sameIds = await server.mutate(
      "ingest.batch",
      {
        events: [
          {
            type: "feedback",
            id: b.values.requestId,
            timestamp: new Date().toISOString(),
            requestId: b.values.requestId,
            kind: "explicit",
            name: "thumbs",
            value: false,
          },
        ],
      },
      server.a.publicKey,
    );
    expect(sameIds.body.result.data.results[0].status).toBe("accepted");
    expect(calls).toBeGreaterThan(procedures.length * 2);
    expect(await snapshotProject(server.db, server.b.id)).toEqual(before);
  }, 120_000);

  it("gives A's ids no gaps that count B's activity (audit ids are numbered per project)", async () => {
    const gap = async (bWrites: number) => {
      const create = (key: string, promptName: string) =>
        server.mutate("prompts.create", { promptName, version: "1" }, key);
      const history = async (promptName: string) =>
        (await server.query("prompts.history", { promptName, version: "1" }, server.a.secretKey))
          .body.result.data[0].id as number;
      const first = `gap-${bWrites}-first`;
      const second = `gap-${bWrites}-second`;
      await create(server.a.secretKey, first);
      for (let i = 0; i < bWrites; i++) await create(server.b.secretKey, `b-${bWrites}-${i}`);
      await create(server.a.secretKey, second);
      return (await history(second)) - (await history(first));
    };
    expect(await gap(5)).toBe(await gap(0));
  });
});

import { randomUUID } from "node:crypto";
import type { TestProject, TestServer } from "@loopkit/server/testing";
import { exposureEvent, feedbackEvent, logEvent } from "./events.js";
import type { FieldValues } from "./procedure-inputs.js";

/** A project filled with data of every kind through the API, and what identifies that data. */
export interface SeededProject {
  /** Identifiers by input field name (`runId`, `approvalId`, `promptName`, `key`…). */
  values: FieldValues;
  /** A string stored only in this project's contents (outputs, comments, templates). */
  contentMarker: string;
}

async function ok(response: Promise<{ status: number; body: unknown }>, what: string) {
  const answer = await response;
  if (answer.status !== 200) {
    throw new Error(`seeding failed at ${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  // biome-ignore lint/suspicious/noExplicitAny: answers are read loosely in seeding
  return (answer.body as any).result.data;
}

/**
 * Gives a project logs, feedback, exposures, a shadow log, prompt versions with a pending
 * promotion, a running experiment, a finished evaluation run and an extra key, all through the
 * HTTP API with the project's own keys (the server must have an LLM endpoint configured).
 */
export async function seedProject(
  server: TestServer,
  project: TestProject,
  label: string,
): Promise<SeededProject> {
  const contentMarker = `content-${label}-${randomUUID()}`;
  const promptName = `prompt-${label}`;
  const experimentKey = `exp-${label}`;
  const conversationId = `conv-${label}`;
  const [v1, v2, v3] = [`${label}-v1`, `${label}-v2`, `${label}-v3`];
  const logs = [v1, v1, v1, v2].map((version, i) =>
    logEvent({
      promptName,
      promptVersion: version,
      conversationId,
      experimentKey,
      variant: i % 2 === 0 ? "control" : "treatment",
      input: `question ${i} ${contentMarker}`,
      output: `answer ${i} ${contentMarker}`,
      tags: [`tag-${label}`],
      userId: `user-${label}`,
    }),
  );
  const requestId = logs[0]!.id as string;
  const shadow = logEvent({
    promptName,
    promptVersion: v3,
    shadowOf: requestId,
    output: `shadow ${contentMarker}`,
  });
  await ok(
    server.mutate(
      "ingest.batch",
      {
        events: [
          ...logs,
          shadow,
          feedbackEvent(requestId, { comment: `fine ${contentMarker}` }),
          feedbackEvent(requestId, {
            kind: "outcome",
            name: "task_succeeded",
            value: true,
            requestId: undefined,
            conversationId,
          }),
          exposureEvent({ experimentKey, variant: "control", unitId: `unit-${label}` }),
        ],
      },
      project.publicKey,
    ),
    "ingest.batch",
  );
  const key = project.secretKey;
  for (const version of [v1, v2]) {
    await ok(
      server.mutate(
        "prompts.create",
        {
          promptName,
          version,
          template: `Answer ${contentMarker}: {{input}}`,
          model: "test-model",
        },
        key,
      ),
      "prompts.create",
    );
  }
  for (const to of ["shadow", "experiment"]) {
    await ok(
      server.mutate("prompts.transition", { promptName, version: v2, to }, key),
      "prompts.transition",
    );
  }
  const approval = await ok(
    server.mutate(
      "prompts.requestPromotion",
      { promptName, version: v2, requestedBy: "Alice Example", comment: contentMarker },
      key,
    ),
    "prompts.requestPromotion",
  );
  await ok(
    server.mutate(
      "experiments.create",
      { key: experimentKey, promptName, variants: [{ key: "control" }, { key: "treatment" }] },
      key,
    ),
    "experiments.create",
  );
  await ok(server.mutate("experiments.start", { key: experimentKey }, key), "experiments.start");
  const run = await ok(
    server.mutate(
      "evaluations.start",
      { kind: "rubric", version: v1, sample: { size: 3, promptName }, concurrency: 2 },
      key,
    ),
    "evaluations.start",
  );
  for (let i = 0; ; i++) {
    const got = await ok(
      server.query("evaluations.get", { runId: run.id }, key),
      "evaluations.get",
    );
    if (!["pending", "running"].includes(got.status)) break;
    if (i > 400) throw new Error(`seeding: evaluation run ${run.id} did not finish in 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const extraKey = await ok(
    server.mutate("projects.createKey", { kind: "public" }, key),
    "projects.createKey",
  );
  return {
    contentMarker,
    values: {
      runId: run.id,
      approvalId: approval.id,
      keyId: extraKey.record.id,
      key: experimentKey,
      experimentKey,
      promptName,
      version: v2,
      baseline: v1,
      candidate: v2,
      candidateVersion: v3,
      promptVersion: v1,
      requestId,
      conversationId,
    },
  };
}

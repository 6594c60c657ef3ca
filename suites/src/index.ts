/**
 * `@loopkit/suites` (private): the helpers the reliability and security suites in `test/` share —
 * router enumeration, schema-driven inputs, project seeding and snapshots, real server processes
 * and a private PostgreSQL cluster.
 */
export { ghostValues, normalizeAnswer } from "./answers.js";
export { allStoredText, projectTables, snapshotProject } from "./database-snapshot.js";
export {
  type Expectation,
  type FuzzedEvent,
  fuzzedBatch,
  PII_SAMPLES,
  SQL_INJECTIONS,
  text,
  validEvent,
  type WireEvent,
} from "./event-mutations.js";
export { exposureEvent, feedbackEvent, logEvent } from "./events.js";
export { adminUrl, createScratchDatabase } from "./postgres-database.js";
export {
  type PrivatePostgres,
  postgresBinaries,
  privatePostgresUnavailable,
  startPrivatePostgres,
} from "./private-postgres.js";
export { type FieldValues, inputsFor } from "./procedure-inputs.js";
export { type JsonSchema, listProcedures, type ProcedureInfo } from "./procedures.js";
export { type SeededProject, seedProject } from "./seed-project.js";
export {
  freePort,
  SERVER_ENTRY,
  type ServerProcess,
  startServerProcess,
  stopServerProcess,
} from "./server-process.js";
export { suiteDriver } from "./test-driver.js";

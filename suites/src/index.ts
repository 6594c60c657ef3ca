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
  SQL_INJECTIONS,
  text,
  validEvent,
  type WireEvent,
} from "./event-mutations.js";
export { exposureEvent, feedbackEvent, logEvent } from "./events.js";
export { type FieldValues, inputsFor } from "./procedure-inputs.js";
export { type JsonSchema, listProcedures, type ProcedureInfo } from "./procedures.js";
export { type SeededProject, seedProject } from "./seed-project.js";
export { suiteDriver } from "./test-driver.js";

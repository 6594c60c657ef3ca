import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createDatabase, createProject, type Database, migrate } from "@loopkit/db";
import { createLoopkitServices, createNodeHandler, issueApiKey } from "@loopkit/server";

/** A Loopkit HTTP server over a database the test owns, so it can be stopped and started again. */
export interface ServedLoopkit {
  url: string;
  port: number;
  /** Stops taking requests and drops open connections at once (in-flight requests fail). */
  stop(): Promise<void>;
}

/**
 * Serves the real Loopkit router (`@loopkit/server`'s node handler) over `db` on `port`
 * (0 = a random one). `@loopkit/server/testing` always opens a fresh database; a restart test
 * needs a second server on the same one, hence this.
 */
export async function serveLoopkit(db: Database, port = 0): Promise<ServedLoopkit> {
  const services = createLoopkitServices({ db, secret: "restart-test-secret-0123456789abcdef" });
  const handler = createNodeHandler(services);
  const server = createServer((req, res) => {
    if (!handler(req, res)) {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Opens (creating when missing) a PGlite database in `dataDir`, migrated. */
export async function openDataDir(dataDir: string): Promise<Database> {
  const db = await createDatabase({ dataDir });
  await migrate(db);
  return db;
}

/** Creates a project and its public key. */
export async function newProject(db: Database, name: string) {
  const project = await createProject(db, { name });
  const key = await issueApiKey(db, project.id, "public");
  return { id: project.id, publicKey: key.key };
}

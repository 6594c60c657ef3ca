/**
 * Test support (`@loopkit/server/testing`): a real Loopkit HTTP server on a random port over a
 * fresh test database, with two projects, for the tests of this and other packages.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createProject, type Database } from "@loopkit/db";
import { openTestDatabase, type TestDriver } from "@loopkit/db/testing";
import { createNodeHandler } from "./http/node.js";
import { issueApiKey } from "./routers/projects.js";
import {
  createLoopkitServices,
  type JudgeLlmSettings,
  type LoopkitServices,
  type LoopkitServicesOptions,
  type ServerLimits,
} from "./services.js";

/** A project with its two keys. */
export interface TestProject {
  id: string;
  publicKey: string;
  secretKey: string;
}

/** An answer as tests read it (the JSON body loosely typed). */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary answer shapes
export type TestResponse = { status: number; body: any; headers: Headers };

/** A real HTTP server on a random port over a fresh database of one driver. */
export interface TestServer {
  url: string;
  db: Database;
  services: LoopkitServices;
  adminToken: string;
  a: TestProject;
  b: TestProject;
  /** POSTs JSON to a procedure (mutation) with a bearer token. */
  mutate(path: string, body: unknown, token?: string): Promise<TestResponse>;
  /** GETs a procedure (query) with a bearer token. */
  query(path: string, input: unknown, token?: string): Promise<TestResponse>;
  close(): Promise<void>;
}

export const ADMIN_TOKEN = "admin-token-for-tests-0123456789abcdef";

async function makeProject(db: Database, name: string): Promise<TestProject> {
  const project = await createProject(db, { name });
  const pub = await issueApiKey(db, project.id, "public");
  const sec = await issueApiKey(db, project.id, "secret");
  return { id: project.id, publicKey: pub.key, secretKey: sec.key };
}

/**
 * Starts a server with two projects (A and B) for isolation tests, on a fresh database of
 * `driver`, or on `options.db` (a migrated database the test opened itself, e.g. with a small
 * pool; closed with the server); `options.onInputRefused` replaces the warning on the console.
 */
export async function startTestServer(
  driver: TestDriver,
  limits: Partial<ServerLimits> = {},
  options: {
    llm?: JudgeLlmSettings;
    db?: Database;
    onInputRefused?: LoopkitServicesOptions["onInputRefused"];
  } = {},
): Promise<TestServer> {
  const db = options.db ?? (await openTestDatabase(driver));
  const services = createLoopkitServices({
    db,
    secret: "test-secret-0123456789abcdef0123456789",
    adminToken: ADMIN_TOKEN,
    limits,
    ...(options.llm ? { llm: options.llm } : {}),
    ...(options.onInputRefused ? { onInputRefused: options.onInputRefused } : {}),
  });
  const handler = createNodeHandler(services, { corsOrigins: ["https://app.example"] });
  const server = createServer((req, res) => {
    if (!handler(req, res)) {
      res.statusCode = 404;
      res.end();
    }
  });
  // As apps/server does: with Node's 5 s default, a test that stalls the event loop past it
  // (opening a second PGlite) could send its next fetch on a kept-alive socket the server is
  // closing at that moment, which fails with ECONNRESET (nodejs/undici#3141).
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const a = await makeProject(db, "A");
  const b = await makeProject(db, "B");
  const send = async (method: string, path: string, input: unknown, token?: string) => {
    const query =
      method === "GET" && input !== undefined
        ? `?input=${encodeURIComponent(JSON.stringify(input))}`
        : "";
    const response = await fetch(`${url}/trpc/${path}${query}`, {
      method,
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(method === "POST" ? { body: JSON.stringify(input) } : {}),
    });
    return {
      status: response.status,
      body: await response.json().catch(() => null),
      headers: response.headers,
    };
  };
  return {
    url,
    db,
    services,
    adminToken: ADMIN_TOKEN,
    a,
    b,
    mutate: (path, body, token) => send("POST", path, body, token),
    query: (path, input, token) => send("GET", path, input, token),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.backgroundRuns.stopAll();
      await db.close();
    },
  };
}

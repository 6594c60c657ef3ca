/**
 * tRPC set-up, top to bottom: the context (who calls, with which services), the tRPC instance
 * with an error shape that carries Loopkit's stable codes, and the procedure tiers:
 * `publicProcedure` (anyone), `projectProcedure` (a public or secret key of a project, held to
 * the key's request rate), `ingestProcedure` (the same, behind the in-flight gate), `secretProcedure`
 * (a secret key) and `adminProcedure` (the admin token).
 */
import { type FieldIssue, LoopkitError, type LoopkitErrorCode, toFieldIssues } from "@loopkit/core";
import { initTRPC, TRPCError } from "@trpc/server";
import type { z } from "zod";
import { bearerToken, type Caller, resolveCaller } from "./auth/resolve.js";
import { databaseFault, inputFault } from "./database-faults.js";
import type { LoopkitServices } from "./services.js";

/** Per-request context. */
export interface Context {
  services: LoopkitServices;
  /**
   * Who calls. Resolved on first use, once per request, and not before: the key lookup is
   * database work, and ingestion takes its in-flight slot first.
   */
  caller(): Promise<Caller>;
  /** The request's `x-request-id` (for logs), or null for an in-process call. */
  requestId: string | null;
}

/**
 * Builds the context of one request from its `Authorization` header, or from `urlKey`: the key
 * of a `?key=` query parameter (sendBeacon), which only a public key may use. `requestId` is
 * the request's `x-request-id`, for the logs.
 */
export function createContext(
  services: LoopkitServices,
  authorization: string | null | undefined,
  options: { urlKey?: string; requestId?: string } = {},
): Context {
  const token = options.urlKey ?? bearerToken(authorization);
  let resolved: Promise<Caller> | undefined;
  return {
    services,
    requestId: options.requestId ?? null,
    caller: () =>
      (resolved ??= resolveCaller(services.db, token, services.adminToken, {
        publicOnly: options.urlKey !== undefined,
      })),
  };
}

const TRPC_CODE: Record<LoopkitErrorCode, TRPCError["code"]> = {
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  INVALID_INPUT: "BAD_REQUEST",
  INVALID_EVENT: "BAD_REQUEST",
  BATCH_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  OVERLOADED: "TOO_MANY_REQUESTS",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  DATABASE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  CONFLICT: "CONFLICT",
  INVALID_CONFIG: "BAD_REQUEST",
  MIGRATION_FAILED: "INTERNAL_SERVER_ERROR",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

/** Converts a Loopkit error into the tRPC error that carries the same code and message. */
export function toTRPCError(error: LoopkitError): TRPCError {
  return new TRPCError({ code: TRPC_CODE[error.code], message: error.message, cause: error });
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    // Loopkit's code when there is one; tRPC's own otherwise (METHOD_NOT_SUPPORTED…).
    const loopkitCode =
      cause instanceof LoopkitError
        ? cause.code
        : error.code === "BAD_REQUEST"
          ? "INVALID_INPUT"
          : error.code === "INTERNAL_SERVER_ERROR"
            ? "INTERNAL"
            : error.code;
    // Bad input names each field: `issues: [{ path: "variants.1.weight", message }]`.
    const issues: FieldIssue[] | undefined =
      error.code === "BAD_REQUEST" && isZodError(cause) ? toFieldIssues(cause) : undefined;
    return {
      ...shape,
      // Internal failures never leak their message (it may hold SQL or data).
      message:
        error.code === "INTERNAL_SERVER_ERROR"
          ? "internal error"
          : issues
            ? `invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`
            : shape.message,
      data: { ...shape.data, stack: undefined, loopkitCode, ...(issues ? { issues } : {}) },
    };
  },
});

function isZodError(value: unknown): value is z.ZodError {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as { issues?: unknown }).issues) &&
    (value as { name?: unknown }).name === "ZodError"
  );
}

/** Builds a router from procedures. */
export const createTRPCRouter = t.router;
/** Makes in-process callers of a router (scripts and tests that skip HTTP). */
export const createCallerFactory = t.createCallerFactory;

const unauthorized = () =>
  new TRPCError({
    code: "UNAUTHORIZED",
    message: "send a valid API key as 'Authorization: Bearer <key>'",
  });

/**
 * Turns a `LoopkitError` thrown by a repository or library (NOT_FOUND, CONFLICT, INVALID_INPUT…)
 * into the tRPC error of the same meaning, so it answers 404/409/400 rather than 500; a
 * database that is down or saturated into 503 `DATABASE_UNAVAILABLE` or 429 `OVERLOADED`; and
 * a value the database refused (NUL, a number beyond its column…) into 400 `INVALID_INPUT`,
 * reported to `onInputRefused`: the input schema should have refused it.
 */
const loopkitErrors = t.middleware(async ({ ctx, path, next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof LoopkitError && cause.code !== "INTERNAL") throw toTRPCError(cause);
  const fault = databaseFault(cause);
  if (fault) throw toTRPCError(fault);
  const refused = inputFault(cause, path);
  if (refused) {
    ctx.services.onInputRefused({
      requestId: ctx.requestId,
      procedure: path,
      sqlstate: refused.sqlstate,
      databaseMessage: refused.databaseMessage,
    });
    throw toTRPCError(refused.error);
  }
  return result;
});

const base = t.procedure.use(loopkitErrors);

/**
 * Requires a key of a project and counts the call against the key's request rate; the project
 * comes from the key, never from input.
 */
const projectKey = t.middleware(async ({ ctx, next }) => {
  const caller = await ctx.caller();
  if (caller.type !== "key") throw unauthorized();
  ctx.services.rateLimits.request(caller.keyId);
  return next({
    ctx: { projectId: caller.projectId, keyKind: caller.kind, keyId: caller.keyId },
  });
});

/**
 * Holds an ingest slot for the whole call, or refuses with `OVERLOADED` when all are taken. It
 * runs before any database work (the key lookup included), so a stalled database is answered
 * with 429 at once instead of queueing requests on its connection pool.
 */
const inFlightGate = t.middleware(({ ctx, next }) => ctx.services.ingestGate.run(() => next()));

/** Anyone may call. */
export const publicProcedure = base;

/** Any key of a project (public or secret). */
export const projectProcedure = base.use(projectKey);

/** Any key of a project, for event ingestion: bounded by the in-flight gate first. */
export const ingestProcedure = base.use(inFlightGate).use(projectKey);

/** A secret key: everything in its project. */
export const secretProcedure = projectProcedure.use(({ ctx, next }) => {
  if (ctx.keyKind !== "secret") {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "this procedure needs the project's secret key; public keys may only send events",
    });
  }
  return next();
});

/** The admin token from the server's environment (project management). */
export const adminProcedure = base.use(async ({ ctx, next }) => {
  if ((await ctx.caller()).type !== "admin") {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: "send the admin token (LOOPKIT_ADMIN_TOKEN) as 'Authorization: Bearer <token>'",
    });
  }
  return next();
});

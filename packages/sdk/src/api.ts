import type { AppRouter } from "@loopkit/server";
import type { AnyProcedure, inferProcedureInput, inferProcedureOutput } from "@trpc/server";
import type { FetchLike } from "./transport.js";

type Procedures = AppRouter["_def"]["record"];
type Paths<R, Prefix extends string = ""> = {
  [K in keyof R & string]: R[K] extends AnyProcedure
    ? `${Prefix}${K}`
    : Paths<R[K], `${Prefix}${K}.`>;
}[keyof R & string];
type ProcedureAt<R, Path extends string> = Path extends `${infer Head}.${infer Rest}`
  ? Head extends keyof R
    ? ProcedureAt<R[Head], Rest>
    : never
  : Path extends keyof R
    ? R[Path]
    : never;
type InputOf<P extends ProcedurePath> =
  ProcedureAt<Procedures, P> extends infer Proc extends AnyProcedure
    ? inferProcedureInput<Proc>
    : never;
type OutputOf<P extends ProcedurePath> =
  ProcedureAt<Procedures, P> extends infer Proc extends AnyProcedure
    ? inferProcedureOutput<Proc>
    : never;

/** Every procedure path of the API, such as `metrics.compareVersions`. */
export type ProcedurePath = Paths<Procedures>;

/** An error answered by the server: its stable code and message. */
export class LoopkitApiError extends Error {
  override readonly name = "LoopkitApiError";
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Typed calls to any procedure over tRPC's HTTP protocol (queries as GET with `?input=`,
 * mutations as POST), typed by the server's router without bundling any server code.
 */
export function createApiClient(options: { baseUrl: string; apiKey: string; fetch?: FetchLike }) {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  async function call(method: "GET" | "POST", path: string, input: unknown): Promise<unknown> {
    const query =
      method === "GET" && input !== undefined
        ? `?input=${encodeURIComponent(JSON.stringify(input))}`
        : "";
    const response = await fetchFn(`${baseUrl}/trpc/${path}${query}`, {
      method,
      headers: { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json" },
      ...(method === "POST" ? { body: JSON.stringify(input ?? null) } : {}),
    });
    const body = (await response.json().catch(() => null)) as {
      result?: { data?: unknown };
      error?: { message?: string; data?: { loopkitCode?: string } };
    } | null;
    if (response.ok && body?.result) return body.result.data;
    throw new LoopkitApiError(
      body?.error?.data?.loopkitCode ?? `HTTP_${response.status}`,
      response.status,
      body?.error?.message ?? `HTTP ${response.status}`,
    );
  }
  return {
    /** Calls a query procedure. */
    query<P extends ProcedurePath>(path: P, input?: InputOf<P>): Promise<OutputOf<P>> {
      return call("GET", path, input) as Promise<OutputOf<P>>;
    },
    /** Calls a mutation procedure. */
    mutate<P extends ProcedurePath>(path: P, input?: InputOf<P>): Promise<OutputOf<P>> {
      return call("POST", path, input) as Promise<OutputOf<P>>;
    },
  };
}

import type { AppRouter } from "@loopkit/server";
import type { AnyProcedure, inferProcedureInput, inferProcedureOutput } from "@trpc/server";
import { callProcedure, type FetchLike } from "./transport.js";

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

/**
 * Typed calls to any procedure over tRPC's HTTP protocol (queries as GET with `?input=`,
 * mutations as POST), typed by the server's router without bundling any server code. Errors
 * reject with {@link LoopkitApiError} (the server's stable code, or `NETWORK_ERROR`).
 */
export function createApiClient(options: { baseUrl: string; apiKey: string; fetch?: FetchLike }) {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const url = (path: string, query = "") => `${baseUrl}/trpc/${path}${query}`;
  return {
    /** Calls a query procedure. */
    query<P extends ProcedurePath>(path: P, input?: InputOf<P>): Promise<OutputOf<P>> {
      const query =
        input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
      return callProcedure(fetchFn, url(path, query), options.apiKey) as Promise<OutputOf<P>>;
    },
    /** Calls a mutation procedure. */
    mutate<P extends ProcedurePath>(path: P, input?: InputOf<P>): Promise<OutputOf<P>> {
      const body = JSON.stringify(input ?? null);
      return callProcedure(fetchFn, url(path), options.apiKey, body) as Promise<OutputOf<P>>;
    },
  };
}

/** A typed API client, as {@link createApiClient} makes it. */
export type ApiClient = ReturnType<typeof createApiClient>;

/**
 * tRPC's Node adapter (`@trpc/server/adapters/standalone`), step for step, except for how a
 * JSON body is read: tRPC streams the Node request into a Fetch `Request` and reads it back with
 * `Request#text()` (a web stream, undici's copy of its chunks into one buffer, a `TextDecoder`);
 * here the body is read as Buffers by {@link readBody} and the `Request` tRPC gets answers
 * `text()` with it. Everything else — routing, context, errors and
 * their status codes, batching, response headers — is tRPC's own `resolveResponse`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  createURL,
  incomingMessageToRequest,
  internal_exceptionHandler,
} from "@trpc/server/adapters/node-http";
import { type ResponseMetaFn, resolveResponse } from "@trpc/server/http";
import { type AppRouter, appRouter } from "../root.js";
import type { Context } from "../trpc.js";
import { readBody } from "./json-body.js";

/** What {@link serveTrpc} needs besides the request. */
export interface TrpcNodeOptions {
  /** The path the API is mounted under, without slashes around it (`trpc`). */
  basePath: string;
  /** Bodies over this many bytes are refused with 413 while they are read. */
  maxBodyBytes: number;
  /** The context of this request. */
  createContext: () => Context;
  /** Extra headers of an answer (`Retry-After`). */
  responseMeta: ResponseMetaFn<AppRouter>;
}

/** A Fetch `Request` whose body is already being read from the Node request. */
class NodeBodyRequest extends Request {
  readonly #text: Promise<string>;

  constructor(url: URL, init: RequestInit, text: Promise<string>) {
    super(url, init);
    this.#text = text;
  }

  /** The body, read by {@link readBody}: the only way tRPC reads a JSON body. */
  override text(): Promise<string> {
    return this.#text;
  }
}

/**
 * Answers a Node request with the tRPC router, as the standalone adapter would. Never rejects:
 * a failure is answered as the adapter does (a 500 in tRPC's error shape).
 */
export async function serveTrpc(
  req: IncomingMessage,
  res: ServerResponse,
  options: TrpcNodeOptions,
): Promise<void> {
  let path = "";
  try {
    const url = createURL(req);
    path = trimSlashes(trimSlashes(url.pathname).slice(options.basePath.length));
    const request = isJsonBody(req)
      ? jsonRequest(req, res, url, options.maxBodyBytes)
      : incomingMessageToRequest(req, res, { maxBodySize: options.maxBodyBytes });
    const response = await resolveResponse({
      router: appRouter,
      req: request,
      path,
      error: null,
      createContext: async () => options.createContext(),
      responseMeta: options.responseMeta,
    });
    await writeResponse(res, response);
  } catch (cause) {
    internal_exceptionHandler({
      req,
      res,
      path,
      router: appRouter,
      createContext: options.createContext,
    })(cause);
  }
}

/** A body tRPC reads with `text()`: JSON, not yet read by the host (no `req.body`). */
function isJsonBody(req: IncomingMessage): boolean {
  if (req.method === "GET" || req.method === "HEAD" || "body" in req || req.readableEnded) {
    return false;
  }
  const type = req.headers["content-type"]?.toLowerCase().split(";", 1)[0]?.trim();
  return type === "application/json";
}

/** The request tRPC's `incomingMessageToRequest` builds, with its body read by {@link readBody}. */
function jsonRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  maxBodyBytes: number,
): Request {
  const text = readBody(req, maxBodyBytes);
  // Read only if a procedure asks for its input; a refusal before then is not an error here.
  text.catch(() => {});
  const aborted = new AbortController();
  res.once("close", () => {
    if (!res.writableEnded) aborted.abort();
  });
  return new NodeBodyRequest(
    url,
    { method: req.method, headers: fetchHeaders(req), signal: aborted.signal },
    text,
  );
}

/** The request's headers as Fetch `Headers`, without HTTP/2 pseudo-headers (`:path`…). */
function fetchHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(":") || value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.append(name, value);
  }
  return headers;
}

/** Writes tRPC's answer: its status (unless the host set one), headers and body. */
async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  if (res.statusCode === 200) res.statusCode = response.status;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  if (!response.body) {
    res.end();
    return;
  }
  // biome-ignore lint/suspicious/noExplicitAny: Node's and the DOM's ReadableStream types differ
  await pipeline(Readable.fromWeb(response.body as any), res);
}

/** `path` without one leading and one trailing slash (`/trpc/` → `trpc`). */
export function trimSlashes(path: string): string {
  return path.replace(/^\/|\/$/g, "");
}

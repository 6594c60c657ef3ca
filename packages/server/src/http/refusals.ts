import { LoopkitError, type LoopkitErrorCode } from "@loopkit/core";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { toTRPCError } from "../trpc.js";

/** An answer the HTTP layer gives before tRPC runs, in the shape of a tRPC error answer. */
export interface Refusal {
  status: number;
  /** The JSON body: `{ error: { message, code, data: { code, httpStatus, loopkitCode } } }`. */
  body: string;
}

/** A refusal with a stable Loopkit code and a message saying what to change. */
export function refusal(code: LoopkitErrorCode, message: string): Refusal {
  const error = toTRPCError(new LoopkitError(code, message));
  const status = getHTTPStatusCodeFromError(error);
  return {
    status,
    body: JSON.stringify({
      error: {
        message,
        code: TRPC_ERROR_CODES_BY_KEY[error.code],
        data: { code: error.code, httpStatus: status, loopkitCode: code },
      },
    }),
  };
}

/** The refusal of a body over `limit` bytes (413), before or while it is read. */
export function tooLarge(limit: number): Refusal {
  return refusal(
    "PAYLOAD_TOO_LARGE",
    `the request body is larger than ${limit} bytes; send smaller batches`,
  );
}

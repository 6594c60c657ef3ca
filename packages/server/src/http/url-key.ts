import { isApiKeyOfKind } from "../auth/api-keys.js";
import { type Refusal, refusal } from "./refusals.js";

/** The one procedure that takes its key from the URL: `navigator.sendBeacon` cannot set headers. */
const URL_KEY_PROCEDURE = "ingest.batch";

/** Where a request's key is, as far as the URL is concerned. */
export type UrlKey =
  /** No `key` parameter: the key, if any, is in the `Authorization` header. */
  | { type: "none" }
  /** A public key in `?key=` on `ingest.batch`; the body may be `text/plain`. */
  | { type: "key"; key: string }
  | { type: "refused"; refusal: Refusal };

/**
 * Reads the `key` query parameter that `navigator.sendBeacon` callers use
 * (`POST /trpc/ingest.batch?key=<public key>`, body `text/plain`). It is refused on any other
 * procedure, next to an `Authorization` header, and for anything but a public key: a secret key
 * or the admin token in a URL leaks into proxy and access logs. The key is never echoed back.
 */
export function readUrlKey(
  procedurePath: string,
  search: URLSearchParams,
  hasAuthorization: boolean,
): UrlKey {
  const key = search.get("key");
  if (key === null) return { type: "none" };
  if (!isApiKeyOfKind(key, "public")) {
    return refused(
      "only a public key (lk_pub_…) may be sent in the URL: URLs end up in logs. Send secret keys and the admin token only as 'Authorization: Bearer <key>', and rotate a secret key that was sent in a URL (projects.rotateKey)",
    );
  }
  if (procedurePath !== URL_KEY_PROCEDURE) {
    return refused(
      `the key query parameter is accepted only by ${URL_KEY_PROCEDURE} (for navigator.sendBeacon); send 'Authorization: Bearer <key>' instead`,
    );
  }
  if (hasAuthorization) {
    return refused(
      "send the key either as 'Authorization: Bearer <key>' or in the key query parameter, not both",
    );
  }
  return { type: "key", key };
}

function refused(message: string): UrlKey {
  return { type: "refused", refusal: refusal("INVALID_INPUT", message) };
}

/** True for a `text/plain` content type (with any parameters), as `sendBeacon` sends a string. */
export function isTextPlain(contentType: string | null | undefined): boolean {
  return contentType?.split(";", 1)[0]?.trim().toLowerCase() === "text/plain";
}

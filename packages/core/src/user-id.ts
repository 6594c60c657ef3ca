const encoder = new TextEncoder();

function toHex(bytes: ArrayBuffer): string {
  let hex = "";
  for (const b of new Uint8Array(bytes)) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/**
 * Hashes an end user's id with a secret (HMAC-SHA256 via WebCrypto, so it runs in browsers and
 * Node alike), so that user ids are stored only as keyed hashes: the same id and secret always
 * give the same hash, and without the secret the id cannot be recovered by guessing.
 *
 * @param id - The raw user id.
 * @param secret - The HMAC key: a string (UTF-8 encoded) or raw bytes; keep it on the server.
 * @returns The HMAC as 64 lower-case hex characters.
 */
export async function hashUserId(id: string, secret: string | Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    typeof secret === "string" ? encoder.encode(secret) : new Uint8Array(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return toHex(await crypto.subtle.sign("HMAC", key, encoder.encode(id)));
}

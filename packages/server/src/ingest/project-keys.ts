import { createHmac } from "node:crypto";

/**
 * The key a project's HMACs use for one purpose (`user-id`, `pseudonym`), derived from the server
 * secret, so that no per-project secret is stored and two projects never share hashes.
 */
export function deriveProjectKey(secret: string, projectId: string, purpose: string): string {
  return createHmac("sha256", secret).update(`${purpose}:${projectId}`).digest("hex");
}

import type { InitialKeys } from "./bootstrap.js";

/**
 * What the first start prints (once: the database keeps only hashes). New random keys are shown
 * so they can be saved; keys given in LOOPKIT_INIT_PUBLIC_KEY / LOOPKIT_INIT_SECRET_KEY are
 * already in the operator's environment, so the banner says where they came from and prints
 * neither (the secret one would otherwise land in container and CI logs).
 */
export function firstStartBanner(keys: InitialKeys, fromEnvironment: boolean): string {
  const lines = fromEnvironment
    ? [
        `Created the default project (${keys.projectId}) with the keys from LOOPKIT_INIT_PUBLIC_KEY`,
        "and LOOPKIT_INIT_SECRET_KEY; they are not printed.",
      ]
    : [
        "Created the default project. Save these keys now; they are not shown again:",
        `  public key (browsers, events only): ${keys.publicKey}`,
        `  secret key (servers, everything):   ${keys.secretKey}`,
      ];
  return ["", ...lines, ""].join("\n");
}

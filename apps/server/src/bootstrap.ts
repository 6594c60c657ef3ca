import { createProject, type Database, listProjects, lockFirstStart } from "@loopkit/db";
import { issueApiKey } from "@loopkit/server";

/** The keys of a project made at first start (shown once). */
export interface InitialKeys {
  projectId: string;
  publicKey: string;
  secretKey: string;
}

/**
 * On first start (no project yet) makes the default project with a public and a secret key:
 * the given ones for headless starts, or new random ones. Returns null when projects exist.
 */
export async function ensureDefaultProject(
  db: Database,
  given: { publicKey?: string | undefined; secretKey?: string | undefined },
): Promise<InitialKeys | null> {
  return db.transaction(async (tx) => {
    await lockFirstStart(tx);
    if ((await listProjects(tx)).length > 0) return null;
    const project = await createProject(tx, { name: "default" });
    const publicKey = await issueApiKey(tx, project.id, "public", given.publicKey);
    const secretKey = await issueApiKey(tx, project.id, "secret", given.secretKey);
    return { projectId: project.id, publicKey: publicKey.key, secretKey: secretKey.key };
  });
}

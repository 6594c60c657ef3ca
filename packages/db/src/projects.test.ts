import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createProject,
  type Database,
  findApiKeyByHash,
  getProject,
  insertApiKey,
  listApiKeys,
  listProjects,
  revokeApiKey,
  touchApiKey,
  updateProjectSettings,
} from "./index.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// Expected values are the inputs each test writes, read back through real SQL on both drivers;
// the defaults (redaction on, no retention) are the ones the migration 0001_projects.sql sets.

describe.each(await testDrivers())("projects and API keys on %s", (driver) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
  });
  afterAll(() => db.close());

  it("creates, gets, lists and updates projects", async () => {
    const a = await createProject(db, { name: "Support bot" });
    expect(a).toMatchObject({ name: "Support bot", redactPii: true, retentionDays: null });
    expect(a.createdAt).toBeInstanceOf(Date);
    expect(await getProject(db, a.id)).toEqual(a);
    expect(await getProject(db, "no-such-project")).toBeNull();

    const b = await createProject(db, { name: "Search" });
    const ids = (await listProjects(db)).map((p) => p.id);
    expect(ids).toContain(a.id);
    expect(ids).toContain(b.id);

    const updated = await updateProjectSettings(db, a.id, { retentionDays: 30, redactPii: false });
    expect(updated).toMatchObject({ name: "Support bot", redactPii: false, retentionDays: 30 });
    const renamed = await updateProjectSettings(db, a.id, { name: "Helpdesk" });
    expect(renamed).toMatchObject({ name: "Helpdesk", redactPii: false, retentionDays: 30 });
    const forever = await updateProjectSettings(db, a.id, { retentionDays: null });
    expect(forever.retentionDays).toBeNull();
    expect((await getProject(db, b.id))?.name).toBe("Search");
  });

  it("refuses bad settings and unknown projects with a code", async () => {
    await expect(createProject(db, { name: " " })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    const p = await createProject(db, { name: "p" });
    await expect(updateProjectSettings(db, p.id, { retentionDays: 0 })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(updateProjectSettings(db, p.id, { retentionDays: 1.5 })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(updateProjectSettings(db, "missing", { name: "x" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("stores keys by hash, finds, lists, touches and revokes them within their project", async () => {
    const a = await createProject(db, { name: "a" });
    const b = await createProject(db, { name: "b" });
    const secret = await insertApiKey(db, {
      projectId: a.id,
      kind: "secret",
      keyHash: `hash-secret-${a.id}`,
      prefix: "lk_sk_ab",
    });
    const pub = await insertApiKey(db, {
      projectId: a.id,
      kind: "public",
      keyHash: `hash-public-${a.id}`,
      prefix: "lk_pk_cd",
    });
    expect(secret).toMatchObject({ projectId: a.id, kind: "secret", prefix: "lk_sk_ab" });
    expect(secret.revokedAt).toBeNull();
    expect(secret.lastUsedAt).toBeNull();
    expect(secret).not.toHaveProperty("keyHash");

    expect(await findApiKeyByHash(db, `hash-secret-${a.id}`)).toEqual(secret);
    expect(await findApiKeyByHash(db, "unknown")).toBeNull();
    expect((await listApiKeys(db, a.id)).map((k) => k.id).sort()).toEqual(
      [secret.id, pub.id].sort(),
    );
    expect(await listApiKeys(db, b.id)).toEqual([]);

    const usedAt = new Date("2026-01-02T03:04:05.000Z");
    await touchApiKey(db, secret.id, usedAt);
    expect((await findApiKeyByHash(db, `hash-secret-${a.id}`))?.lastUsedAt).toEqual(usedAt);

    // Another project cannot revoke a's key; revoking twice keeps the first time.
    expect(await revokeApiKey(db, b.id, secret.id)).toBe(false);
    expect(await revokeApiKey(db, a.id, "no-such-key")).toBe(false);
    expect(await revokeApiKey(db, a.id, secret.id)).toBe(true);
    const revoked = await findApiKeyByHash(db, `hash-secret-${a.id}`);
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    expect(await revokeApiKey(db, a.id, secret.id)).toBe(true);
    expect((await findApiKeyByHash(db, `hash-secret-${a.id}`))?.revokedAt).toEqual(
      revoked?.revokedAt,
    );
  });

  it("refuses two keys with the same hash", async () => {
    const p = await createProject(db, { name: "p" });
    const input = { projectId: p.id, kind: "public" as const, keyHash: "same", prefix: "x" };
    await insertApiKey(db, input);
    await expect(insertApiKey(db, input)).rejects.toThrow();
  });
});

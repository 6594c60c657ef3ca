import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, lockFirstStart } from "./index.js";
import { openTestDatabase, testDrivers } from "./testing.js";

// Expected behaviour: PostgreSQL's transaction-scoped advisory locks (docs, "Advisory Locks":
// pg_advisory_xact_lock waits while another session holds the key and is released at the end
// of the transaction).

describe.each(await testDrivers())("lockFirstStart on %s", (driver) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
  });
  afterAll(() => db.close());

  it("lets one first start at a time through, the next when the first commits", async () => {
    const order: string[] = [];
    let releaseFirst = () => {};
    const firstHolds = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let firstLocked = () => {};
    const locked = new Promise<void>((resolve) => {
      firstLocked = resolve;
    });
    const first = db.transaction(async (tx) => {
      await lockFirstStart(tx);
      order.push("first locked");
      firstLocked();
      await firstHolds;
      order.push("first commits");
    });
    await locked;
    const second = db.transaction(async (tx) => {
      await lockFirstStart(tx);
      order.push("second locked");
    });
    // Give the second transaction time to reach the lock (PGlite queues it behind the first).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(order).toEqual(["first locked"]);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(["first locked", "first commits", "second locked"]);
  });
});

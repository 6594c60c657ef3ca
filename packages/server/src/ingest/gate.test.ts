import { describe, expect, it } from "vitest";
import { IngestGate } from "./gate.js";

describe("IngestGate", () => {
  it("refuses work past its bound with OVERLOADED and frees the slot when work ends", async () => {
    const gate = new IngestGate(2);
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = gate.run(() => blocked);
    const second = gate.run(() => blocked);
    expect(gate.current).toBe(2);
    await expect(gate.run(async () => "third")).rejects.toMatchObject({ code: "OVERLOADED" });
    release();
    await Promise.all([first, second]);
    expect(gate.current).toBe(0);
    await expect(gate.run(async () => "after")).resolves.toBe("after");
  });

  it("frees the slot when work fails", async () => {
    const gate = new IngestGate(1);
    await expect(gate.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(gate.run(async () => 1)).resolves.toBe(1);
  });
});

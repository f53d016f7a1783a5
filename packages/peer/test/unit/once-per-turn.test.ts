import { describe, expect, it } from "vitest";
import { OncePerTurn } from "../../src/node/once-per-turn.js";

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("OncePerTurn", () => {
  it("runs once in the turn's check phase however often the turn asked, and again for a later turn", async () => {
    let runs = 0;
    const once = new OncePerTurn(() => runs++);
    once.request();
    once.request();
    once.request();
    expect(runs).toBe(0); // not synchronously
    await turn();
    expect(runs).toBe(1);
    await turn();
    expect(runs).toBe(1); // nothing asked since
    once.request();
    await turn();
    expect(runs).toBe(2);
  });

  it("a request made while it runs is served in a later turn, not lost", async () => {
    let runs = 0;
    const once: OncePerTurn = new OncePerTurn(() => {
      runs++;
      if (runs === 1) once.request();
    });
    once.request();
    await turn();
    await turn();
    expect(runs).toBe(2);
  });
});

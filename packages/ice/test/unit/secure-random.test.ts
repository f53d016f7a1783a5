import { describe, expect, it } from "vitest";
import { secureRandom, secureRandomU32 } from "../../src/node/secure-random.js";

describe("secureRandom (pooled OS CSPRNG)", () => {
  it("hands out every byte once: 20,000 draws of 12 bytes (many pool refills) never repeat a value", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const b = secureRandom(12);
      expect(b.length).toBe(12);
      seen.add(Buffer.from(b).toString("hex"));
    }
    expect(seen.size).toBe(20_000);
  });

  it("returns copies: changing one does not change the next, and large requests bypass the pool", () => {
    const a = secureRandom(16);
    a.fill(0);
    expect(secureRandom(16).some((x) => x !== 0)).toBe(true);
    const big = secureRandom(8192);
    expect(big.length).toBe(8192);
    expect(new Set(big).size).toBeGreaterThan(200);
    expect(secureRandom(0).length).toBe(0);
  });

  it("is roughly uniform: each bit of 4,000 u32s is set about half the time", () => {
    const ones = new Array<number>(32).fill(0);
    for (let i = 0; i < 4000; i++) {
      const v = secureRandomU32();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(2 ** 32);
      for (let bit = 0; bit < 32; bit++) if ((v >>> bit) & 1) ones[bit] = (ones[bit] ?? 0) + 1;
    }
    // binomial(4000, 0.5): sd ≈ 31.6; ±8 sd
    for (const n of ones) expect(Math.abs(n - 2000)).toBeLessThan(253);
  });
});

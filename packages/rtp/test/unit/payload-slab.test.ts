import { describe, expect, it } from "vitest";
import { PayloadSlab } from "../../src/machine/payload-slab.js";

describe("PayloadSlab", () => {
  it("copies: each copy keeps its bytes when the source and the other copies change", () => {
    const slab = new PayloadSlab();
    const src = new Uint8Array(1200);
    const copies: Uint8Array[] = [];
    for (let i = 0; i < 40; i++) {
      src.fill(i);
      copies.push(slab.copy(src.subarray(0, 100 + i)));
    }
    src.fill(0xff);
    copies.forEach((c, i) => {
      expect(c.length).toBe(100 + i);
      expect(c.every((b) => b === i)).toBe(true);
    });
    // 40 copies of ~120 octets share slabs rather than one ArrayBuffer each
    expect(new Set(copies.map((c) => c.buffer)).size).toBeLessThan(3);
  });

  it("gives a large payload an ArrayBuffer of its own", () => {
    const slab = new PayloadSlab();
    const big = new Uint8Array(8000).fill(7);
    const c = slab.copy(big);
    expect(c.buffer).not.toBe(big.buffer);
    expect(c.byteLength).toBe(c.buffer.byteLength);
    expect(c.every((b) => b === 7)).toBe(true);
  });
});

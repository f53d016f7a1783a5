import { describe, expect, it } from "vitest";
import { ReplayWindow } from "../../src/machine/replay-window.js";

describe("ReplayWindow (RFC 3711 §3.3.2, RFC 6347 §4.1.2.6)", () => {
  it("accepts anything first, then flags the same index as duplicate", () => {
    const w = new ReplayWindow();
    expect(w.top).toBeUndefined();
    expect(w.check(1000)).toBe("ok");
    w.accept(1000);
    expect(w.top).toBe(1000);
    expect(w.check(1000)).toBe("duplicate");
    expect(w.check(1001)).toBe("ok");
  });

  it("check does not change state", () => {
    const w = new ReplayWindow();
    expect(w.check(5)).toBe("ok");
    expect(w.check(5)).toBe("ok");
    expect(w.top).toBeUndefined();
  });

  it("accepts late packets inside the window once, and rejects those behind it as too-old", () => {
    const w = new ReplayWindow(64);
    w.accept(100);
    expect(w.check(37)).toBe("ok"); // 100 - 37 = 63 < 64
    expect(w.check(36)).toBe("too-old"); // 100 - 36 = 64
    w.accept(37);
    expect(w.check(37)).toBe("duplicate");
    w.accept(36); // ignored
    expect(w.check(36)).toBe("too-old");
    expect(w.top).toBe(100);
  });

  it("forgets skipped indices when sliding forward, including across the bitmap wrap", () => {
    const w = new ReplayWindow(32);
    for (let i = 0; i < 32; i++) w.accept(i);
    for (let i = 0; i < 32; i++) expect(w.check(i)).toBe("duplicate");
    w.accept(40); // skips 32..39: their bits (0..7) held indices 0..7 and must be cleared
    for (let i = 32; i < 40; i++) expect(w.check(i)).toBe("ok");
    for (let i = 9; i < 32; i++) expect(w.check(i)).toBe("duplicate");
    expect(w.check(8)).toBe("too-old");
    expect(w.check(40)).toBe("duplicate");
  });

  it("a jump of at least the window size clears everything", () => {
    const w = new ReplayWindow(128);
    for (let i = 0; i < 128; i++) w.accept(i);
    w.accept(127 + 128);
    for (let i = 128; i < 255; i++) expect(w.check(i)).toBe("ok");
    expect(w.check(127)).toBe("too-old");
  });

  it("works with 48-bit indices", () => {
    const w = new ReplayWindow(1024);
    const base = 2 ** 48 - 2000;
    w.accept(base);
    w.accept(base + 1023);
    expect(w.check(base)).toBe("duplicate");
    expect(w.check(base + 1)).toBe("ok");
    w.accept(base + 1024);
    expect(w.check(base)).toBe("too-old");
    expect(w.check(base + 1023)).toBe("duplicate");
    // crossing 2^32 (where the bit index computation changes) keeps bit positions consistent
    const v = new ReplayWindow(64);
    v.accept(2 ** 32 - 3);
    v.accept(2 ** 32 + 3);
    expect(v.check(2 ** 32 - 3)).toBe("duplicate");
    expect(v.check(2 ** 32 - 2)).toBe("ok");
    expect(v.check(2 ** 32)).toBe("ok");
  });

  it("reset forgets everything", () => {
    const w = new ReplayWindow();
    w.accept(10);
    w.reset();
    expect(w.top).toBeUndefined();
    expect(w.check(10)).toBe("ok");
    expect(w.check(0)).toBe("ok");
  });

  it("treats negative or NaN indices as too-old and ignores them", () => {
    const w = new ReplayWindow();
    expect(w.check(-1)).toBe("too-old");
    expect(w.check(Number.NaN)).toBe("too-old");
    w.accept(-1);
    expect(w.top).toBeUndefined();
  });

  it("rejects sizes that are not powers of two in 32..32768", () => {
    for (const bad of [0, 16, 48, 100, 65536, 64.5]) expect(() => new ReplayWindow(bad)).toThrow(RangeError);
    for (const good of [32, 64, 1024, 32768]) expect(new ReplayWindow(good).sizePackets).toBe(good);
  });
});

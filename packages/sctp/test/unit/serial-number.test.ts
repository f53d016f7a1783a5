import { describe, expect, it } from "vitest";
import {
  serial16LessThan,
  serial16Next,
  serial32LessThan,
  unwrap16,
  unwrap32,
  wrap32,
} from "../../src/machine/serial-number.js";

describe("serial number arithmetic (RFC 9260 §1.6, RFC 1982)", () => {
  it("orders 32-bit TSNs across the wrap", () => {
    expect(serial32LessThan(1, 2)).toBe(true);
    expect(serial32LessThan(2, 1)).toBe(false);
    expect(serial32LessThan(0xffffffff, 0)).toBe(true);
    expect(serial32LessThan(0, 0xffffffff)).toBe(false);
    expect(serial32LessThan(0xfffffff0, 5)).toBe(true);
    expect(serial32LessThan(7, 7)).toBe(false);
  });

  it("orders 16-bit SSNs across the wrap", () => {
    expect(serial16LessThan(0xffff, 0)).toBe(true);
    expect(serial16LessThan(0, 0xffff)).toBe(false);
    expect(serial16LessThan(100, 200)).toBe(true);
    expect(serial16LessThan(5, 5)).toBe(false);
    expect(serial16Next(0xffff)).toBe(0);
  });

  it("unwraps a 32-bit wire value next to a reference, on both sides of 2^32", () => {
    const two32 = 2 ** 32;
    expect(unwrap32(two32 + 5, 7)).toBe(two32 + 7);
    expect(unwrap32(two32 + 5, 0xffffffff)).toBe(two32 - 1);
    expect(unwrap32(two32 - 3, 2)).toBe(two32 + 2);
    expect(unwrap32(100, 90)).toBe(90);
    expect(wrap32(two32 + 2)).toBe(2);
    expect(wrap32(3 * two32 + 9)).toBe(9);
  });

  it("unwraps a 16-bit SSN next to a reference", () => {
    expect(unwrap16(0x1fffe, 1)).toBe(0x20001);
    expect(unwrap16(0x10002, 0xffff)).toBe(0xffff);
    expect(unwrap16(10, 12)).toBe(12);
  });

  it("round-trips every offset within ±2^31 of a reference", () => {
    for (const ref of [0, 1, 0x7fffffff, 0xffffffff, 2 ** 32 + 17, 2 ** 40]) {
      for (const d of [-(2 ** 31) + 1, -65536, -1, 0, 1, 65536, 2 ** 31 - 1]) {
        if (ref + d < 0) continue;
        expect(unwrap32(ref, wrap32(ref + d))).toBe(ref + d);
      }
    }
  });
});

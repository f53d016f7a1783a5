import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  crc32c,
  crc32cUpdate,
  readSctpChecksum,
  sctpPacketCrc32c,
  writeSctpChecksum,
} from "../../src/wire/crc32c.js";

interface Rfc3720Vectors {
  readonly vectors: readonly { readonly name: string; readonly hex: string; readonly crc: string }[];
}
const rfc3720 = JSON.parse(
  readFileSync(new URL("../vectors/crc32c-rfc3720.json", import.meta.url), "utf8"),
) as Rfc3720Vectors;

/** The CRC one bit at a time, straight from the polynomial: shares nothing with the tables under test. */
function bitwiseCrc32c(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe("CRC32c", () => {
  it.each(rfc3720.vectors)("RFC 3720 §B.4: $name", ({ hex, crc }) => {
    const data = Uint8Array.from(Buffer.from(hex, "hex"));
    // The RFC prints the CRC octets in the order they are sent: least significant first.
    const printed = Buffer.alloc(4);
    printed.writeUInt32LE(crc32c(data));
    expect(printed.toString("hex")).toBe(crc);
  });

  it("the check value of CRC-32C: '123456789' → 0xE3069283", () => {
    expect(crc32c(new TextEncoder().encode("123456789"))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it("agrees with the bitwise definition at every length 0–300 and every alignment of a view", () => {
    const backing = new Uint8Array(4096 + 16);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 7919 + 13) & 0xff;
    for (let offset = 0; offset < 8; offset++) {
      for (let length = 0; length <= 300; length++) {
        const view = backing.subarray(offset, offset + length);
        expect(crc32c(view)).toBe(bitwiseCrc32c(view));
      }
      const long = backing.subarray(offset, offset + 4096);
      expect(crc32c(long)).toBe(bitwiseCrc32c(long));
    }
  });

  it("crc32cUpdate continues a CRC over split ranges as over the whole", () => {
    const data = new Uint8Array(1000).map((_, i) => (i * 31) & 0xff);
    for (const cut of [0, 1, 7, 16, 129, 500, 999, 1000]) {
      const c = crc32cUpdate(crc32cUpdate(0xffffffff, data, 0, cut), data, cut, data.length);
      expect((c ^ 0xffffffff) >>> 0).toBe(crc32c(data));
    }
  });

  it("an SCTP packet's CRC takes the Checksum field (octets 8–11) as zero, without changing the packet", () => {
    const packet = new Uint8Array(200).map((_, i) => (i * 13 + 5) & 0xff);
    const copy = packet.slice();
    const zeroed = packet.slice();
    zeroed.fill(0, 8, 12);
    expect(sctpPacketCrc32c(packet)).toBe(crc32c(zeroed));
    expect(packet).toEqual(copy);
    // and at an offset inside a larger buffer
    const outer = new Uint8Array(300);
    outer.set(packet, 37);
    expect(sctpPacketCrc32c(outer, 37, 237)).toBe(crc32c(zeroed));
  });

  it("RFC 9260 Appendix A: the checksum is stored least significant octet first", () => {
    const packet = new Uint8Array(16);
    writeSctpChecksum(packet, 0x8a9136aa);
    expect(Array.from(packet.subarray(8, 12))).toEqual([0xaa, 0x36, 0x91, 0x8a]);
    expect(readSctpChecksum(packet)).toBe(0x8a9136aa);
  });
});

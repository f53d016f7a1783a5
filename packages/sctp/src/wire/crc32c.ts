/**
 * CRC32c (Castagnoli, reflected polynomial 0x82F63B78), the SCTP checksum of RFC 9260 §6.8 and
 * Appendix A. Pure JS, table-driven "slicing-by-8": eight 256-entry tables let the loop fold eight
 * octets per step with eight table look-ups and no per-bit work. node:crypto has no CRC32c, and
 * `zlib.crc32` is the other polynomial (CRC-32/ISO-HDLC).
 *
 * `crc32c(data)` is the CRC value as RFC 3720 §B.4 lists it (32 zero octets → 0x8A9136AA, "123456789" →
 * 0xE3069283). SCTP stores it least significant octet first (Appendix A), which `writeSctpChecksum` does.
 */

const POLYNOMIAL = 0x82f63b78;

/** T[k][b]: the CRC of octet b followed by k zero octets. Eight tables, 8 KiB. */
const TABLES: Uint32Array = (() => {
  const t = new Uint32Array(8 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    t[b] = c >>> 0;
  }
  for (let b = 0; b < 256; b++) {
    let c = t[b] as number;
    for (let k = 1; k < 8; k++) {
      c = (t[c & 0xff] as number) ^ (c >>> 8);
      t[k * 256 + b] = c >>> 0;
    }
  }
  return t;
})();

/**
 * Continues a CRC32c over `data[from, to)`. `crc` is the running register (start with 0xffffffff, and
 * the CRC is the final register xor 0xffffffff): `crc32cUpdate` lets a checksum skip or replace a range
 * (the SCTP checksum field) without copying the packet.
 */
export function crc32cUpdate(crc: number, data: Uint8Array, from: number, to: number): number {
  const t = TABLES;
  let c = crc | 0;
  let i = from;
  const end8 = to - ((to - from) & 7);
  while (i < end8) {
    const lo =
      c ^
      ((data[i] as number) |
        ((data[i + 1] as number) << 8) |
        ((data[i + 2] as number) << 16) |
        ((data[i + 3] as number) << 24));
    c =
      (t[1792 + (lo & 0xff)] as number) ^
      (t[1536 + ((lo >>> 8) & 0xff)] as number) ^
      (t[1280 + ((lo >>> 16) & 0xff)] as number) ^
      (t[1024 + (lo >>> 24)] as number) ^
      (t[768 + (data[i + 4] as number)] as number) ^
      (t[512 + (data[i + 5] as number)] as number) ^
      (t[256 + (data[i + 6] as number)] as number) ^
      (t[data[i + 7] as number] as number);
    i += 8;
  }
  while (i < to) {
    c = (t[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
    i++;
  }
  return c >>> 0;
}

/** The CRC32c of `data` (RFC 3720 §B.4 values). */
export function crc32c(data: Uint8Array): number {
  return (crc32cUpdate(0xffffffff, data, 0, data.length) ^ 0xffffffff) >>> 0;
}

/** Offset of the Checksum field in the SCTP common header (RFC 9260 §3.1). */
export const CHECKSUM_OFFSET = 8;

const ZERO4 = new Uint8Array(4);

/**
 * The CRC32c of the SCTP packet at `b[from, to)` with its Checksum field taken as zero (RFC 9260 §6.8),
 * without copying or changing it.
 */
export function sctpPacketCrc32c(b: Uint8Array, from = 0, to: number = b.length): number {
  let c = crc32cUpdate(0xffffffff, b, from, from + CHECKSUM_OFFSET);
  c = crc32cUpdate(c, ZERO4, 0, 4);
  c = crc32cUpdate(c, b, from + CHECKSUM_OFFSET + 4, to);
  return (c ^ 0xffffffff) >>> 0;
}

/** The CRC value of the packet at `b[from…]` as it carries it: least significant octet first (Appendix A). */
export function readSctpChecksum(b: Uint8Array, from = 0): number {
  const i = from + CHECKSUM_OFFSET;
  return (
    ((b[i] as number) |
      ((b[i + 1] as number) << 8) |
      ((b[i + 2] as number) << 16) |
      ((b[i + 3] as number) << 24)) >>>
    0
  );
}

export function writeSctpChecksum(b: Uint8Array, crc: number, from = 0): void {
  const i = from + CHECKSUM_OFFSET;
  b[i] = crc & 0xff;
  b[i + 1] = (crc >>> 8) & 0xff;
  b[i + 2] = (crc >>> 16) & 0xff;
  b[i + 3] = (crc >>> 24) & 0xff;
}

/**
 * CRC32c (Castagnoli, reflected polynomial 0x82F63B78), the SCTP checksum of RFC 9260 §6.8 and
 * Appendix A. Pure JS, table-driven "slicing-by-16": sixteen 256-entry tables let the loop fold sixteen
 * octets per step with sixteen table look-ups and no per-bit work; on a little-endian host, long runs
 * are read as 32-bit words through one `Int32Array` view. node:crypto has no CRC32c, and `zlib.crc32`
 * is the other polynomial (CRC-32/ISO-HDLC).
 *
 * `crc32c(data)` is the CRC value (RFC 3720 §B.4's 32 zero octets → 0x8A9136AA, printed there as the
 * octets `aa 36 91 8a`; "123456789" → 0xE3069283). SCTP stores it least significant octet first
 * (RFC 9260 Appendix A), which `writeSctpChecksum` does.
 */

const POLYNOMIAL = 0x82f63b78;
const SLICES = 16;

/** T[k * 256 + b]: the CRC register after octet b followed by k zero octets. Sixteen tables, 16 KiB. */
const T: Int32Array = (() => {
  const t = new Int32Array(SLICES * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    t[b] = c;
  }
  for (let b = 0; b < 256; b++) {
    let c = t[b] as number;
    for (let k = 1; k < SLICES; k++) {
      c = (t[c & 0xff] as number) ^ (c >>> 8);
      t[k * 256 + b] = c;
    }
  }
  return t;
})();

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Below this many octets a word view costs more than it saves. */
const WORD_PATH_MIN = 128;

/** Folds four 32-bit words (16 octets, the first already xored with the register) into a new register. */
function fold16(t: Int32Array, a: number, b: number, d: number, e: number): number {
  return (
    (t[3840 + (a & 0xff)] as number) ^
    (t[3584 + ((a >>> 8) & 0xff)] as number) ^
    (t[3328 + ((a >>> 16) & 0xff)] as number) ^
    (t[3072 + (a >>> 24)] as number) ^
    (t[2816 + (b & 0xff)] as number) ^
    (t[2560 + ((b >>> 8) & 0xff)] as number) ^
    (t[2304 + ((b >>> 16) & 0xff)] as number) ^
    (t[2048 + (b >>> 24)] as number) ^
    (t[1792 + (d & 0xff)] as number) ^
    (t[1536 + ((d >>> 8) & 0xff)] as number) ^
    (t[1280 + ((d >>> 16) & 0xff)] as number) ^
    (t[1024 + (d >>> 24)] as number) ^
    (t[768 + (e & 0xff)] as number) ^
    (t[512 + ((e >>> 8) & 0xff)] as number) ^
    (t[256 + ((e >>> 16) & 0xff)] as number) ^
    (t[e >>> 24] as number)
  );
}

function le32(data: Uint8Array, i: number): number {
  return (
    (data[i] as number) |
    ((data[i + 1] as number) << 8) |
    ((data[i + 2] as number) << 16) |
    ((data[i + 3] as number) << 24)
  );
}

/**
 * Continues a CRC32c over `data[from, to)`. `crc` is the running register (start with 0xffffffff; the
 * CRC is the final register xor 0xffffffff): `crc32cUpdate` lets a checksum skip or replace a range
 * (the SCTP checksum field) without copying the packet.
 */
export function crc32cUpdate(crc: number, data: Uint8Array, from: number, to: number): number {
  const t = T;
  let c = crc | 0;
  let i = from;
  if (LITTLE_ENDIAN && to - i >= WORD_PATH_MIN) {
    while (((data.byteOffset + i) & 3) !== 0) {
      c = (t[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
      i++;
    }
    const blocks = (to - i) >>> 4;
    const w = new Int32Array(data.buffer, data.byteOffset + i, blocks * 4);
    for (let k = 0; k < w.length; k += 4) {
      c = fold16(t, c ^ (w[k] as number), w[k + 1] as number, w[k + 2] as number, w[k + 3] as number);
    }
    i += blocks * 16;
  } else {
    for (const end = to - ((to - i) & 15); i < end; i += 16) {
      c = fold16(t, c ^ le32(data, i), le32(data, i + 4), le32(data, i + 8), le32(data, i + 12));
    }
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

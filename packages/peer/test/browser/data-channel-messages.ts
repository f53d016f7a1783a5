/**
 * The messages and the file of the data-channel cells, made the same way in Node as the page makes them
 * (page/datachannel-page.js): mixed sizes up to 64 KiB, strings and binary, and FNV-1a digests to compare
 * what arrived with what was sent without shipping the bytes back.
 */
export const SIZES = [0, 1, 2, 15, 100, 500, 1000, 1199, 1200, 1201, 4096, 10000, 16384, 32768, 65535, 65536];

export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Message `i` of a stream with `salt`: a Uint8Array (binary) or an ASCII string. */
export function message(i: number, salt: number): Uint8Array | string {
  const size = SIZES[(i * 7 + salt) % SIZES.length] as number;
  if ((i + salt) % 2 === 0) {
    const b = new Uint8Array(size);
    for (let j = 0; j < size; j++) b[j] = (i * 31 + j * 7 + salt) & 0xff;
    return b;
  }
  let s = "";
  for (let j = 0; j < size; j++) s += String.fromCharCode(97 + ((i + j + salt) % 26));
  return s;
}

/** [binary, length, FNV-1a] of a message, as the page records what it receives. */
export type Digest = readonly [number, number, number];

export function digest(m: Uint8Array | string): Digest {
  const bytes = typeof m === "string" ? new TextEncoder().encode(m) : m;
  return [typeof m === "string" ? 0 : 1, bytes.length, fnv1a(bytes)];
}

/** `n` bytes of the test file from `offset`. */
export function fileBytes(offset: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    const k = offset + j;
    b[j] = (k * 13 + (k >>> 8) + (k >>> 16)) & 0xff;
  }
  return b;
}

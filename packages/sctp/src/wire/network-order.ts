/** Big-endian ("network byte order", RFC 9260 §3) integer access; callers check the bounds first. */

export function readU16(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 8) | (b[i + 1] as number);
}

export function readU32(b: Uint8Array, i: number): number {
  return (
    (((b[i] as number) << 24) |
      ((b[i + 1] as number) << 16) |
      ((b[i + 2] as number) << 8) |
      (b[i + 3] as number)) >>>
    0
  );
}

export function writeU16(b: Uint8Array, i: number, v: number): void {
  b[i] = (v >>> 8) & 0xff;
  b[i + 1] = v & 0xff;
}

/** Writes the low 32 bits of `v`. */
export function writeU32(b: Uint8Array, i: number, v: number): void {
  b[i] = (v >>> 24) & 0xff;
  b[i + 1] = (v >>> 16) & 0xff;
  b[i + 2] = (v >>> 8) & 0xff;
  b[i + 3] = v & 0xff;
}

/** `n` rounded up to a multiple of 4: every chunk, parameter and error cause is padded so (RFC 9260 §3.2). */
export function padded4(n: number): number {
  return (n + 3) & ~3;
}

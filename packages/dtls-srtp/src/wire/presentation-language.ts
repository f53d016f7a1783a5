/**
 * RFC 5246 §4 (presentation language): fixed-width big-endian integers and length-prefixed vectors
 * (`opaque x<0..2^8-1>` has a 1-byte length, `<0..2^16-1>` 2 bytes, `<0..2^24-1>` 3 bytes).
 *
 * `TlsReader` never throws: reading past the end (or past a vector's declared length) marks it failed, returns
 * zeros / empty views, and remembers the offset of the first failure. Decoders read everything, then check
 * `failed` once. Bytes returned by the reader are borrowed views of the input: `slice()` what you keep.
 */
export class TlsReader {
  #pos: number;
  readonly #end: number;
  #failedAt = -1;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    this.#pos = start;
    this.#end = Math.min(end, bytes.length);
  }

  get pos(): number {
    return this.#pos;
  }
  get failed(): boolean {
    return this.#failedAt >= 0;
  }
  /** Offset of the first failed read, or the current position when nothing failed. */
  get failedAt(): number {
    return this.#failedAt >= 0 ? this.#failedAt : this.#pos;
  }
  get remaining(): number {
    return this.#end - this.#pos;
  }
  get atEnd(): boolean {
    return this.#pos === this.#end;
  }

  /** Marks the reader failed at the current position (a semantic error found by the decoder). */
  fail(): void {
    if (this.#failedAt < 0) this.#failedAt = this.#pos;
  }

  #take(n: number): number {
    if (this.#failedAt >= 0 || n > this.#end - this.#pos) {
      this.fail();
      this.#pos = this.#end;
      return -1;
    }
    const at = this.#pos;
    this.#pos += n;
    return at;
  }

  u8(): number {
    const at = this.#take(1);
    return at < 0 ? 0 : (this.bytes[at] as number);
  }
  u16(): number {
    const at = this.#take(2);
    return at < 0 ? 0 : ((this.bytes[at] as number) << 8) | (this.bytes[at + 1] as number);
  }
  u24(): number {
    const at = this.#take(3);
    const b = this.bytes;
    return at < 0 ? 0 : ((b[at] as number) << 16) | ((b[at + 1] as number) << 8) | (b[at + 2] as number);
  }
  u32(): number {
    const hi = this.u16();
    return hi * 0x10000 + this.u16();
  }
  /** uint48 (DTLS record sequence number): exact in a `number`. */
  u48(): number {
    const hi = this.u16();
    return hi * 0x100000000 + this.u32();
  }
  /** `n` raw bytes as a borrowed view. */
  raw(n: number): Uint8Array {
    const at = this.#take(n);
    return at < 0 ? new Uint8Array(0) : this.bytes.subarray(at, at + n);
  }
  /** The rest of the input as a borrowed view. */
  rest(): Uint8Array {
    return this.raw(this.remaining);
  }
  vec8(): Uint8Array {
    return this.raw(this.u8());
  }
  vec16(): Uint8Array {
    return this.raw(this.u16());
  }
  vec24(): Uint8Array {
    return this.raw(this.u24());
  }
  /** A reader over the next `n` bytes; this reader moves past them. */
  sub(n: number): TlsReader {
    const at = this.#take(n);
    if (at < 0) {
      const r = new TlsReader(new Uint8Array(0));
      r.fail();
      return r;
    }
    return new TlsReader(this.bytes, at, at + n);
  }
  /** A reader over a vector with a 1/2/3-byte length prefix. */
  subVec8(): TlsReader {
    return this.sub(this.u8());
  }
  subVec16(): TlsReader {
    return this.sub(this.u16());
  }
  subVec24(): TlsReader {
    return this.sub(this.u24());
  }
}

/** Builds a message from parts, big-endian. */
export class TlsWriter {
  readonly #parts: Uint8Array[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  u8(v: number): this {
    return this.raw(Uint8Array.of(v & 0xff));
  }
  u16(v: number): this {
    return this.raw(Uint8Array.of((v >>> 8) & 0xff, v & 0xff));
  }
  u24(v: number): this {
    return this.raw(Uint8Array.of((v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff));
  }
  u32(v: number): this {
    return this.u16(Math.floor(v / 0x10000)).u16(v % 0x10000);
  }
  u48(v: number): this {
    return this.u16(Math.floor(v / 0x100000000)).u32(v % 0x100000000);
  }
  raw(b: Uint8Array): this {
    this.#parts.push(b);
    this.#length += b.length;
    return this;
  }
  vec8(b: Uint8Array): this {
    return this.u8(b.length).raw(b);
  }
  vec16(b: Uint8Array): this {
    return this.u16(b.length).raw(b);
  }
  vec24(b: Uint8Array): this {
    return this.u24(b.length).raw(b);
  }
  /** A vector of uint16 values with a 2-byte byte-length prefix (cipher suites, groups, schemes). */
  u16List16(values: readonly number[]): this {
    this.u16(values.length * 2);
    for (const v of values) this.u16(v);
    return this;
  }
  finish(): Uint8Array {
    if (this.#parts.length === 1) return this.#parts[0] as Uint8Array;
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** Reads a list of uint16 values filling the reader (odd leftovers fail it). */
export function readU16List(r: TlsReader): number[] {
  const out: number[] = [];
  if (r.remaining % 2 !== 0) r.fail();
  while (!r.failed && r.remaining > 0) out.push(r.u16());
  return out;
}

/** The parts one after the other in a new array (the only part itself when there is one). */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

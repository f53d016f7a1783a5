import { type Decoded, decodeFail, decodeOk, UsageError } from "../wire/decoded.js";
import { balancedChunks, type DepacketizedFrame, type PayloadFormat } from "./payload-format.js";

/**
 * The VP8 payload descriptor, RFC 7741 §4.2:
 *
 * ```
 *       0 1 2 3 4 5 6 7
 *      +-+-+-+-+-+-+-+-+
 *      |X|R|N|S|R| PID | (REQUIRED)
 *      +-+-+-+-+-+-+-+-+
 * X:   |I|L|T|K| RSV   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * I:   |M| PictureID   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 *      |   PictureID   | (present when M = 1: 15-bit PictureID)
 *      +-+-+-+-+-+-+-+-+
 * L:   |   TL0PICIDX   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * ```
 */
export interface Vp8PayloadDescriptor {
  /** N: the frame can be discarded without affecting others */
  readonly nonReference: boolean;
  /** S: the first packet of a VP8 partition */
  readonly startOfPartition: boolean;
  /** PID: partition index, 0–7 */
  readonly partitionId: number;
  readonly pictureId?: number;
  /** 7 (M = 0) or 15 (M = 1) bits; set when `pictureId` is */
  readonly pictureIdBits?: 7 | 15;
  readonly tl0PicIdx?: number;
  /** TID and Y, present when T = 1 */
  readonly temporalLayer?: { readonly tid: number; readonly layerSync: boolean };
  /** KEYIDX, present when K = 1 */
  readonly keyIdx?: number;
}

export type Vp8ErrorCode =
  | "descriptor-truncated"
  | "empty-payload"
  | "not-frame-start"
  | "bad-picture-id"
  | "bad-partition"
  | "no-packets";

/** Decodes the descriptor at the start of a VP8 RTP payload; `length` is where the VP8 data starts. */
export function decodeVp8PayloadDescriptor(
  p: Uint8Array,
): Decoded<{ readonly descriptor: Vp8PayloadDescriptor; readonly length: number }, Vp8ErrorCode> {
  if (p.length < 1) return decodeFail("descriptor-truncated", 0);
  const b0 = p[0] as number;
  let off = 1;
  let pictureId: number | undefined;
  let pictureIdBits: 7 | 15 | undefined;
  let tl0PicIdx: number | undefined;
  let temporalLayer: { tid: number; layerSync: boolean } | undefined;
  let keyIdx: number | undefined;
  if (b0 & 0x80) {
    if (off >= p.length) return decodeFail("descriptor-truncated", off);
    const x = p[off++] as number;
    if (x & 0x80) {
      if (off >= p.length) return decodeFail("descriptor-truncated", off);
      const i0 = p[off++] as number;
      if (i0 & 0x80) {
        if (off >= p.length) return decodeFail("descriptor-truncated", off);
        pictureId = ((i0 & 0x7f) << 8) | (p[off++] as number);
        pictureIdBits = 15;
      } else {
        pictureId = i0;
        pictureIdBits = 7;
      }
    }
    if (x & 0x40) {
      if (off >= p.length) return decodeFail("descriptor-truncated", off);
      tl0PicIdx = p[off++] as number;
    }
    if (x & 0x30) {
      if (off >= p.length) return decodeFail("descriptor-truncated", off);
      const tk = p[off++] as number;
      if (x & 0x20) temporalLayer = { tid: tk >> 6, layerSync: (tk & 0x20) !== 0 };
      if (x & 0x10) keyIdx = tk & 0x1f;
    }
  }
  // Optional fields assigned, not spread: spreading a fresh {} per field allocated ~0.8 KB per packet.
  const descriptor: { -readonly [K in keyof Vp8PayloadDescriptor]: Vp8PayloadDescriptor[K] } = {
    nonReference: (b0 & 0x20) !== 0,
    startOfPartition: (b0 & 0x10) !== 0,
    partitionId: b0 & 0x07,
  };
  if (pictureId !== undefined) {
    descriptor.pictureId = pictureId;
    descriptor.pictureIdBits = pictureIdBits;
  }
  if (tl0PicIdx !== undefined) descriptor.tl0PicIdx = tl0PicIdx;
  if (temporalLayer !== undefined) descriptor.temporalLayer = temporalLayer;
  if (keyIdx !== undefined) descriptor.keyIdx = keyIdx;
  return decodeOk({ descriptor, length: off });
}

export function encodeVp8PayloadDescriptor(d: Vp8PayloadDescriptor): Uint8Array {
  const hasI = d.pictureId !== undefined;
  const bits = d.pictureIdBits ?? 15;
  if (hasI && (d.pictureId as number) >= 1 << bits) throw new UsageError(`PictureID exceeds ${bits} bits`);
  const hasL = d.tl0PicIdx !== undefined;
  const hasT = d.temporalLayer !== undefined;
  const hasK = d.keyIdx !== undefined;
  const hasX = hasI || hasL || hasT || hasK;
  const len =
    1 + (hasX ? 1 : 0) + (hasI ? (bits === 15 ? 2 : 1) : 0) + (hasL ? 1 : 0) + (hasT || hasK ? 1 : 0);
  const out = new Uint8Array(len);
  out[0] =
    (hasX ? 0x80 : 0) | (d.nonReference ? 0x20 : 0) | (d.startOfPartition ? 0x10 : 0) | (d.partitionId & 7);
  let off = 1;
  if (hasX) out[off++] = (hasI ? 0x80 : 0) | (hasL ? 0x40 : 0) | (hasT ? 0x20 : 0) | (hasK ? 0x10 : 0);
  if (hasI) {
    const id = d.pictureId as number;
    if (bits === 15) {
      out[off++] = 0x80 | (id >> 8);
      out[off++] = id & 0xff;
    } else {
      out[off++] = id & 0x7f;
    }
  }
  if (hasL) out[off++] = (d.tl0PicIdx as number) & 0xff;
  if (hasT || hasK) {
    const t = d.temporalLayer;
    out[off++] = (t ? ((t.tid & 3) << 6) | (t.layerSync ? 0x20 : 0) : 0) | ((d.keyIdx ?? 0) & 0x1f);
  }
  return out;
}

/**
 * RFC 7741 §4.3: the first octet of the VP8 payload header (present when S = 1 and PID = 0) carries
 * the inverse key frame flag P in its least significant bit: P = 0 is a key frame (RFC 6386 §9.1).
 */
export function isVp8KeyframeStart(descriptor: Vp8PayloadDescriptor, vp8Data: Uint8Array): boolean {
  return (
    descriptor.startOfPartition &&
    descriptor.partitionId === 0 &&
    vp8Data.length > 0 &&
    ((vp8Data[0] as number) & 0x01) === 0
  );
}

export interface Vp8PayloadFormatOptions {
  /** PictureID of the first frame (it then advances by one per frame); omit to send no PictureID */
  readonly pictureId?: number;
  /** default 15 */
  readonly pictureIdBits?: 7 | 15;
  /** TL0PICIDX of the first frame (advances by one per frame, single layer); omit to send none */
  readonly tl0PicIdx?: number;
}

/** A reassembled VP8 frame with the descriptor of its first packet. */
export interface Vp8Frame extends DepacketizedFrame {
  readonly descriptor: Vp8PayloadDescriptor;
}

/**
 * VP8 over RTP, RFC 7741. The packetizer sends the frame as one partition (PID 0) split in balanced
 * chunks, S = 1 on the first packet only, PictureID (and TL0PICIDX if asked) advancing per frame.
 */
export class Vp8PayloadFormat implements PayloadFormat<Vp8Frame> {
  readonly name = "vp8";
  readonly clockRate = 90_000;
  readonly markerEndsFrame = true;
  readonly #bits: 7 | 15;
  #pictureId: number | undefined;
  #tl0PicIdx: number | undefined;

  constructor(o: Vp8PayloadFormatOptions = {}) {
    this.#bits = o.pictureIdBits ?? 15;
    this.#pictureId = o.pictureId === undefined ? undefined : o.pictureId & ((1 << this.#bits) - 1);
    this.#tl0PicIdx = o.tl0PicIdx === undefined ? undefined : o.tl0PicIdx & 0xff;
  }

  packetize(frame: Uint8Array, maxPayloadBytes: number): Uint8Array[] {
    if (frame.length === 0) throw new UsageError("empty VP8 frame");
    const base: Vp8PayloadDescriptor = {
      nonReference: false,
      startOfPartition: true,
      partitionId: 0,
      ...(this.#pictureId !== undefined ? { pictureId: this.#pictureId, pictureIdBits: this.#bits } : {}),
      ...(this.#tl0PicIdx !== undefined ? { tl0PicIdx: this.#tl0PicIdx } : {}),
    };
    const first = encodeVp8PayloadDescriptor(base);
    const rest = encodeVp8PayloadDescriptor({ ...base, startOfPartition: false });
    const ends = balancedChunks(frame.length, maxPayloadBytes - first.length);
    const out: Uint8Array[] = [];
    let start = 0;
    for (const end of ends) {
      const d = start === 0 ? first : rest;
      const p = new Uint8Array(d.length + end - start);
      p.set(d);
      p.set(frame.subarray(start, end), d.length);
      out.push(p);
      start = end;
    }
    if (this.#pictureId !== undefined) this.#pictureId = (this.#pictureId + 1) & ((1 << this.#bits) - 1);
    if (this.#tl0PicIdx !== undefined) this.#tl0PicIdx = (this.#tl0PicIdx + 1) & 0xff;
    return out;
  }

  /** RFC 7741 §4.5: a frame begins with S = 1 and PID = 0. */
  isFrameStart(payload: Uint8Array): boolean {
    // S and PID are in the first octet; only a descriptor with extensions (X) has more to check.
    const b0 = payload[0];
    if (b0 === undefined || (b0 & 0x17) !== 0x10) return false;
    return (b0 & 0x80) === 0 || decodeVp8PayloadDescriptor(payload).ok;
  }

  /**
   * RFC 7741 §4.5: concatenates the VP8 data of the packets. Refuses fragments that do not belong
   * together: the first must start partition 0, later partition starts must raise the PID, and every
   * PictureID / TL0PICIDX present must match the first packet's; no packet may be empty.
   */
  depacketize(payloads: readonly Uint8Array[]): Decoded<Vp8Frame, Vp8ErrorCode> {
    let total = 0;
    const parts: Uint8Array[] = [];
    let first: Vp8PayloadDescriptor | undefined;
    let pid = 0;
    for (let i = 0; i < payloads.length; i++) {
      const r = decodeVp8PayloadDescriptor(payloads[i] as Uint8Array);
      if (!r.ok) return decodeFail(r.error.code, i);
      const d = r.value.descriptor;
      const data = (payloads[i] as Uint8Array).subarray(r.value.length);
      if (data.length === 0) return decodeFail("empty-payload", i);
      if (first === undefined) {
        if (!d.startOfPartition || d.partitionId !== 0) return decodeFail("not-frame-start", i);
        first = d;
      } else {
        if (d.pictureId !== first.pictureId || d.tl0PicIdx !== first.tl0PicIdx)
          return decodeFail("bad-picture-id", i);
        if (d.startOfPartition ? d.partitionId <= pid : d.partitionId !== pid)
          return decodeFail("bad-partition", i);
      }
      pid = d.partitionId;
      parts.push(data);
      total += data.length;
    }
    if (first === undefined) return decodeFail("no-packets", 0);
    // One packet: the frame is a view of its payload (the caller owns the payloads it hands in).
    const out = parts.length === 1 ? (parts[0] as Uint8Array) : new Uint8Array(total);
    if (parts.length > 1) {
      let off = 0;
      for (const p of parts) {
        out.set(p, off);
        off += p.length;
      }
    }
    return decodeOk({ data: out, isKeyframe: isVp8KeyframeStart(first, out), descriptor: first });
  }
}

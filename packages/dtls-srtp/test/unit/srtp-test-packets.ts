/** RTP/RTCP packet builders for the SRTP tests (RFC 3550 §5.1, §6.4.1). */

export interface RtpShape {
  readonly seq: number;
  readonly ssrc: number;
  readonly payloadType?: number;
  readonly timestamp?: number;
  readonly csrcs?: readonly number[];
  /** Header extension body in 32-bit words (profile 0xBEDE, one-byte elements, RFC 8285). */
  readonly extensionWords?: number;
  readonly payload: Uint8Array;
  /** Padding octets to append (RFC 3550 P bit; the last one holds the count). */
  readonly padding?: number;
}

export function makeRtp(shape: RtpShape): Uint8Array {
  const csrcs = shape.csrcs ?? [];
  const extWords = shape.extensionWords;
  const headerLength = 12 + 4 * csrcs.length + (extWords === undefined ? 0 : 4 + 4 * extWords);
  const padding = shape.padding ?? 0;
  const out = new Uint8Array(headerLength + shape.payload.length + padding);
  const v = new DataView(out.buffer);
  out[0] = 0x80 | (padding > 0 ? 0x20 : 0) | (extWords === undefined ? 0 : 0x10) | csrcs.length;
  out[1] = shape.payloadType ?? 96;
  v.setUint16(2, shape.seq);
  v.setUint32(4, shape.timestamp ?? 0x12345678);
  v.setUint32(8, shape.ssrc);
  for (const [i, c] of csrcs.entries()) v.setUint32(12 + 4 * i, c);
  if (extWords !== undefined) {
    const at = 12 + 4 * csrcs.length;
    v.setUint16(at, 0xbede);
    v.setUint16(at + 2, extWords);
    // one-byte elements: id 1..14, length 1 (two data octets) — then zero padding
    for (let w = 0; w < extWords; w++) {
      out[at + 4 + 4 * w] = (((w % 14) + 1) << 4) | 1;
      out[at + 5 + 4 * w] = w;
      out[at + 6 + 4 * w] = 0xaa;
    }
  }
  out.set(shape.payload, headerLength);
  if (padding > 0) out[out.length - 1] = padding;
  return out;
}

/** An RTCP receiver report (PT 201) with `reports` report blocks, sender SSRC `ssrc`. */
export function makeRtcp(ssrc: number, reports: number, fill = 0x5a): Uint8Array {
  const out = new Uint8Array(8 + 24 * reports).fill(fill);
  const v = new DataView(out.buffer);
  out[0] = 0x80 | reports;
  out[1] = 201;
  v.setUint16(2, out.length / 4 - 1);
  v.setUint32(4, ssrc);
  return out;
}

export function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

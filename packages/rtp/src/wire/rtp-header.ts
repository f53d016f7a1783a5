import { type Decoded, decodeFail, decodeOk, UsageError } from "./decoded.js";
import type { RtpHeaderExtension } from "./header-extension.js";
import { readU32, writeU32 } from "./network-order.js";

/**
 * An RTP data packet, RFC 3550 §5.1, header fields flattened next to the payload.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * A decoded `payload` (and extension `data`) is a view into the input buffer: borrowed, `slice()` it
 * to keep it past the input's lifetime.
 */
export interface RtpPacket {
  readonly marker: boolean;
  /** 7 bits */
  readonly payloadType: number;
  /** 16 bits */
  readonly sequenceNumber: number;
  /** 32 bits, unsigned */
  readonly timestamp: number;
  /** 32 bits, unsigned */
  readonly ssrc: number;
  /** at most 15 */
  readonly csrcs: readonly number[];
  /** present when the X bit is set */
  readonly extension: RtpHeaderExtension | undefined;
  readonly payload: Uint8Array;
  /** RFC 3550 §5.1 P bit: octets of padding after the payload, the last one holding the count. 0 = none. */
  readonly paddingLength: number;
}

export type RtpDecodeErrorCode =
  | "truncated"
  | "bad-version"
  | "csrc-truncated"
  | "extension-truncated"
  | "bad-padding";

/** RFC 3550 §5.1: the fixed header is 12 octets. */
export const RTP_FIXED_HEADER_LENGTH = 12;

/** RFC 3550 §5.1 (with §5.3.1 for the extension, §A.1 for the validity checks on version and padding). */
/** The CSRC list of every packet without one (most): shared, frozen, not an array per packet. */
const NO_CSRCS: readonly number[] = Object.freeze([]);

export function decodeRtpPacket(b: Uint8Array): Decoded<RtpPacket, RtpDecodeErrorCode> {
  const len = b.length;
  if (len < RTP_FIXED_HEADER_LENGTH) return decodeFail("truncated", len);
  const b0 = b[0] as number;
  if (b0 >> 6 !== 2) return decodeFail("bad-version", 0);
  const b1 = b[1] as number;
  const cc = b0 & 0x0f;
  let off = RTP_FIXED_HEADER_LENGTH + cc * 4;
  if (off > len) return decodeFail("csrc-truncated", len);
  let csrcs: readonly number[] = NO_CSRCS;
  if (cc > 0) {
    const list: number[] = [];
    for (let i = RTP_FIXED_HEADER_LENGTH; i < off; i += 4) list.push(readU32(b, i));
    csrcs = list;
  }
  let extension: RtpHeaderExtension | undefined;
  if (b0 & 0x10) {
    if (off + 4 > len) return decodeFail("extension-truncated", off);
    const profile = ((b[off] as number) << 8) | (b[off + 1] as number);
    const words = ((b[off + 2] as number) << 8) | (b[off + 3] as number);
    const end = off + 4 + words * 4;
    if (end > len) return decodeFail("extension-truncated", off + 2);
    extension = { profile, data: b.subarray(off + 4, end) };
    off = end;
  }
  let paddingLength = 0;
  if (b0 & 0x20) {
    paddingLength = b[len - 1] as number;
    if (paddingLength === 0 || off + paddingLength > len) return decodeFail("bad-padding", len - 1);
  }
  return decodeOk({
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: ((b[2] as number) << 8) | (b[3] as number),
    timestamp: readU32(b, 4),
    ssrc: readU32(b, 8),
    csrcs,
    extension,
    payload: b.subarray(off, len - paddingLength),
    paddingLength,
  });
}

/** Octets `encodeRtpPacket` will produce. */
export function rtpPacketLength(p: RtpPacket): number {
  return (
    RTP_FIXED_HEADER_LENGTH +
    p.csrcs.length * 4 +
    (p.extension ? 4 + p.extension.data.length : 0) +
    p.payload.length +
    p.paddingLength
  );
}

/**
 * RFC 3550 §5.1. Padding octets are zero but for the last, which holds the count. Throws a
 * `UsageError` for a value the header cannot carry.
 */
export function encodeRtpPacket(p: RtpPacket): Uint8Array {
  return encodeRtpPacketInto(p, undefined);
}

/**
 * `encodeRtpPacket` into a buffer at `offset` when the packet fits there, returning a view of it — valid
 * until the caller writes `into` again (for bytes consumed at once, as SRTP's protect does, or kept in a
 * store: no array per packet); otherwise into a fresh array.
 */
export function encodeRtpPacketInto(p: RtpPacket, into: Uint8Array | undefined, offset = 0): Uint8Array {
  if (p.csrcs.length > 15) throw new UsageError("at most 15 CSRCs");
  if (p.paddingLength < 0 || p.paddingLength > 255) throw new UsageError("paddingLength must be 0–255");
  const ext = p.extension;
  if (ext && (ext.data.length % 4 !== 0 || ext.data.length / 4 > 0xffff)) {
    throw new UsageError("header extension data must be a multiple of 4 octets, at most 65535 words");
  }
  const length = rtpPacketLength(p);
  const out =
    into && into.length - offset >= length ? into.subarray(offset, offset + length) : new Uint8Array(length);
  out[0] = 0x80 | (p.paddingLength > 0 ? 0x20 : 0) | (ext ? 0x10 : 0) | p.csrcs.length;
  out[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  out[2] = (p.sequenceNumber >>> 8) & 0xff;
  out[3] = p.sequenceNumber & 0xff;
  writeU32(out, 4, p.timestamp);
  writeU32(out, 8, p.ssrc);
  let off = RTP_FIXED_HEADER_LENGTH;
  const csrcs = p.csrcs;
  for (let i = 0; i < csrcs.length; i++) {
    writeU32(out, off, csrcs[i] as number);
    off += 4;
  }
  if (ext) {
    out[off] = (ext.profile >>> 8) & 0xff;
    out[off + 1] = ext.profile & 0xff;
    const words = ext.data.length / 4;
    out[off + 2] = words >>> 8;
    out[off + 3] = words & 0xff;
    out.set(ext.data, off + 4);
    off += 4 + ext.data.length;
  }
  out.set(p.payload, off);
  if (p.paddingLength > 0) {
    out.fill(0, off + p.payload.length, length - 1);
    out[length - 1] = p.paddingLength;
  }
  return out;
}

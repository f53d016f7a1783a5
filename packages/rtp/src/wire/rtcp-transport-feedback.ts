import { type Decoded, decodeFail, decodeOk, UsageError } from "./decoded.js";
import { readU16, readU24, readU32, writeU16, writeU24, writeU32 } from "./network-order.js";
import {
  FEEDBACK_HEADER_LENGTH,
  type RtcpDecodeErrorCode,
  RtcpPacketType,
  RtpfbFormat,
  writeRtcpHeader,
} from "./rtcp-header.js";

/**
 * Transport-wide congestion control feedback, draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1:
 * RTPFB (PT=205) with FMT=15. For every transport-wide sequence number from `base sequence number` on
 * (`packet status count` of them) a status symbol, then a receive delta for each packet received.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=15 |    PT=205     |           length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     SSRC of packet sender                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      SSRC of media source                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      base sequence number     |      packet status count      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 reference time                | fb pkt. count |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          packet chunk         |         packet chunk          |
 * .                                                               .
 * |         packet chunk          |  recv delta   |  recv delta   |
 * .                                                               .
 * |           recv delta          |  recv delta   | zero padding  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * Packet chunks (§3.1.1–§3.1.4), 16 bits each:
 * - run length: `0 | S(2) | run length(13)` — one symbol for `run length` packets;
 * - status vector, one-bit symbols: `1 | 0 | 14 symbols` (0 not received, 1 received with a small delta);
 * - status vector, two-bit symbols: `1 | 1 | 7 symbols`.
 *
 * Symbols: 0 not received, 1 received with a small delta (one octet, 0–63.75 ms), 2 received with a
 * large or negative delta (two octets, signed). 3 is reserved: decoding fails on it, as libwebrtc's
 * parser does. Deltas are in 250 µs ticks, the first from `reference time` (× 64 ms), each next one from
 * the previous packet's arrival.
 */
export interface TransportWideFeedback {
  readonly type: "twcc";
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  /** 16 bits: the transport-wide sequence number of the first packet reported */
  readonly baseSequenceNumber: number;
  /** 24 bits as on the wire (libwebrtc reads it signed): multiples of 64 ms in the receiver's time base */
  readonly referenceTime: number;
  /** 8 bits: counts feedback packets sent, to detect lost feedback */
  readonly feedbackPacketCount: number;
  /** one symbol per packet, from `baseSequenceNumber` on: its length is the packet status count */
  readonly statuses: readonly PacketStatusSymbol[];
  /** the receive delta of each packet whose symbol is 1 or 2, in order, in 250 µs ticks */
  readonly deltas: readonly number[];
}

/** §3.1.1 packet status symbols. */
export const PacketStatus = { NotReceived: 0, SmallDelta: 1, LargeDelta: 2 } as const;
export type PacketStatusSymbol = (typeof PacketStatus)[keyof typeof PacketStatus];

/** Microseconds per receive-delta tick (§3.1.5). */
export const RECEIVE_DELTA_US = 250;
/** Microseconds per reference-time unit (§3.1). */
export const REFERENCE_TIME_US = 64_000;

/** Fixed part after the feedback header: base seq, status count, reference time, fb pkt count. */
const FIXED_FCI = 8;
const RUN_LENGTH_MAX = 0x1fff;
const ONE_BIT_CAPACITY = 14;
const TWO_BIT_CAPACITY = 7;

export function decodeTransportWideFeedback(
  packet: Uint8Array,
  at: number,
): Decoded<TransportWideFeedback, RtcpDecodeErrorCode> {
  const fci = FEEDBACK_HEADER_LENGTH;
  if (packet.length < fci + FIXED_FCI) return decodeFail("twcc-truncated", at + packet.length);
  const count = readU16(packet, fci + 2);
  const statuses: PacketStatusSymbol[] = [];
  let off = fci + FIXED_FCI;
  let received = 0;
  while (statuses.length < count) {
    if (off + 2 > packet.length) return decodeFail("twcc-truncated", at + off);
    const chunk = readU16(packet, off);
    const left = count - statuses.length;
    if ((chunk & 0x8000) === 0) {
      const symbol = (chunk >> 13) & 0x03;
      const run = chunk & RUN_LENGTH_MAX;
      if (symbol === 3) return decodeFail("twcc-reserved-symbol", at + off);
      // A run may reach past the status count (libwebrtc stops at the count too).
      const n = Math.min(run, left);
      for (let i = 0; i < n; i++) statuses.push(symbol as PacketStatusSymbol);
      if (symbol !== 0) received += n;
    } else if ((chunk & 0x4000) === 0) {
      const n = Math.min(ONE_BIT_CAPACITY, left);
      for (let i = 0; i < n; i++) {
        const s = (chunk >> (ONE_BIT_CAPACITY - 1 - i)) & 1;
        statuses.push(s as PacketStatusSymbol);
        received += s;
      }
    } else {
      const n = Math.min(TWO_BIT_CAPACITY, left);
      for (let i = 0; i < n; i++) {
        const s = (chunk >> (2 * (TWO_BIT_CAPACITY - 1 - i))) & 3;
        if (s === 3) return decodeFail("twcc-reserved-symbol", at + off);
        statuses.push(s as PacketStatusSymbol);
        if (s !== 0) received++;
      }
    }
    off += 2;
  }
  const deltas: number[] = new Array<number>(received);
  let d = 0;
  for (const s of statuses) {
    if (s === PacketStatus.SmallDelta) {
      if (off + 1 > packet.length) return decodeFail("twcc-truncated", at + off);
      deltas[d++] = packet[off] as number;
      off += 1;
    } else if (s === PacketStatus.LargeDelta) {
      if (off + 2 > packet.length) return decodeFail("twcc-truncated", at + off);
      deltas[d++] = (readU16(packet, off) << 16) >> 16;
      off += 2;
    }
  }
  return decodeOk({
    type: "twcc",
    senderSsrc: readU32(packet, 4),
    mediaSsrc: readU32(packet, 8),
    baseSequenceNumber: readU16(packet, fci),
    referenceTime: readU24(packet, fci + 4),
    feedbackPacketCount: packet[fci + 7] as number,
    statuses,
    deltas,
  });
}

/**
 * The status chunks for `statuses`, as libwebrtc's encoder packs them (`LastChunk` in
 * transport_feedback.cc), so that re-encoding a browser's feedback gives its bytes back: a run while every
 * symbol is the same (up to 8191), else a one-bit vector of 14 when no symbol is 2, else two-bit vectors
 * of 7.
 */
export function transportFeedbackChunks(statuses: readonly PacketStatusSymbol[]): number[] {
  const chunks: number[] = [];
  const pending: PacketStatusSymbol[] = [];
  let size = 0;
  let allSame = true;
  let hasLarge = false;
  const reset = (from: number): void => {
    // Keeps pending[from..size) as the new start of the chunk.
    const rest = pending.slice(from, size);
    pending.length = 0;
    size = 0;
    allSame = true;
    hasLarge = false;
    for (const s of rest) add(s);
  };
  const add = (s: PacketStatusSymbol): void => {
    if (size < ONE_BIT_CAPACITY) pending[size] = s;
    size++;
    allSame = allSame && s === pending[0];
    hasLarge = hasLarge || s === PacketStatus.LargeDelta;
  };
  const canAdd = (s: PacketStatusSymbol): boolean =>
    size < TWO_BIT_CAPACITY ||
    (size < ONE_BIT_CAPACITY && !hasLarge && s !== PacketStatus.LargeDelta) ||
    (size < RUN_LENGTH_MAX && allSame && pending[0] === s);
  const runLength = (): number => ((pending[0] ?? 0) << 13) | size;
  const oneBit = (n: number): number => {
    let c = 0x8000;
    for (let i = 0; i < n; i++) c |= (pending[i] ?? 0) << (ONE_BIT_CAPACITY - 1 - i);
    return c;
  };
  const twoBit = (n: number): number => {
    let c = 0xc000;
    for (let i = 0; i < n; i++) c |= (pending[i] ?? 0) << (2 * (TWO_BIT_CAPACITY - 1 - i));
    return c;
  };
  const emit = (): void => {
    if (allSame) {
      chunks.push(runLength());
      reset(size);
    } else if (size === ONE_BIT_CAPACITY) {
      chunks.push(oneBit(ONE_BIT_CAPACITY));
      reset(size);
    } else {
      chunks.push(twoBit(TWO_BIT_CAPACITY));
      reset(TWO_BIT_CAPACITY);
    }
  };
  for (const s of statuses) {
    if (!canAdd(s)) emit();
    add(s);
  }
  if (size > 0) {
    if (allSame) chunks.push(runLength());
    else if (size <= TWO_BIT_CAPACITY) chunks.push(twoBit(size));
    else chunks.push(oneBit(size));
  }
  return chunks;
}

/**
 * Encodes with libwebrtc's layout: its chunking, then the deltas, then padding to a 32-bit boundary with
 * the P bit set and the count in the last octet (RFC 3550 §6.4.1). Throws a `UsageError` for a symbol
 * outside 0–2, more than 65535 statuses, a delta count that does not match, or a delta its symbol cannot
 * carry (small: 0–255; large: −32768–32767).
 */
export function encodeTransportWideFeedback(fb: Omit<TransportWideFeedback, "type">): Uint8Array {
  const n = fb.statuses.length;
  if (n > 0xffff) throw new UsageError("at most 65535 packet statuses");
  let deltaBytes = 0;
  let d = 0;
  for (const s of fb.statuses) {
    if (s === PacketStatus.NotReceived) continue;
    const v = fb.deltas[d++];
    if (v === undefined) throw new UsageError("fewer receive deltas than received packets");
    if (s === PacketStatus.SmallDelta) {
      if (!(Number.isInteger(v) && v >= 0 && v <= 0xff)) throw new UsageError(`small delta ${v} not 0–255`);
      deltaBytes += 1;
    } else if (s === PacketStatus.LargeDelta) {
      if (!(Number.isInteger(v) && v >= -0x8000 && v <= 0x7fff))
        throw new UsageError(`large delta ${v} not −32768–32767`);
      deltaBytes += 2;
    } else throw new UsageError(`packet status symbol ${String(s)} is not 0, 1 or 2`);
  }
  if (d !== fb.deltas.length) throw new UsageError("more receive deltas than received packets");
  const chunks = transportFeedbackChunks(fb.statuses);
  const body = FEEDBACK_HEADER_LENGTH + FIXED_FCI + chunks.length * 2 + deltaBytes;
  const len = (body + 3) & ~3;
  const out = new Uint8Array(len);
  writeRtcpHeader(out, 0, RtpfbFormat.TransportWideCc, RtcpPacketType.RTPFB, len, len > body);
  writeU32(out, 4, fb.senderSsrc);
  writeU32(out, 8, fb.mediaSsrc);
  let off = FEEDBACK_HEADER_LENGTH;
  writeU16(out, off, fb.baseSequenceNumber & 0xffff);
  writeU16(out, off + 2, n);
  writeU24(out, off + 4, fb.referenceTime & 0xffffff);
  out[off + 7] = fb.feedbackPacketCount & 0xff;
  off += FIXED_FCI;
  for (const c of chunks) {
    writeU16(out, off, c);
    off += 2;
  }
  d = 0;
  for (const s of fb.statuses) {
    if (s === PacketStatus.SmallDelta) out[off++] = fb.deltas[d++] as number;
    else if (s === PacketStatus.LargeDelta) {
      writeU16(out, off, (fb.deltas[d++] as number) & 0xffff);
      off += 2;
    }
  }
  if (len > body) out[len - 1] = len - body;
  return out;
}

/** One packet a feedback reports on: its transport-wide sequence number and arrival, if it arrived. */
export interface TransportFeedbackArrival {
  /** 16-bit transport-wide sequence number */
  readonly sequenceNumber: number;
  /**
   * Arrival in µs on the receiver's clock: reference time × 64 ms plus the deltas so far (a
   * 24-bit reference time, so compare arrivals only within one feedback or after unwrapping it).
   * Undefined: not received.
   */
  readonly arrivalUs: number | undefined;
}

/** The packets a feedback reports on, in sequence order, with their arrival times (µs). */
export function transportFeedbackArrivals(fb: TransportWideFeedback): TransportFeedbackArrival[] {
  const out: TransportFeedbackArrival[] = new Array<TransportFeedbackArrival>(fb.statuses.length);
  let t = fb.referenceTime * REFERENCE_TIME_US;
  let d = 0;
  for (let i = 0; i < fb.statuses.length; i++) {
    const seq = (fb.baseSequenceNumber + i) & 0xffff;
    if (fb.statuses[i] === PacketStatus.NotReceived) {
      out[i] = { sequenceNumber: seq, arrivalUs: undefined };
    } else {
      t += (fb.deltas[d++] ?? 0) * RECEIVE_DELTA_US;
      out[i] = { sequenceNumber: seq, arrivalUs: t };
    }
  }
  return out;
}

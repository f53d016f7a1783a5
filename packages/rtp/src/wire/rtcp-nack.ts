import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { readU16, readU32, writeU16, writeU32 } from "./network-order.js";
import {
  FEEDBACK_HEADER_LENGTH,
  type RtcpDecodeErrorCode,
  RtcpPacketType,
  RtpfbFormat,
  writeRtcpHeader,
} from "./rtcp-header.js";
import { seqDelta } from "./sequence-number.js";

/**
 * Generic NACK, RFC 4585 §6.2.1: RTPFB (PT=205) with FMT=1. The FCI holds one or more
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            PID                |             BLP               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * PID is a lost sequence number; bit i of BLP (least significant first) reports PID+i+1 lost too.
 */
export interface GenericNack {
  readonly type: "nack";
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  /** lost 16-bit sequence numbers, in the order the FCIs list them */
  readonly lost: readonly number[];
}

export function decodeGenericNack(packet: Uint8Array, at: number): Decoded<GenericNack, RtcpDecodeErrorCode> {
  if (packet.length < FEEDBACK_HEADER_LENGTH + 4) return decodeFail("nack-truncated", at + packet.length);
  const lost: number[] = [];
  for (let off = FEEDBACK_HEADER_LENGTH; off + 4 <= packet.length; off += 4) {
    const pid = readU16(packet, off);
    const blp = readU16(packet, off + 2);
    lost.push(pid);
    for (let i = 0; i < 16; i++) if (blp & (1 << i)) lost.push((pid + i + 1) & 0xffff);
  }
  return decodeOk({ type: "nack", senderSsrc: readU32(packet, 4), mediaSsrc: readU32(packet, 8), lost });
}

/** Packs `lost` into PID/BLP pairs; sequence numbers up to 16 after a PID share its BLP. */
export function nackFci(lost: readonly number[]): Array<{ pid: number; blp: number }> {
  const out: Array<{ pid: number; blp: number }> = [];
  let cur: { pid: number; blp: number } | undefined;
  for (const raw of lost) {
    const seq = raw & 0xffff;
    const d = cur ? seqDelta(seq, cur.pid) : -1;
    if (cur && d === 0) continue;
    if (cur && d >= 1 && d <= 16) {
      cur.blp |= 1 << (d - 1);
    } else {
      cur = { pid: seq, blp: 0 };
      out.push(cur);
    }
  }
  return out;
}

export function encodeGenericNack(nack: Omit<GenericNack, "type">): Uint8Array {
  const fci = nackFci(nack.lost);
  const len = FEEDBACK_HEADER_LENGTH + fci.length * 4;
  const out = new Uint8Array(len);
  writeRtcpHeader(out, 0, RtpfbFormat.GenericNack, RtcpPacketType.RTPFB, len);
  writeU32(out, 4, nack.senderSsrc);
  writeU32(out, 8, nack.mediaSsrc);
  let off = FEEDBACK_HEADER_LENGTH;
  for (const f of fci) {
    writeU16(out, off, f.pid);
    writeU16(out, off + 2, f.blp);
    off += 4;
  }
  return out;
}

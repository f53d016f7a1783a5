import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { readU16 } from "./network-order.js";
import { type AppPacket, decodeApp, encodeApp } from "./rtcp-app.js";
import { type Bye, decodeBye, encodeBye } from "./rtcp-bye.js";
import { decodeFullIntraRequest, encodeFullIntraRequest, type FullIntraRequest } from "./rtcp-fir.js";
import {
  PsfbFormat,
  RTCP_HEADER_LENGTH,
  type RtcpDecodeErrorCode,
  RtcpPacketType,
  RtpfbFormat,
  type UnknownRtcpPacket,
  wholeWords,
  writeRtcpHeader,
} from "./rtcp-header.js";
import { decodeGenericNack, encodeGenericNack, type GenericNack } from "./rtcp-nack.js";
import {
  decodePictureLossIndication,
  encodePictureLossIndication,
  type PictureLossIndication,
} from "./rtcp-pli.js";
import { decodeReceiverReport, encodeReceiverReport, type ReceiverReport } from "./rtcp-receiver-report.js";
import {
  decodeReceiverEstimatedMaxBitrate,
  encodeReceiverEstimatedMaxBitrate,
  isRembPacket,
  type ReceiverEstimatedMaxBitrate,
} from "./rtcp-remb.js";
import { decodeSourceDescription, encodeSourceDescription, type SourceDescription } from "./rtcp-sdes.js";
import { decodeSenderReport, encodeSenderReport, type SenderReport } from "./rtcp-sender-report.js";
import {
  decodeTransportWideFeedback,
  encodeTransportWideFeedback,
  type TransportWideFeedback,
} from "./rtcp-transport-feedback.js";

export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | SourceDescription
  | Bye
  | AppPacket
  | GenericNack
  | PictureLossIndication
  | FullIntraRequest
  | ReceiverEstimatedMaxBitrate
  | TransportWideFeedback
  | UnknownRtcpPacket;

/**
 * A compound RTCP packet, RFC 3550 §6.1: individual packets back to back, each with its own length.
 * RFC 3550 §6.4.1 lets only the last carry padding; any packet with the P bit is accepted here as long as
 * its padding fits inside it, as libwebrtc's parser does (libwebrtc pads each transport-wide feedback
 * packet it combines into one compound). Any inconsistent packet fails the whole compound, at the offset
 * where it was noticed. Feedback formats and packet types not modelled here decode as `unknown`.
 */
export function decodeRtcpCompound(b: Uint8Array): Decoded<readonly RtcpPacket[], RtcpDecodeErrorCode> {
  if (b.length < RTCP_HEADER_LENGTH) return decodeFail("truncated", b.length);
  const out: RtcpPacket[] = [];
  let off = 0;
  while (off < b.length) {
    if (b.length - off < RTCP_HEADER_LENGTH) return decodeFail("truncated", off);
    const b0 = b[off] as number;
    if (b0 >> 6 !== 2) return decodeFail("bad-version", off);
    const byteLength = (readU16(b, off + 2) + 1) * 4;
    if (off + byteLength > b.length) return decodeFail("bad-length", off + 2);
    let end = off + byteLength;
    if (b0 & 0x20) {
      const pad = b[end - 1] as number;
      if (pad === 0 || pad > byteLength - RTCP_HEADER_LENGTH) return decodeFail("bad-padding", end - 1);
      end -= pad;
    }
    const r = decodeRtcpPacketBody(b.subarray(off, end), off);
    if (!r.ok) return r;
    out.push(r.value);
    off += byteLength;
  }
  return decodeOk(out);
}

/** Dispatches one packet (header included, padding removed) on its packet type and format. */
function decodeRtcpPacketBody(p: Uint8Array, at: number): Decoded<RtcpPacket, RtcpDecodeErrorCode> {
  const count = (p[0] as number) & 0x1f;
  const pt = p[1] as number;
  switch (pt) {
    case RtcpPacketType.SR:
      return decodeSenderReport(p, at);
    case RtcpPacketType.RR:
      return decodeReceiverReport(p, at);
    case RtcpPacketType.SDES:
      return decodeSourceDescription(p, at);
    case RtcpPacketType.BYE:
      return decodeBye(p, at);
    case RtcpPacketType.APP:
      return decodeApp(p, at);
    case RtcpPacketType.RTPFB:
      if (count === RtpfbFormat.GenericNack) return decodeGenericNack(p, at);
      if (count === RtpfbFormat.TransportWideCc) return decodeTransportWideFeedback(p, at);
      break;
    case RtcpPacketType.PSFB:
      if (count === PsfbFormat.PLI) return decodePictureLossIndication(p, at);
      if (count === PsfbFormat.FIR) return decodeFullIntraRequest(p, at);
      if (count === PsfbFormat.AFB && isRembPacket(p)) return decodeReceiverEstimatedMaxBitrate(p, at);
      break;
  }
  return decodeOk({ type: "unknown", packetType: pt, count, body: wholeWords(p, RTCP_HEADER_LENGTH) });
}

/** Encodes one RTCP packet (no padding). Throws a `UsageError` for unrepresentable values. */
export function encodeRtcpPacket(p: RtcpPacket): Uint8Array {
  switch (p.type) {
    case "sr":
      return encodeSenderReport(p);
    case "rr":
      return encodeReceiverReport(p);
    case "sdes":
      return encodeSourceDescription(p);
    case "bye":
      return encodeBye(p);
    case "app":
      return encodeApp(p);
    case "nack":
      return encodeGenericNack(p);
    case "pli":
      return encodePictureLossIndication(p);
    case "fir":
      return encodeFullIntraRequest(p);
    case "remb":
      return encodeReceiverEstimatedMaxBitrate(p);
    case "twcc":
      return encodeTransportWideFeedback(p);
    case "unknown": {
      const body = p.body.length % 4 === 0 ? p.body : padTo4(p.body);
      const out = new Uint8Array(RTCP_HEADER_LENGTH + body.length);
      writeRtcpHeader(out, 0, p.count, p.packetType, out.length);
      out.set(body, RTCP_HEADER_LENGTH);
      return out;
    }
  }
}

/** RFC 3550 §6.1: a compound packet is the concatenation of its packets. */
export function encodeRtcpCompound(packets: readonly RtcpPacket[]): Uint8Array {
  const parts = packets.map(encodeRtcpPacket);
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function padTo4(b: Uint8Array): Uint8Array {
  const out = new Uint8Array((b.length + 3) & ~3);
  out.set(b);
  return out;
}

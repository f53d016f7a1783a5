import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { ONE_BYTE_PROFILE, type RtpHeaderExtension, TWO_BYTE_PROFILE } from "./header-extension.js";
import { RTP_FIXED_HEADER_LENGTH } from "./rtp-header.js";

/**
 * The transport-wide sequence number header extension, draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §2: one 16-bit number per RTP packet, counting every packet the sender puts on the transport (all SSRCs,
 * retransmissions and padding included), which the receiver's feedback (`rtcp-transport-feedback.ts`)
 * refers to.
 *
 * ```
 *  0                   1                   2
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ID   | L=1   |transport-wide sequence number |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export const TRANSPORT_SEQUENCE_NUMBER_LENGTH = 2;

export function encodeTransportSequenceNumber(seq: number): Uint8Array {
  return Uint8Array.of((seq >>> 8) & 0xff, seq & 0xff);
}

export function decodeTransportSequenceNumber(data: Uint8Array): Decoded<number, "twcc-seq-length"> {
  if (data.length !== TRANSPORT_SEQUENCE_NUMBER_LENGTH) return decodeFail("twcc-seq-length", 0);
  return decodeOk(((data[0] as number) << 8) | (data[1] as number));
}

/**
 * Where the data of the RFC 8285 element `id` starts inside an encoded RTP packet, with its length:
 * for rewriting a field in place (the transport-wide sequence number is given when the packet leaves, after
 * it was encoded). Undefined when the packet has no such element or its header does not parse.
 */
export function findExtensionElementInPacket(
  packet: Uint8Array,
  id: number,
): { readonly offset: number; readonly length: number } | undefined {
  const offset = extensionElementOffset(packet, id);
  if (offset < 0) return undefined;
  const b0 = packet[0] as number;
  const start = RTP_FIXED_HEADER_LENGTH + (b0 & 0x0f) * 4;
  const oneByte = (((packet[start] as number) << 8) | (packet[start + 1] as number)) === ONE_BYTE_PROFILE;
  const length = oneByte ? ((packet[offset - 1] as number) & 0x0f) + 1 : (packet[offset - 1] as number);
  return { offset, length };
}

/**
 * `findExtensionElementInPacket` without allocating (the send path runs it for every packet): the offset of
 * element `id`'s data in an encoded RTP packet, or −1.
 */
export function extensionElementOffset(packet: Uint8Array, id: number): number {
  const b0 = packet[0] ?? 0;
  if (b0 >> 6 !== 2 || (b0 & 0x10) === 0) return -1;
  const start = RTP_FIXED_HEADER_LENGTH + (b0 & 0x0f) * 4;
  if (start + 4 > packet.length) return -1;
  const profile = ((packet[start] as number) << 8) | (packet[start + 1] as number);
  const end = start + 4 + (((packet[start + 2] as number) << 8) | (packet[start + 3] as number)) * 4;
  if (end > packet.length) return -1;
  return elementOffset(packet, start + 4, end, profile, id);
}

/**
 * The transport-wide sequence number carried in element `id` of a decoded packet's extension block, or −1
 * when it has none (or one of another length) — without allocating: the receive path reads it for every
 * packet.
 */
export function transportSequenceNumberOf(ext: RtpHeaderExtension, id: number): number {
  const d = ext.data;
  const at = elementOffset(d, 0, d.length, ext.profile, id);
  if (at < 0) return -1;
  const len = ext.profile === ONE_BYTE_PROFILE ? ((d[at - 1] as number) & 0x0f) + 1 : (d[at - 1] as number);
  return len === TRANSPORT_SEQUENCE_NUMBER_LENGTH ? ((d[at] as number) << 8) | (d[at + 1] as number) : -1;
}

/** RFC 8285 §4.2 / §4.3 elements in b[from, end): the offset of element `id`'s data, or −1. */
function elementOffset(b: Uint8Array, from: number, end: number, profile: number, id: number): number {
  let i = from;
  if (profile === ONE_BYTE_PROFILE) {
    while (i < end) {
      const x = b[i] as number;
      if (x === 0) {
        i++;
        continue;
      }
      const elementId = x >> 4;
      if (elementId === 15) return -1;
      const len = (x & 0x0f) + 1;
      if (i + 1 + len > end) return -1;
      if (elementId === id) return i + 1;
      i += 1 + len;
    }
  } else if ((profile & 0xfff0) === TWO_BYTE_PROFILE) {
    while (i < end) {
      const elementId = b[i] as number;
      if (elementId === 0) {
        i++;
        continue;
      }
      if (i + 2 > end) return -1;
      const len = b[i + 1] as number;
      if (i + 2 + len > end) return -1;
      if (elementId === id) return i + 2;
      i += 2 + len;
    }
  }
  return -1;
}

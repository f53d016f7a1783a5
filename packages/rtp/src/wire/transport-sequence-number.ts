import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { ONE_BYTE_PROFILE, TWO_BYTE_PROFILE } from "./header-extension.js";
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
  const b0 = packet[0] ?? 0;
  if (b0 >> 6 !== 2 || (b0 & 0x10) === 0) return undefined;
  const start = RTP_FIXED_HEADER_LENGTH + (b0 & 0x0f) * 4;
  if (start + 4 > packet.length) return undefined;
  const profile = ((packet[start] as number) << 8) | (packet[start + 1] as number);
  const end = start + 4 + (((packet[start + 2] as number) << 8) | (packet[start + 3] as number)) * 4;
  if (end > packet.length) return undefined;
  let i = start + 4;
  if (profile === ONE_BYTE_PROFILE) {
    while (i < end) {
      const b = packet[i] as number;
      if (b === 0) {
        i++;
        continue;
      }
      const elementId = b >> 4;
      if (elementId === 15) return undefined;
      const len = (b & 0x0f) + 1;
      if (i + 1 + len > end) return undefined;
      if (elementId === id) return { offset: i + 1, length: len };
      i += 1 + len;
    }
  } else if ((profile & 0xfff0) === TWO_BYTE_PROFILE) {
    while (i < end) {
      const elementId = packet[i] as number;
      if (elementId === 0) {
        i++;
        continue;
      }
      if (i + 2 > end) return undefined;
      const len = packet[i + 1] as number;
      if (i + 2 + len > end) return undefined;
      if (elementId === id) return { offset: i + 2, length: len };
      i += 2 + len;
    }
  }
  return undefined;
}

import { type Decoded, decodeFail, decodeOk, UsageError } from "./decoded.js";
import { readU32, writeU32 } from "./network-order.js";
import {
  RTCP_HEADER_LENGTH,
  type RtcpDecodeErrorCode,
  RtcpPacketType,
  writeRtcpHeader,
} from "./rtcp-header.js";

/**
 * SDES: Source Description, RFC 3550 §6.5.
 *
 * ```
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    SC   |  PT=SDES=202  |             length            |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * chunk  |                          SSRC/CSRC_1                          |
 *   1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                           SDES items                          |
 *        |                              ...                              |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * ```
 * Each item is `type(8) length(8) text`; a chunk's list ends with a null octet and zero padding to the
 * next 32-bit boundary.
 */
const utf8Decoder = new TextDecoder("utf-8");
const utf8Encoder = new TextEncoder();

export interface SourceDescription {
  readonly type: "sdes";
  readonly chunks: readonly SdesChunk[];
}

export interface SdesChunk {
  readonly ssrc: number;
  readonly items: readonly SdesItem[];
}

export interface SdesItem {
  /** an `SdesItemType` value */
  readonly type: number;
  /** the item's octets, UTF-8 text per RFC 3550 §6.5 (kept raw: see `sdesItemText`) */
  readonly value: Uint8Array;
}

/** An item from text (UTF-8 encoded). */
export function sdesItem(type: number, text: string): SdesItem {
  return { type, value: utf8Encoder.encode(text) };
}

/** An item's text; invalid UTF-8 decodes to U+FFFD. */
export function sdesItemText(item: SdesItem): string {
  return utf8Decoder.decode(item.value);
}

/** IANA "RTP SDES Item Types" (RFC 3550 §12.2). */
export const SdesItemType = {
  END: 0,
  CNAME: 1,
  NAME: 2,
  EMAIL: 3,
  PHONE: 4,
  LOC: 5,
  TOOL: 6,
  NOTE: 7,
  PRIV: 8,
} as const;

export function decodeSourceDescription(
  packet: Uint8Array,
  at: number,
): Decoded<SourceDescription, RtcpDecodeErrorCode> {
  const sc = (packet[0] as number) & 0x1f;
  const chunks: SdesChunk[] = [];
  let off = RTCP_HEADER_LENGTH;
  for (let c = 0; c < sc; c++) {
    if (off + 4 > packet.length) return decodeFail("sdes-truncated", at + off);
    const ssrc = readU32(packet, off);
    off += 4;
    const items: SdesItem[] = [];
    for (;;) {
      if (off >= packet.length) return decodeFail("sdes-truncated", at + off);
      const type = packet[off] as number;
      if (type === SdesItemType.END) {
        off = (off + 4) & ~3; // the null octet and padding to the next word
        break;
      }
      if (off + 2 > packet.length) return decodeFail("sdes-truncated", at + off);
      const len = packet[off + 1] as number;
      if (off + 2 + len > packet.length) return decodeFail("sdes-truncated", at + off + 1);
      items.push({ type, value: packet.subarray(off + 2, off + 2 + len) });
      off += 2 + len;
    }
    chunks.push({ ssrc, items });
  }
  return decodeOk({ type: "sdes", chunks });
}

export function encodeSourceDescription(sdes: Omit<SourceDescription, "type">): Uint8Array {
  if (sdes.chunks.length > 31) throw new UsageError("at most 31 SDES chunks per packet");
  const encoded = sdes.chunks.map((c) => ({
    ssrc: c.ssrc,
    items: c.items.map((i) => {
      if (i.type < 1 || i.type > 255 || i.value.length > 255)
        throw new UsageError("SDES item type 1–255, value ≤ 255 octets");
      return { type: i.type, text: i.value };
    }),
  }));
  let len = RTCP_HEADER_LENGTH;
  for (const c of encoded) {
    let n = 4;
    for (const i of c.items) n += 2 + i.text.length;
    len += (n + 4) & ~3; // at least one null octet, then to the next word
  }
  const out = new Uint8Array(len);
  writeRtcpHeader(out, 0, encoded.length, RtcpPacketType.SDES, len);
  let off = RTCP_HEADER_LENGTH;
  for (const c of encoded) {
    writeU32(out, off, c.ssrc);
    off += 4;
    for (const i of c.items) {
      out[off] = i.type;
      out[off + 1] = i.text.length;
      out.set(i.text, off + 2);
      off += 2 + i.text.length;
    }
    off = (off + 4) & ~3;
  }
  return out;
}

/** The CNAME of `ssrc` in an SDES packet, if present. */
export function sdesCname(sdes: SourceDescription, ssrc: number): string | undefined {
  for (const c of sdes.chunks) {
    if (c.ssrc !== ssrc) continue;
    for (const i of c.items) if (i.type === SdesItemType.CNAME) return sdesItemText(i);
  }
  return undefined;
}

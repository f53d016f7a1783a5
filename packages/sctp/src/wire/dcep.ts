import { type Decoded, decodeFail, decodeOk, UsageError } from "./decoded.js";
import { readU16, readU32, writeU16, writeU32 } from "./network-order.js";

/** DCEP Message Type, RFC 8832 §8.2.1. */
export const DcepMessageType = { DATA_CHANNEL_ACK: 0x02, DATA_CHANNEL_OPEN: 0x03 } as const;

/** DCEP Channel Type, RFC 8832 §5.1 (the high bit means unordered). */
export const DataChannelType = {
  DATA_CHANNEL_RELIABLE: 0x00,
  DATA_CHANNEL_RELIABLE_UNORDERED: 0x80,
  DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT: 0x01,
  DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT_UNORDERED: 0x81,
  DATA_CHANNEL_PARTIAL_RELIABLE_TIMED: 0x02,
  DATA_CHANNEL_PARTIAL_RELIABLE_TIMED_UNORDERED: 0x82,
} as const;

/** Priority values RFC 8832 §5.1 names (any 16-bit value may be sent). */
export const DataChannelPriority = { BelowNormal: 128, Normal: 256, High: 512, ExtraHigh: 1024 } as const;

/**
 * DATA_CHANNEL_OPEN, RFC 8832 §5.1, sent with PPID 50 on the channel's stream:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Message Type |  Channel Type |            Priority           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Reliability Parameter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Label Length          |       Protocol Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               /
 * |                             Label                             |
 * /                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               /
 * |                            Protocol                           |
 * /                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * The Reliability Parameter is the retransmission count (REXMIT) or the lifetime in ms (TIMED), and is
 * ignored (sent as 0) for the reliable types. Label and protocol are UTF-8, unpadded. `ordered` and
 * `reliability` read the Channel Type.
 */
export interface DataChannelOpen {
  readonly type: "data-channel-open";
  readonly channelType: number;
  readonly priority: number;
  readonly reliabilityParameter: number;
  readonly label: string;
  readonly protocol: string;
}

/** DATA_CHANNEL_ACK, RFC 8832 §5.2: one octet, 0x02. */
export interface DataChannelAck {
  readonly type: "data-channel-ack";
}

export type DcepMessage = DataChannelOpen | DataChannelAck;

export type DcepDecodeErrorCode =
  | "dcep-empty"
  | "dcep-unknown-message-type"
  | "dcep-truncated"
  | "dcep-unknown-channel-type"
  | "dcep-label-not-utf8"
  | "dcep-protocol-not-utf8";

export const DATA_CHANNEL_OPEN_FIXED_LENGTH = 12;

export function isKnownDataChannelType(channelType: number): boolean {
  return (channelType & 0x7f) <= 2;
}

/** Channel Types with the high bit set deliver out of order. */
export function dataChannelOrdered(channelType: number): boolean {
  return (channelType & 0x80) === 0;
}

export type DataChannelReliability =
  | { readonly kind: "reliable" }
  | { readonly kind: "max-retransmits"; readonly maxRetransmits: number }
  | { readonly kind: "max-packet-life-time"; readonly maxPacketLifeTimeMs: number };

export function dataChannelReliability(open: DataChannelOpen): DataChannelReliability {
  switch (open.channelType & 0x7f) {
    case 1:
      return { kind: "max-retransmits", maxRetransmits: open.reliabilityParameter };
    case 2:
      return { kind: "max-packet-life-time", maxPacketLifeTimeMs: open.reliabilityParameter };
    default:
      return { kind: "reliable" };
  }
}

/** The Channel Type for an ordering and a reliability. */
export function dataChannelType(ordered: boolean, reliability: DataChannelReliability["kind"]): number {
  const base = reliability === "max-retransmits" ? 1 : reliability === "max-packet-life-time" ? 2 : 0;
  return ordered ? base : base | 0x80;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

function decodeUtf8(b: Uint8Array): string | undefined {
  try {
    return utf8.decode(b);
  } catch {
    return undefined;
  }
}

/**
 * A DCEP message (the user data of a PPID 50 DATA chunk). Never throws; a failure closes that one
 * channel (RFC 8832 §6: the machine resets the stream), never the association. Octets after the
 * protocol are ignored.
 */
export function decodeDcepMessage(b: Uint8Array): Decoded<DcepMessage, DcepDecodeErrorCode> {
  if (b.length === 0) return decodeFail("dcep-empty", 0);
  const messageType = b[0] as number;
  if (messageType === DcepMessageType.DATA_CHANNEL_ACK) return decodeOk({ type: "data-channel-ack" });
  if (messageType !== DcepMessageType.DATA_CHANNEL_OPEN) return decodeFail("dcep-unknown-message-type", 0);
  if (b.length < DATA_CHANNEL_OPEN_FIXED_LENGTH) return decodeFail("dcep-truncated", b.length);
  const channelType = b[1] as number;
  if (!isKnownDataChannelType(channelType)) return decodeFail("dcep-unknown-channel-type", 1);
  const labelLength = readU16(b, 8);
  const protocolLength = readU16(b, 10);
  const labelEnd = DATA_CHANNEL_OPEN_FIXED_LENGTH + labelLength;
  if (labelEnd + protocolLength > b.length) return decodeFail("dcep-truncated", b.length);
  const label = decodeUtf8(b.subarray(DATA_CHANNEL_OPEN_FIXED_LENGTH, labelEnd));
  if (label === undefined) return decodeFail("dcep-label-not-utf8", DATA_CHANNEL_OPEN_FIXED_LENGTH);
  const protocol = decodeUtf8(b.subarray(labelEnd, labelEnd + protocolLength));
  if (protocol === undefined) return decodeFail("dcep-protocol-not-utf8", labelEnd);
  return decodeOk({
    type: "data-channel-open",
    channelType,
    priority: readU16(b, 2),
    reliabilityParameter: readU32(b, 4),
    label,
    protocol,
  });
}

/** The user data of a PPID 50 DATA chunk. Throws `UsageError` for a label or protocol over 65535 octets. */
export function encodeDcepMessage(m: DcepMessage): Uint8Array {
  if (m.type === "data-channel-ack") return Uint8Array.of(DcepMessageType.DATA_CHANNEL_ACK);
  const label = utf8Encoder.encode(m.label);
  const protocol = utf8Encoder.encode(m.protocol);
  if (label.length > 0xffff || protocol.length > 0xffff) {
    throw new UsageError("a data channel label or protocol is at most 65535 octets of UTF-8 (RFC 8832 §5.1)");
  }
  if (!isKnownDataChannelType(m.channelType) || m.channelType > 0xff) {
    throw new UsageError(`unknown DCEP Channel Type ${m.channelType}`);
  }
  const out = new Uint8Array(DATA_CHANNEL_OPEN_FIXED_LENGTH + label.length + protocol.length);
  out[0] = DcepMessageType.DATA_CHANNEL_OPEN;
  out[1] = m.channelType;
  writeU16(out, 2, m.priority);
  writeU32(out, 4, m.reliabilityParameter);
  writeU16(out, 8, label.length);
  writeU16(out, 10, protocol.length);
  out.set(label, DATA_CHANNEL_OPEN_FIXED_LENGTH);
  out.set(protocol, DATA_CHANNEL_OPEN_FIXED_LENGTH + label.length);
  return out;
}

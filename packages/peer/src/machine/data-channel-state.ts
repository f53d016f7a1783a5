import type { SendOptions } from "@tern/sctp";
import { DataChannelUsageError } from "./data-channel-error.js";

/** W3C webrtc-pc §6.2 RTCDataChannelState. */
export type DataChannelReadyState = "connecting" | "open" | "closing" | "closed";

/** webrtc-priority RTCPriorityType; on the wire as the DCEP Priority (RFC 8832 §5.1, RFC 8831 §6.4). */
export type DataChannelPriority = "very-low" | "low" | "medium" | "high";

export const DCEP_PRIORITY: Readonly<Record<DataChannelPriority, number>> = {
  "very-low": 128,
  low: 256,
  medium: 512,
  high: 1024,
};

/** The DCEP Priority received, as the nearest RTCPriorityType at or below it. */
export function priorityFromDcep(p: number): DataChannelPriority {
  if (p >= 1024) return "high";
  if (p >= 512) return "medium";
  if (p >= 256) return "low";
  return "very-low";
}

/** What a channel is made with (W3C RTCDataChannelInit, checked). */
export interface DataChannelInit {
  readonly label: string;
  readonly protocol: string;
  readonly ordered: boolean;
  /** PR-SCTP "rtx" policy (RFC 3758); null: reliable. */
  readonly maxRetransmits: number | null;
  /** PR-SCTP "ttl" policy in ms; null: reliable. */
  readonly maxPacketLifeTime: number | null;
  /** Agreed out of band (no DCEP): the id is fixed by the application. */
  readonly negotiated: boolean;
  readonly id: number | null;
  readonly priority: DataChannelPriority;
}

const utf8 = new TextEncoder();

/** W3C createDataChannel's checks on the init (§6.1 steps 7–15); `invalid-argument` is its TypeError. */
export function checkDataChannelInit(init: DataChannelInit): void {
  if (utf8.encode(init.label).length > 65535 || utf8.encode(init.protocol).length > 65535) {
    throw new DataChannelUsageError("invalid-argument", "label and protocol are at most 65535 octets");
  }
  if (init.maxRetransmits !== null && init.maxPacketLifeTime !== null) {
    throw new DataChannelUsageError("invalid-argument", "maxRetransmits and maxPacketLifeTime both given");
  }
  for (const v of [init.maxRetransmits, init.maxPacketLifeTime]) {
    if (v !== null && !(Number.isInteger(v) && v >= 0)) {
      throw new DataChannelUsageError(
        "invalid-argument",
        "maxRetransmits / maxPacketLifeTime: unsigned short",
      );
    }
  }
  if (init.negotiated && init.id === null) {
    throw new DataChannelUsageError("invalid-argument", "a negotiated channel needs an id");
  }
  if (init.id !== null && !(Number.isInteger(init.id) && init.id >= 0 && init.id <= 65534)) {
    throw new DataChannelUsageError("invalid-argument", `id ${init.id} is not in 0..65534`);
  }
}

/** webrtc-stats RTCDataChannelStats counters. */
export interface DataChannelCounters {
  messagesSent: number;
  bytesSent: number;
  messagesReceived: number;
  bytesReceived: number;
}

/**
 * One data channel on the association (RFC 8831 §6.1: one SCTP stream id both ways): what it was made
 * with, its W3C state, where its DCEP handshake (RFC 8832 §6) and its closing (RFC 8831 §6.7, a stream
 * reset each way) stand. The `DataChannels` machine owns and changes it; its users read it.
 */
export class DataChannelState {
  readonly label: string;
  readonly protocol: string;
  readonly ordered: boolean;
  readonly maxRetransmits: number | null;
  readonly maxPacketLifeTime: number | null;
  readonly negotiated: boolean;
  readonly priority: DataChannelPriority;
  /** The SCTP stream id; null until the DTLS role is known (RFC 8832 §6: even for the client). */
  id: number | null;
  readyState: DataChannelReadyState = "connecting";
  /** W3C bufferedAmountLowThreshold. */
  bufferedAmountLowThreshold = 0;
  /** Bytes given to `send` and not yet handed to the network, as last seen (W3C [[BufferedAmount]]). */
  bufferedAmount = 0;
  readonly counters: DataChannelCounters = {
    messagesSent: 0,
    bytesSent: 0,
    messagesReceived: 0,
    bytesReceived: 0,
  };
  /** webrtc-stats dataChannelIdentifier's companion: a number unique in the connection. */
  readonly serial: number;
  /**
   * We sent DATA_CHANNEL_OPEN and have not heard back (no ACK, no message on the stream): messages go
   * ordered meanwhile (RFC 8832 §6), whatever the channel's ordering.
   */
  awaitingAck = false;
  /** Our outgoing stream reset is requested (closing) / completed. */
  outgoingReset: "none" | "requested" | "done" = "none";
  /** The peer reset its outgoing stream (it is closing the channel, or answering our reset). */
  incomingReset = false;
  /** Why it closed abnormally (an `error` event precedes `close`): a DCEP failure, the transport's end. */
  error: string | undefined;

  constructor(init: DataChannelInit, serial: number) {
    this.label = init.label;
    this.protocol = init.protocol;
    this.ordered = init.ordered;
    this.maxRetransmits = init.maxRetransmits;
    this.maxPacketLifeTime = init.maxPacketLifeTime;
    this.negotiated = init.negotiated;
    this.priority = init.priority;
    this.id = init.id;
    this.serial = serial;
  }

  /** A channel only the peer knew, refused (RFC 8832 §6): closed through its stream, never announced. */
  get hidden(): boolean {
    return this.serial < 0;
  }

  /** Reliable unless a PR-SCTP policy was given. */
  get reliable(): boolean {
    return this.maxRetransmits === null && this.maxPacketLifeTime === null;
  }

  /** The SCTP send options of one user message (RFC 8831 §6.6). */
  sendOptions(): SendOptions {
    const unordered = !this.ordered && !this.awaitingAck;
    if (this.maxRetransmits !== null) return { unordered, maxRetransmits: this.maxRetransmits };
    if (this.maxPacketLifeTime !== null) return { unordered, maxPacketLifeTimeMs: this.maxPacketLifeTime };
    return unordered ? UNORDERED : ORDERED;
  }
}

const ORDERED: SendOptions = {};
const UNORDERED: SendOptions = { unordered: true };

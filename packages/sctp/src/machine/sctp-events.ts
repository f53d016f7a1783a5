import type { SctpError } from "./sctp-error.js";

export type Millis = number;

/** Association states, RFC 9260 §4. */
export type SctpAssociationState =
  | "closed"
  | "cookie-wait"
  | "cookie-echoed"
  | "established"
  | "shutdown-pending"
  | "shutdown-sent"
  | "shutdown-received"
  | "shutdown-ack-sent";

/** What `pollEvent` returns, discriminated on `kind`. */
export type SctpEvent =
  | {
      readonly kind: "connected";
      readonly maxOutboundStreams: number;
      readonly maxInboundStreams: number;
      /** Both sides announced I-DATA (RFC 8260): messages interleave. */
      readonly iData: boolean;
      /** We send zero checksums (the peer announced Zero Checksum Acceptable, DTLS method). */
      readonly zeroChecksumSend: boolean;
      /** We accept zero checksums (we announced it). */
      readonly zeroChecksumReceive: boolean;
    }
  /** One whole user message. `data` is ours to give away: the association keeps no reference. */
  | {
      readonly kind: "message";
      readonly streamId: number;
      readonly ppid: number;
      readonly data: Uint8Array;
      readonly unordered: boolean;
    }
  /** The stream's `bufferedAmount` went down (at most one per stream per drain of `pollTransmit`). */
  | { readonly kind: "buffered-amount"; readonly streamId: number; readonly bufferedAmount: number }
  /**
   * RFC 6525 reset done: `outgoing` — our reset request succeeded, the ids are usable again for sending;
   * `incoming` — the peer reset its outgoing side of these streams (WebRTC: the channel is closing,
   * RFC 8831 §6.7, answer with `resetStreams` on the same ids).
   */
  | {
      readonly kind: "stream-reset";
      readonly streamIds: readonly number[];
      readonly direction: "incoming" | "outgoing";
    }
  /**
   * The peer restarted the association (RFC 9260 §5.2.4 case A): sequence numbers start over, data in
   * flight was dropped. Streams stay as they were configured.
   */
  | { readonly kind: "restarted" }
  /**
   * Ended: `shutdown` graceful (either side), `abort-received` the peer sent ABORT (`cause` its error
   * causes, in words), `abort-sent` we called `abort()`.
   */
  | {
      readonly kind: "closed";
      readonly reason: "shutdown" | "abort-received" | "abort-sent";
      readonly cause?: string;
    }
  | { readonly kind: "failed"; readonly error: SctpError };

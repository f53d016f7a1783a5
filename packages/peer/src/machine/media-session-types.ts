import type { DtlsCertificate, DtlsError, SrtpProfileName } from "@tern/dtls-srtp";
import type { RtpPacket } from "@tern/rtp";
import type { BandwidthEstimate, CongestionControlOptions } from "./congestion-controller.js";
import type { DataChannels } from "./data-channels.js";
import type { DtlsTransportOptions } from "./dtls-transport.js";

export interface MediaSessionOptions extends Pick<DtlsTransportOptions, "dtlsVersions" | "dtlsGroups"> {
  readonly certificate: DtlsCertificate;
  readonly random: (n: number) => Uint8Array;
  /** RTCP CNAME (RFC 7022) of this endpoint. */
  readonly cname: string;
  /** Unix time (ms) at `now` = 0: SR NTP timestamps are wall-clock. */
  readonly unixMsAtZero: number;
  /**
   * DTLS-SRTP profiles in preference order. Default AES_CM_80, GCM-128, GCM-256, AES_CM_32: with node:crypto,
   * AES-CM + HMAC-SHA1 batches its keystream and costs about a third of GCM per packet (GCM needs one cipher
   * object per packet; `pnpm bench srtp`). AES_CM_80 is also what Chromium picks as a DTLS server.
   */
  readonly srtpProfiles?: readonly number[];
  /** First DTLS retransmission; default 100 ms (ICE has proved the path; a loopback RTT is µs). */
  readonly dtlsInitialRetransmitMs?: number;
  /** SRTP replay window per SSRC (default 1024 for video-heavy sessions). */
  readonly replayWindowPackets?: number;
  /** RTCP report interval; default 1000 ms. */
  readonly rtcpIntervalMs?: number;
  readonly keyLog?: (line: string) => void;
  /** Whether anyone wants the raw RTP of `mid` (an `rtp` event per packet); default nobody. */
  readonly wantsRtp?: (mid: string) => boolean;
  /**
   * Pace outgoing media (frames, ready RTP packets and NACK answers of every sender) at this many bits per
   * second (`PacedSender`: a token bucket, 5 ms bursts), whatever congestion control estimates. Default:
   * the estimate × the pacing factor when transport-wide CC is negotiated, else no pacing. RTCP is never
   * paced.
   */
  readonly pacingBitrateBps?: number;
  /** The bandwidth estimator's start, minimum and maximum bitrates and the pacing factor. */
  readonly congestionControl?: CongestionControlOptions;
  /**
   * The connection's data channels (RFC 8831): DTLS application data goes to their SCTP association and
   * its packets go out as DTLS records (`flushData`); their events are polled from them.
   */
  readonly dataChannels?: DataChannels;
}

export type MediaSessionEvent =
  | {
      readonly kind: "dtls-connected";
      readonly cipherSuite: string;
      /** Undefined when the handshake negotiated no SRTP profile (allowed when no media is negotiated). */
      readonly srtpProfile: SrtpProfileName | undefined;
      readonly remoteFingerprint: string | undefined;
    }
  | { readonly kind: "failed"; readonly error: DtlsError | Error }
  | { readonly kind: "closed" }
  | { readonly kind: "remote-stream"; readonly mid: string; readonly ssrc: number }
  | {
      readonly kind: "frame";
      readonly mid: string;
      readonly ssrc: number;
      readonly data: Uint8Array;
      readonly isKeyframe: boolean;
      readonly rtpTimestamp: number;
    }
  | { readonly kind: "rtp"; readonly mid: string; readonly packet: RtpPacket }
  | { readonly kind: "keyframe-request"; readonly mid: string }
  /** RFC 3550 §6.6: the peer said BYE for these SSRCs; `all`: every stream it sends has now said it. */
  | { readonly kind: "remote-bye"; readonly ssrcs: readonly number[]; readonly all: boolean }
  /** Congestion control's new target bitrate, and each sender's share of it. */
  | { readonly kind: "bandwidth-estimate"; readonly estimate: BandwidthEstimate }
  /** DTLS application data (SCTP, RFC 8261), when no data channels were given to the session. */
  | { readonly kind: "application-data"; readonly data: Uint8Array };

export interface MediaSessionCounters {
  dtlsQueued: number;
  dtlsQueueOverflow: number;
  srtpDropped: number;
  srtcpDropped: number;
  rtpMalformed: number;
  rtpUnknownSsrc: number;
  rtcpMalformed: number;
  notDemuxable: number;
  sentBeforeConnected: number;
}

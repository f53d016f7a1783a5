import { randomUUID } from "node:crypto";
import type { LocalTrack, RemoteTrack } from "../node/media-track.js";
import type { PeerConnection } from "../node/peer-connection.js";
import type { StatsReport } from "../node/peer-stats.js";
import type { Transceiver, TransceiverDirection } from "../node/rtp-transceiver.js";
import { codecOf, type RtpCapabilities, type RtpCodec, rtpCapabilities } from "../node/transceiver-checks.js";
import { DEFAULT_CAPABILITIES, type Direction } from "../sdp/index.js";
import type { MediaStream } from "./media-stream.js";

/** W3C webrtc-pc §5.2.1 RTCRtpEncodingParameters, the members Tern honours. */
export interface RTCRtpEncodingParameters {
  readonly active?: boolean;
  readonly maxBitrate?: number;
  readonly rid?: string;
}

/** W3C webrtc-pc §5.2.1 RTCRtpSendParameters. */
export interface RTCRtpSendParameters {
  readonly transactionId: string;
  readonly encodings: readonly RTCRtpEncodingParameters[];
  readonly codecs: readonly RtpCodec[];
  readonly headerExtensions: readonly { readonly uri: string; readonly id: number }[];
  readonly rtcp: { readonly cname: string; readonly reducedSize: boolean };
}

/** W3C webrtc-pc §5.2.1 RTCRtpReceiveParameters. */
export type RTCRtpReceiveParameters = Omit<RTCRtpSendParameters, "transactionId" | "encodings">;

function negotiatedParameters(
  pc: PeerConnection,
  t: Transceiver,
): Omit<RTCRtpSendParameters, "transactionId" | "encodings"> {
  const m = pc.negotiation.media.find((x) => x.mid === t.mid);
  return {
    codecs: (m?.codecs ?? []).map((c) => ({
      mimeType: `${t.kind}/${c.name}`,
      clockRate: c.clockRate,
      ...(t.kind === "audio" ? { channels: c.channels } : {}),
      ...(c.fmtp === undefined ? {} : { sdpFmtpLine: c.fmtp }),
    })),
    headerExtensions: (m?.extmaps ?? []).map((e) => ({ uri: e.uri, id: e.id })),
    rtcp: { cname: pc.cname, reducedSize: m?.rtcpRsize ?? false },
  };
}

/**
 * W3C webrtc-pc §5.2 RTCRtpSender: the track it sends, replaceTrack (no renegotiation), the parameters of
 * its one encoding (`active`, `maxBitrate`), setStreams, and its stats.
 */
export class RTCRtpSender {
  readonly #pc: PeerConnection;
  readonly #t: Transceiver;
  #transactionId: string | undefined;
  /** DTMF (RFC 4733) is not implemented. */
  readonly dtmf = null;
  /** @internal */
  constructor(pc: PeerConnection, t: Transceiver) {
    this.#pc = pc;
    this.#t = t;
  }
  /** @internal the node-level transceiver */
  get transceiverState(): Transceiver {
    return this.#t;
  }
  get track(): LocalTrack | null {
    return this.#t.sender.track ?? null;
  }
  /** The RTCDtlsTransport object is not implemented (one BUNDLE transport: see the connection's states). */
  get transport(): null {
    return null;
  }
  static getCapabilities(kind: string): RtpCapabilities | null {
    return rtpCapabilities(kind);
  }
  replaceTrack(track: LocalTrack | null): Promise<void> {
    return this.#pc.replaceTrack(this.#t, track);
  }
  setStreams(...streams: MediaStream[]): void {
    if (this.#t.stopping) throw new DOMException("the transceiver is stopped", "InvalidStateError");
    this.#t.sender.streamIds = streams.map((s) => s.id);
    this.#pc.updateNegotiationNeeded();
  }
  getParameters(): RTCRtpSendParameters {
    this.#transactionId = randomUUID();
    const p = this.#t.sender.parameters;
    return {
      transactionId: this.#transactionId,
      encodings: [{ active: p.active, ...(p.maxBitrate === undefined ? {} : { maxBitrate: p.maxBitrate }) }],
      ...negotiatedParameters(this.#pc, this.#t),
    };
  }
  /**
   * webrtc-pc §5.2 setParameters: the transactionId of the last getParameters (else
   * InvalidModificationError), one encoding; `active` false stops sending, `maxBitrate` paces the sender.
   */
  async setParameters(parameters: RTCRtpSendParameters): Promise<void> {
    if (this.#t.stopping) throw new DOMException("the transceiver is stopped", "InvalidStateError");
    if (this.#transactionId === undefined || parameters.transactionId !== this.#transactionId)
      throw new DOMException("transactionId differs from getParameters()", "InvalidModificationError");
    if (parameters.encodings.length !== 1)
      throw new DOMException("Tern sends one encoding per sender", "InvalidModificationError");
    const e = parameters.encodings[0] ?? {};
    if (e.maxBitrate !== undefined && !(e.maxBitrate > 0 && Number.isFinite(e.maxBitrate)))
      throw new RangeError("maxBitrate must be a positive number");
    this.#transactionId = undefined;
    this.#pc.setSenderParameters(this.#t, {
      active: e.active ?? true,
      ...(e.maxBitrate === undefined ? {} : { maxBitrate: e.maxBitrate }),
    });
  }
  getStats(): Promise<StatsReport> {
    return this.#pc.getStats({ transceiver: this.#t, side: "sender" });
  }
}

/** W3C webrtc-pc §5.3 RTCRtpReceiver: the remote track, its parameters and stats. */
export class RTCRtpReceiver {
  readonly #pc: PeerConnection;
  readonly #t: Transceiver;
  /** @internal */
  constructor(pc: PeerConnection, t: Transceiver) {
    this.#pc = pc;
    this.#t = t;
  }
  get track(): RemoteTrack {
    return this.#t.receiver.track;
  }
  /** The RTCDtlsTransport object is not implemented (one BUNDLE transport: see the connection's states). */
  get transport(): null {
    return null;
  }
  static getCapabilities(kind: string): RtpCapabilities | null {
    return rtpCapabilities(kind);
  }
  getParameters(): RTCRtpReceiveParameters {
    return negotiatedParameters(this.#pc, this.#t);
  }
  /** Contributing sources (RFC 3550 CSRC) are not tracked: always empty. */
  getContributingSources(): [] {
    return [];
  }
  /** Synchronization sources are not tracked: always empty. */
  getSynchronizationSources(): [] {
    return [];
  }
  getStats(): Promise<StatsReport> {
    return this.#pc.getStats({ transceiver: this.#t, side: "receiver" });
  }
}

/**
 * W3C webrtc-pc §5.4 RTCRtpTransceiver: mid, sender, receiver, direction (setting it may need a
 * renegotiation), currentDirection, stop(), setCodecPreferences().
 */
export class RTCRtpTransceiver {
  readonly #pc: PeerConnection;
  readonly #t: Transceiver;
  readonly sender: RTCRtpSender;
  readonly receiver: RTCRtpReceiver;
  /** @internal */
  constructor(pc: PeerConnection, t: Transceiver) {
    this.#pc = pc;
    this.#t = t;
    this.sender = new RTCRtpSender(pc, t);
    this.receiver = new RTCRtpReceiver(pc, t);
  }
  get mid(): string | null {
    return this.#t.mid;
  }
  get direction(): TransceiverDirection {
    return this.#t.direction;
  }
  set direction(direction: Direction) {
    if (!["sendrecv", "sendonly", "recvonly", "inactive"].includes(direction))
      throw new TypeError(`not a direction: ${String(direction)}`);
    this.#pc.setDirection(this.#t, direction);
  }
  get currentDirection(): TransceiverDirection | null {
    return this.#t.currentDirection ?? null;
  }
  stop(): void {
    this.#pc.stopTransceiver(this.#t);
  }
  setCodecPreferences(codecs: readonly RtpCodec[]): void {
    this.#pc.setCodecPreferences(this.#t, codecs);
  }
}

/** The codecs Tern would offer for a kind (for tests and examples of setCodecPreferences). */
export function defaultCodecs(kind: "audio" | "video"): RtpCodec[] {
  return DEFAULT_CAPABILITIES.codecs.filter((c) => c.kind === kind).map(codecOf);
}

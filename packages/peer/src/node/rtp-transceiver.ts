import type { CodecCapability, Direction } from "../sdp/index.js";
import { randomSsrc } from "./local-parameters.js";
import { type LocalTrack, RemoteTrack, type TrackSink } from "./media-track.js";

/** W3C webrtc-pc RTCRtpTransceiverDirection: a direction, or "stopped". */
export type TransceiverDirection = Direction | "stopped";

/** W3C webrtc-pc RTCRtpEncodingParameters, the members Tern honours. */
export interface SenderParameters {
  /** False: nothing is sent (writeFrame returns false); the m= section stays as negotiated. */
  readonly active: boolean;
  /** bits per second the sender's packets may leave at (a token bucket, as `pacingBitrateBps`). */
  readonly maxBitrate?: number;
}

/** What a transceiver sends: the track, our SSRCs (RTX too), the stream ids (msid) and encoding parameters. */
export interface TransceiverSender {
  track: LocalTrack | undefined;
  readonly ssrc: number;
  readonly rtxSsrc: number;
  streamIds: readonly string[];
  parameters: SenderParameters;
  /** @internal the sink the track writes into while it is on this sender */
  sink: TrackSink | undefined;
}

/**
 * An RTP transceiver (W3C webrtc-pc §5.4, RFC 8829 §3.4.1): a sender and a receiver sharing one m= section
 * once associated with one. Before that its `mid` is null: a mid is given by the first offer that carries
 * it, ours or the remote's (§5.10), so mids stay unique across the session whoever offered first.
 */
export class Transceiver {
  /** The m= section's mid, once associated (null before, and again after a rollback undoes it). */
  mid: string | null = null;
  /** The direction asked for (`direction` of the W3C transceiver); "stopped" once stop() was called. */
  direction: TransceiverDirection;
  /** The direction negotiated by the last offer/answer (undefined before one, "stopped" once stopped). */
  currentDirection: TransceiverDirection | undefined = undefined;
  readonly sender: TransceiverSender;
  readonly receiver: { readonly track: RemoteTrack };
  /** stop() was called; the stop is negotiated by the next offer/answer. */
  stopping = false;
  /** Stopped for good: nothing is sent or received, the m= section is rejected. */
  stopped = false;
  /** setCodecPreferences: the codecs (and order) this transceiver's m= section offers or accepts. */
  codecPreferences: readonly CodecCapability[] | undefined = undefined;
  /** @internal the index of its m= section in the session (RFC 8829 §5.2.2: kept once given) */
  mLineIndex: number | undefined = undefined;
  /** @internal made by addTrack, so a remote offer may take it for an m= section of its kind (§5.10) */
  addedByAddTrack = false;
  /** @internal [[FiredDirection]] (webrtc-pc §4.4.1.6): what track events have announced so far */
  firedDirection: Direction = "inactive";
  /** @internal the remote stream ids of the m= section (msid), for track events */
  remoteStreamIds: readonly string[] = [];
  /** @internal the codec names negotiated on its m= section (the check of writeFrame) */
  negotiatedCodecs: readonly string[] | undefined = undefined;
  /** @internal its current direction has been sendrecv or sendonly (addTrack does not reuse it then) */
  hasSent = false;

  constructor(
    readonly kind: "audio" | "video",
    direction: Direction,
  ) {
    this.direction = direction;
    this.sender = {
      track: undefined,
      ssrc: randomSsrc(),
      rtxSsrc: randomSsrc(),
      streamIds: [],
      parameters: { active: true },
      sink: undefined,
    };
    this.receiver = { track: new RemoteTrack(kind) };
  }

  /** webrtc-pc addTrack: "the sender has never been used to send". */
  usedToSend(): boolean {
    return this.hasSent;
  }

  /** The direction for descriptions: a stopping transceiver is written as inactive/rejected. */
  get wantedDirection(): Direction {
    return this.direction === "stopped" ? "inactive" : this.direction;
  }
}

import type { MediaSession, MediaSessionEvent } from "../machine/media-session.js";
import { type MediaCodecName, mediaCodecName } from "../machine/payload-formats.js";
import { type LocalStream, planStreams } from "../machine/stream-plan.js";
import { transportCcExtension } from "../machine/transport-cc-extension.js";
import {
  type NegotiatedMedia,
  receives,
  remoteStreams,
  type SessionDescription,
  sends,
} from "../sdp/index.js";
import type { BundleTransport } from "./bundle-transport.js";
import { CodecMismatchError } from "./codec-mismatch-error.js";
import type { LocalTrack, TrackSink } from "./media-track.js";
import type { Transceiver } from "./rtp-transceiver.js";
import { directionFromRemote, type TransceiverSet } from "./transceiver-set.js";

/**
 * Between the transceivers and the media session: the sink a sending track writes into (refusing a codec
 * the m= section did not negotiate, and catching whatever media code throws), the streams configured from
 * a negotiation, and the track events a remote description causes.
 */

/** Counted failures of the write path (bad frames the payload format refused, …). */
export interface WriteCounters {
  writeErrors: number;
}

/** Puts `track` (or none) on the transceiver's sender. */
export function attachTrack(
  t: Transceiver,
  track: LocalTrack | undefined,
  bundle: BundleTransport,
  counters: WriteCounters,
): void {
  const old = t.sender.track;
  if (old && t.sender.sink) old.sinks.delete(t.sender.sink);
  t.sender.track = track;
  t.sender.sink = undefined;
  if (!track) return;
  // No closure per write: this is the media path.
  const sendingMid = (): string | undefined => {
    const mid = t.mid;
    if (mid === null || t.stopping || t.stopped || !t.sender.parameters.active) return undefined;
    const codecs = t.negotiatedCodecs;
    if (codecs !== undefined && codecs.length > 0 && !codecs.includes(track.codec))
      throw new CodecMismatchError(mid, track.codec, codecs);
    return mid;
  };
  // A frame the payload format refuses (an Opus packet larger than a packet): not sent, counted.
  const refused = (): false => {
    counters.writeErrors++;
    return false;
  };
  const sink: TrackSink = {
    frame: (data, ts) => {
      const mid = sendingMid();
      if (mid === undefined) return false;
      try {
        return bundle.sendFrame(mid, data, ts);
      } catch {
        return refused();
      }
    },
    rtp: (packet) => {
      const mid = sendingMid();
      if (mid === undefined) return false;
      try {
        return bundle.sendRtp(mid, packet);
      } catch {
        return refused();
      }
    },
  };
  t.sender.sink = sink;
  track.sinks.add(sink);
}

/**
 * The media session's streams from the last negotiation and the transceivers as they are now: a sender
 * for each transceiver that sends a live track on a negotiated sending m= section, a receiver template
 * where we receive. Stopped transceivers get neither. Records what each m= section negotiated.
 */
export function configureStreams(
  session: MediaSession,
  transceivers: readonly Transceiver[],
  media: readonly NegotiatedMedia[],
  dataNegotiated: boolean,
): void {
  const locals: LocalStream[] = [];
  const live = media.filter((m) => {
    const t = transceivers.find((x) => x.mid === m.mid);
    return t !== undefined && !t.stopped && !t.stopping;
  });
  for (const t of transceivers) {
    const m = live.find((x) => x.mid === t.mid);
    if (!m || t.mid === null) continue;
    t.negotiatedCodecs = m.codecs.flatMap((c) => mediaCodecName(c.name) ?? []) as MediaCodecName[];
    const track = t.sender.track;
    if (track && track.readyState === "live" && t.sender.parameters.active && sends(m.direction))
      locals.push({ mid: t.mid, ssrc: t.sender.ssrc, rtxSsrc: t.sender.rtxSsrc, codec: track.codec });
  }
  const plan = planStreams(live, locals);
  session.configure(plan.senders, plan.receivers, {
    mediaNegotiated:
      live.some((m) => !m.rejected && (m.kind === "audio" || m.kind === "video")) || !dataNegotiated,
    ...transportCcExtension(live),
  });
  for (const t of transceivers) {
    if (t.mid !== null) session.setMaxBitrate(t.mid, t.sender.parameters.maxBitrate);
  }
}

/** A media session's media event, to the track of its mid: a frame, raw RTP, a keyframe request. */
/** The transceiver of `mid` (a loop: asked per packet on the media path, no closure). */
export function transceiverOf(transceivers: readonly Transceiver[], mid: string): Transceiver | undefined {
  for (let i = 0; i < transceivers.length; i++) {
    const t = transceivers[i] as Transceiver;
    if (t.mid === mid) return t;
  }
  return undefined;
}

export function deliverMediaEvent(
  transceivers: readonly Transceiver[],
  e: Extract<MediaSessionEvent, { kind: "frame" | "rtp" | "keyframe-request" }>,
): void {
  const t = transceiverOf(transceivers, e.mid);
  if (!t) return;
  if (e.kind === "frame")
    t.receiver.track.pushFrame({ data: e.data, isKeyframe: e.isKeyframe, rtpTimestamp: e.rtpTimestamp });
  else if (e.kind === "rtp") t.receiver.track.emit("rtp", e.packet);
  else t.sender.track?.emit("keyframerequest");
}

/** A `track` event to fire (webrtc-pc §4.4.1.6 "process the addition of a remote track"). */
export interface TrackEventInit {
  readonly transceiver: Transceiver;
  readonly streams: readonly string[];
}

/**
 * webrtc-pc §4.4.1.6, for a remote offer or answer: per m= section, the direction from our side (the
 * remote's reversed; inactive when rejected). A transceiver that now receives and did not is announced
 * (a `track` event); one that stopped receiving has its track muted. Returns the events, in m= order.
 */
export function processRemoteTracks(set: TransceiverSet, desc: SessionDescription): TrackEventInit[] {
  const events: TrackEventInit[] = [];
  for (const section of desc.media) {
    if (section.mid === undefined) continue;
    const t = set.byMid(section.mid);
    if (!t || t.stopped) continue;
    const direction = directionFromRemote(desc, section);
    const streams = streamIdsOf(section);
    t.remoteStreamIds = streams;
    if (receives(direction) && !receives(t.firedDirection)) events.push({ transceiver: t, streams });
    else if (!receives(direction) && receives(t.firedDirection)) t.receiver.track.setMuted(true);
    t.firedDirection = direction;
  }
  return events;
}

/** The stream ids of an m= section's msid lines (RFC 8830), or of its a=ssrc msid attributes. */
function streamIdsOf(section: SessionDescription["media"][number]): string[] {
  const ids = section.msids.map((m) => m.streamId).filter((id) => id !== "-");
  if (ids.length > 0) return [...new Set(ids)];
  return [...new Set(remoteStreams(section).flatMap((s) => s.streamIds))];
}

import type { LocalTrack } from "./media-track.js";
import type { PeerConnection } from "./peer-connection.js";
import { domError } from "./peer-connection-types.js";
import type { Transceiver } from "./rtp-transceiver.js";
import { attachTrack } from "./stream-wiring.js";

/**
 * webrtc-pc addTrack: onto a transceiver of its kind that has never sent and has no track, else a new
 * sendrecv one. `streams`: the MediaStream ids it is announced under (default: one for the connection).
 */
export function addTrackTo(pc: PeerConnection, track: LocalTrack, streams?: readonly string[]): Transceiver {
  if (pc.set.transceivers.some((t) => t.sender.track === track && !t.stopped))
    throw domError("InvalidAccessError", "the track is already on a sender of this connection");
  const free = pc.set.transceivers.find(
    (t) => t.kind === track.kind && !t.sender.track && !t.stopping && !t.stopped && !t.usedToSend(),
  );
  if (!free) {
    const t = pc.addTransceiver(track, { direction: "sendrecv", ...(streams ? { streams } : {}) });
    t.addedByAddTrack = true;
    return t;
  }
  free.sender.streamIds = streams ?? [pc.cname];
  attachTrack(free, track, pc.bundle, pc.counters);
  if (free.direction === "recvonly") free.direction = "sendrecv";
  else if (free.direction === "inactive") free.direction = "sendonly";
  pc.updateNegotiationNeeded();
  return free;
}

/** webrtc-pc removeTrack: the sender stops sending; its direction drops "send" (renegotiation). */
export function removeTrackFrom(pc: PeerConnection, t: Transceiver): void {
  if (!pc.set.transceivers.includes(t))
    throw domError("InvalidAccessError", "not a sender of this connection");
  if (t.stopping || !t.sender.track) return;
  attachTrack(t, undefined, pc.bundle, pc.counters);
  if (t.direction === "sendrecv") t.direction = "recvonly";
  else if (t.direction === "sendonly") t.direction = "inactive";
  pc.reconfigure();
  pc.updateNegotiationNeeded();
}

/** webrtc-pc RTCRtpTransceiver.stop(): nothing more is sent or received; the stop is negotiated. */
export function stopTransceiverOf(pc: PeerConnection, t: Transceiver): void {
  if (t.stopping) return;
  t.stopping = true;
  t.direction = "stopped";
  t.receiver.track.end();
  if (t.mid === null) {
    // Never in an m= section: nothing to negotiate, it is gone.
    t.stopped = true;
    t.currentDirection = "stopped";
    attachTrack(t, undefined, pc.bundle, pc.counters);
    pc.set.transceivers.splice(pc.set.transceivers.indexOf(t), 1);
  }
  pc.reconfigure();
  pc.updateNegotiationNeeded();
}

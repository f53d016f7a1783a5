/**
 * The demo's negotiation, over @tern/signaling: a FIXED OFFERER. The sender offers to every peer that
 * joins the room; receivers (the Node receiver, browsers) answer. ICE candidates trickle both ways
 * (`candidate`, then `end-of-candidates`); candidates that arrive before the offer wait in the peer
 * connection until it has a remote description.
 */
import type { PeerConnection, PeerConnectionEvents } from "@tern/peer";
import type { RelayedMessage, SignalingClient } from "@tern/signaling";

/** Sends our trickled candidates to `to`; returns the unsubscribe. */
export function trickleCandidates(
  pc: PeerConnection,
  client: SignalingClient,
  room: string,
  to: string,
): () => void {
  const onCandidate = (e: PeerConnectionEvents["icecandidate"][0]): void => {
    const c = e.candidate;
    if (!c) {
      client.send({ type: "end-of-candidates", room, to });
      return;
    }
    client.send({
      type: "candidate",
      room,
      to,
      candidate: {
        candidate: c.candidate,
        sdpMid: c.sdpMid ?? null,
        sdpMLineIndex: c.sdpMLineIndex ?? null,
        ...(c.usernameFragment ? { usernameFragment: c.usernameFragment } : {}),
      },
    });
  };
  pc.on("icecandidate", onCandidate);
  return () => pc.off("icecandidate", onCandidate);
}

/** Applies a relayed `candidate` / `end-of-candidates` to the peer connection. */
export async function applyCandidate(pc: PeerConnection, m: RelayedMessage): Promise<void> {
  if (m.type === "candidate") {
    if (m.candidate === null) await pc.addIceCandidate(null);
    else
      await pc.addIceCandidate({
        candidate: m.candidate.candidate,
        sdpMid: m.candidate.sdpMid ?? null,
        sdpMLineIndex: m.candidate.sdpMLineIndex ?? null,
        usernameFragment: m.candidate.usernameFragment ?? null,
      });
  } else if (m.type === "end-of-candidates") await pc.addIceCandidate(null);
}

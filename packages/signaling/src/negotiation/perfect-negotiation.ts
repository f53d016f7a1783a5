/**
 * Perfect negotiation (W3C webrtc-pc, "Perfect negotiation example"): either side may start a
 * negotiation at any time; when both offer at once (glare), the impolite peer ignores the incoming offer
 * and the polite peer rolls its own back and answers. Give the two peers opposite `polite` values, e.g.
 * `polite: localPeerId < remotePeerId` (see `isPolite`).
 */
import type { IceCandidateInit, PeerMessage, RelayedMessage } from "../wire/signaling-message.js";
import { type IceCandidateLike, listen, type PeerConnectionLike } from "./peer-connection-like.js";

/** What the helper needs from a signaling client (`SignalingClient` fits). */
export interface NegotiationSignaling {
  send(message: PeerMessage): unknown;
  on(event: "signal", listener: (message: RelayedMessage) => void): unknown;
  off(event: "signal", listener: (message: RelayedMessage) => void): unknown;
}

export interface PerfectNegotiationOptions {
  readonly pc: PeerConnectionLike;
  readonly signaling: NegotiationSignaling;
  /** The room both peers are in. */
  readonly room: string;
  readonly remotePeerId: string;
  /** Exactly one of the two peers is polite. */
  readonly polite: boolean;
  /**
   * Whether `setRemoteDescription(offer)` in "have-local-offer" rolls back by itself (webrtc-pc
   * "set the session description": implicit rollback; browsers do). Default true. When false, the polite peer enqueues
   * `setLocalDescription({ type: "rollback" })` right before applying a colliding offer.
   */
  readonly implicitRollback?: boolean;
  /** Failures that the example logs (`console.error`); default: dropped (counted). */
  readonly onError?: (error: unknown) => void;
}

export interface PerfectNegotiation {
  readonly counters: {
    readonly offersSent: number;
    readonly answersSent: number;
    /** Incoming offers ignored by the impolite peer in glare. */
    readonly offersIgnored: number;
    /** Incoming offers the polite peer accepted over its own (rolled back). */
    readonly rollbacks: number;
    readonly candidatesSent: number;
    readonly errors: number;
  };
  /** Stops listening to the peer connection and the signaling. */
  close(): void;
}

/** A deterministic role split both sides compute alike: the smaller peer id is polite. */
export function isPolite(localPeerId: string, remotePeerId: string): boolean {
  return localPeerId < remotePeerId;
}

export function wirePerfectNegotiation(opts: PerfectNegotiationOptions): PerfectNegotiation {
  const { pc, signaling, room, remotePeerId, polite } = opts;
  const implicitRollback = opts.implicitRollback ?? true;
  const counters = {
    offersSent: 0,
    answersSent: 0,
    offersIgnored: 0,
    rollbacks: 0,
    candidatesSent: 0,
    errors: 0,
  };
  const report = (err: unknown): void => {
    counters.errors++;
    opts.onError?.(err);
  };
  let makingOffer = false;
  let ignoreOffer = false;
  let isSettingRemoteAnswerPending = false;
  let closed = false;

  const sendDescription = (): void => {
    const d = pc.localDescription;
    if (d === null || (d.type !== "offer" && d.type !== "answer")) return;
    signaling.send({ type: d.type, room, to: remotePeerId, sdp: d.sdp ?? "" });
    if (d.type === "offer") counters.offersSent++;
    else counters.answersSent++;
  };

  const onNegotiationNeeded = async (): Promise<void> => {
    try {
      makingOffer = true;
      await pc.setLocalDescription();
      if (!closed) sendDescription();
    } catch (err) {
      report(err);
    } finally {
      makingOffer = false;
    }
  };

  const onIceCandidate = (ev: { readonly candidate: IceCandidateLike | null }): void => {
    if (closed) return;
    const c = ev.candidate;
    if (c === null || c.candidate === "") {
      signaling.send({ type: "end-of-candidates", room, to: remotePeerId });
      return;
    }
    counters.candidatesSent++;
    signaling.send({ type: "candidate", room, to: remotePeerId, candidate: candidateInit(c) });
  };

  const onDescription = async (type: "offer" | "answer", sdp: string): Promise<void> => {
    // An offer collides unless we are stable and not making one — or only waiting for our answer to apply.
    const readyForOffer = !makingOffer && (pc.signalingState === "stable" || isSettingRemoteAnswerPending);
    const offerCollision = type === "offer" && !readyForOffer;
    ignoreOffer = !polite && offerCollision;
    if (ignoreOffer) {
      counters.offersIgnored++;
      return;
    }
    isSettingRemoteAnswerPending = type === "answer";
    if (offerCollision) {
      counters.rollbacks++;
      if (!implicitRollback) {
        // Both enqueued before either settles, so nothing (a candidate) can run between them.
        await Promise.all([
          pc.setLocalDescription({ type: "rollback" }),
          pc.setRemoteDescription({ type, sdp }),
        ]);
      } else await pc.setRemoteDescription({ type, sdp });
    } else await pc.setRemoteDescription({ type, sdp });
    isSettingRemoteAnswerPending = false;
    if (type === "offer") {
      await pc.setLocalDescription();
      if (!closed) sendDescription();
    }
  };

  const onCandidate = async (candidate: IceCandidateInit | null): Promise<void> => {
    try {
      await pc.addIceCandidate(candidate);
    } catch (err) {
      // Candidates of an offer we ignored fail to apply: expected, not an error.
      if (!ignoreOffer) throw err;
    }
  };

  const onSignal = (m: RelayedMessage): void => {
    if (closed || m.from !== remotePeerId || m.room !== room) return;
    let work: Promise<void> | undefined;
    switch (m.type) {
      case "offer":
      case "answer":
        work = onDescription(m.type, m.sdp);
        break;
      case "candidate":
        work = onCandidate(m.candidate);
        break;
      case "end-of-candidates":
        work = onCandidate(null);
        break;
      case "bye":
        return;
    }
    work.catch((err: unknown) => {
      isSettingRemoteAnswerPending = false;
      report(err);
    });
  };

  const unlisten = [
    listen(pc, "negotiationneeded", () => void onNegotiationNeeded()),
    listen(pc, "icecandidate", onIceCandidate),
  ];
  signaling.on("signal", onSignal);

  return {
    counters,
    close: () => {
      if (closed) return;
      closed = true;
      for (const off of unlisten) off();
      signaling.off("signal", onSignal);
    },
  };
}

function candidateInit(c: IceCandidateLike): IceCandidateInit {
  return {
    candidate: c.candidate,
    sdpMid: c.sdpMid ?? null,
    sdpMLineIndex: c.sdpMLineIndex ?? null,
    ...(c.usernameFragment !== undefined ? { usernameFragment: c.usernameFragment } : {}),
  };
}

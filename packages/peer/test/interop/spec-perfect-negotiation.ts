/**
 * The W3C webrtc-pc "Perfect negotiation example" (§10.7) as the spec writes it, and the SignalingChannel
 * it talks to, here over @tern/signaling's Node client. Shared by the Node test and the browser cell.
 */
import type { RelayedMessage, SignalingClient } from "@tern/signaling";
import type { RTCPeerConnection, RTCSessionDescriptionInit } from "../../src/w3c/index.js";

/**
 * The spec example's SignalingChannel: `send({ description | candidate })`, `onmessage({ data })`. Its
 * peer is `to`, or (undefined) the first peer of the room that signals; what arrives before `onmessage`
 * is set waits for it.
 */
export class SignalingChannel {
  #onmessage:
    | ((ev: { data: { description?: RTCSessionDescriptionInit; candidate?: unknown } }) => void)
    | null = null;
  readonly #early: { description?: RTCSessionDescriptionInit; candidate?: unknown }[] = [];
  constructor(
    private readonly client: SignalingClient,
    private readonly room: string,
    private to: string | undefined,
    /** Which remote candidates to pass on (the browser cells keep loopback ones). */
    keep: (candidate: string) => boolean = () => true,
  ) {
    client.on("signal", (m: RelayedMessage) => {
      if (m.room !== room) return;
      this.to ??= m.from;
      if (m.from !== this.to) return;
      if (m.type === "candidate" && m.candidate && !keep(m.candidate.candidate)) return;
      if (m.type === "offer" || m.type === "answer")
        this.#deliver({ description: { type: m.type, sdp: m.sdp } });
      else if (m.type === "candidate") this.#deliver({ candidate: m.candidate });
    });
  }
  #deliver(data: { description?: RTCSessionDescriptionInit; candidate?: unknown }): void {
    if (this.#onmessage) this.#onmessage({ data });
    else this.#early.push(data);
  }
  get onmessage() {
    return this.#onmessage;
  }
  set onmessage(fn) {
    this.#onmessage = fn;
    if (fn) for (const data of this.#early.splice(0)) fn({ data });
  }
  /** The peer, once known. */
  set peer(id: string) {
    this.to = id;
  }
  send(message: { description?: { type: string; sdp: string } | null; candidate?: unknown }): void {
    const { room } = this;
    const to = this.to;
    if (to === undefined) throw new Error("no peer to signal to yet");
    if (message.description) {
      const d = message.description;
      if (d.type === "offer" || d.type === "answer") this.client.send({ type: d.type, room, to, sdp: d.sdp });
    } else if (message.candidate) {
      const c = JSON.parse(JSON.stringify(message.candidate)) as {
        candidate: string;
        sdpMid: string | null;
        sdpMLineIndex: number | null;
        usernameFragment?: string | null;
      };
      this.client.send({
        type: "candidate",
        room,
        to,
        candidate: { ...c, usernameFragment: c.usernameFragment ?? undefined },
      });
    } else this.client.send({ type: "end-of-candidates", room, to });
  }
}

/**
 * The W3C webrtc-pc "Perfect negotiation example" (§10.7), as the spec writes it; only `console.error`
 * became `errors.push`.
 */
export function perfectNegotiation(
  pc: RTCPeerConnection,
  signaler: SignalingChannel,
  polite: boolean,
  errors: unknown[],
  onCollision: () => void,
): void {
  let makingOffer = false;
  pc.onnegotiationneeded = async () => {
    try {
      makingOffer = true;
      await pc.setLocalDescription();
      signaler.send({ description: pc.localDescription });
    } catch (err) {
      errors.push(err);
    } finally {
      makingOffer = false;
    }
  };
  pc.onicecandidate = ({ candidate }) => signaler.send({ candidate });
  let ignoreOffer = false;
  let isSettingRemoteAnswerPending = false;
  signaler.onmessage = async ({ data: { description, candidate } }) => {
    try {
      if (description) {
        const readyForOffer =
          !makingOffer && (pc.signalingState === "stable" || isSettingRemoteAnswerPending);
        const offerCollision = description.type === "offer" && !readyForOffer;
        if (offerCollision) onCollision(); // (the test's count, not in the example)
        ignoreOffer = !polite && offerCollision;
        if (ignoreOffer) return;
        isSettingRemoteAnswerPending = description.type === "answer";
        await pc.setRemoteDescription(description);
        isSettingRemoteAnswerPending = false;
        if (description.type === "offer") {
          await pc.setLocalDescription();
          signaler.send({ description: pc.localDescription });
        }
      } else if (candidate) {
        try {
          await pc.addIceCandidate(candidate as RTCIceCandidateInitLike);
        } catch (err) {
          if (!ignoreOffer) throw err;
        }
      }
    } catch (err) {
      errors.push(err);
    }
  };
}
type RTCIceCandidateInitLike = Parameters<RTCPeerConnection["addIceCandidate"]>[0];

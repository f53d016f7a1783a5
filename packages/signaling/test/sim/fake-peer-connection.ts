/**
 * An in-memory RTCPeerConnection double that keeps the signaling state machine of W3C webrtc-pc honestly:
 * stable / have-local-offer / have-remote-offer, rollback (explicit, and implicit in
 * setRemoteDescription(offer) unless disabled), an operations chain (calls run one after another in call
 * order), InvalidStateError for calls in the wrong state, and the negotiation-needed flag that fires
 * `negotiationneeded` as a queued task when the state is stable and the chain is empty — again after a
 * negotiation that did not carry every local track.
 *
 * Media is modelled as named tracks: an offer lists the offerer's tracks; an answer accepts them (the
 * answerer cannot add its own: it must offer them in a later negotiation). Each setLocalDescription with
 * an offer or answer gathers two candidates and then signals end-of-candidates (`icecandidate` null).
 */
import type {
  IceCandidateInit,
  NodeStylePeerConnection,
  PeerConnectionEventMap,
  SessionDescriptionLike,
  SignalingState,
} from "../../src/index.js";

export class InvalidStateError extends Error {
  override readonly name = "InvalidStateError";
}

type Listener<K extends keyof PeerConnectionEventMap> = (event: PeerConnectionEventMap[K]) => void;

export class FakePeerConnection {
  signalingState: SignalingState = "stable";
  localDescription: SessionDescriptionLike | null = null;
  remoteDescription: SessionDescriptionLike | null = null;
  /** The last descriptions of a completed negotiation (what rollback returns to). */
  private currentLocal: SessionDescriptionLike | null = null;
  private currentRemote: SessionDescriptionLike | null = null;
  readonly localTracks: string[] = [];
  /** Local tracks carried by a completed negotiation we offered. */
  readonly negotiatedTracks = new Set<string>();
  /** Tracks the remote peer sent us in an offer we answered. */
  readonly remoteTracks = new Set<string>();
  readonly remoteCandidates: string[] = [];
  endOfRemoteCandidates = false;
  negotiationNeededFired = 0;
  private negotiationNeeded = false;
  private version = 0;
  private gathered = 0;
  private busy = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly listeners = new Map<string, Set<(e: never) => void>>();
  /** Called after every operation, candidate and event: tests wait on it. */
  onChange: () => void = () => {};

  constructor(
    readonly name: string,
    private readonly opts: { readonly implicitRollback?: boolean } = {},
  ) {}

  /** Listeners take the event of `PeerConnectionEventMap` (typed as loosely as a real EventTarget's). */
  addEventListener(type: keyof PeerConnectionEventMap, listener: (event: never) => void): void {
    let set = this.listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener);
  }

  removeEventListener(type: keyof PeerConnectionEventMap, listener: (event: never) => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  private dispatch<K extends keyof PeerConnectionEventMap>(type: K, event: PeerConnectionEventMap[K]): void {
    for (const l of [...(this.listeners.get(type) ?? [])]) (l as Listener<K>)(event);
    this.onChange();
  }

  /** Adds a local track: negotiation becomes needed. */
  addTrack(track: string): void {
    this.localTracks.push(track);
    this.updateNegotiationNeeded();
  }

  setLocalDescription(description?: SessionDescriptionLike): Promise<void> {
    return this.enqueue(() => {
      const type = description?.type ?? (this.signalingState === "have-remote-offer" ? "answer" : "offer");
      if (type === "rollback") return this.rollback();
      if (type === "offer") {
        if (this.signalingState !== "stable" && this.signalingState !== "have-local-offer") {
          throw new InvalidStateError(`setLocalDescription(offer) in ${this.signalingState}`);
        }
        this.localDescription = { type: "offer", sdp: this.sdp(this.localTracks) };
        this.signalingState = "have-local-offer";
      } else if (type === "answer") {
        if (this.signalingState !== "have-remote-offer") {
          throw new InvalidStateError(`setLocalDescription(answer) in ${this.signalingState}`);
        }
        this.localDescription = { type: "answer", sdp: this.sdp(tracksOf(this.remoteDescription)) };
        for (const t of tracksOf(this.remoteDescription)) this.remoteTracks.add(t);
        this.complete();
      } else throw new InvalidStateError(`unsupported ${type}`);
      this.gather();
    });
  }

  setRemoteDescription(description: SessionDescriptionLike): Promise<void> {
    return this.enqueue(() => {
      if (description.type === "rollback") return this.rollback();
      if (description.type === "offer") {
        if (this.signalingState === "have-local-offer") {
          if (this.opts.implicitRollback === false) {
            throw new InvalidStateError("setRemoteDescription(offer) in have-local-offer");
          }
          this.rollback();
        }
        if (this.signalingState !== "stable" && this.signalingState !== "have-remote-offer") {
          throw new InvalidStateError(`setRemoteDescription(offer) in ${this.signalingState}`);
        }
        this.remoteDescription = description;
        this.signalingState = "have-remote-offer";
      } else if (description.type === "answer") {
        if (this.signalingState !== "have-local-offer") {
          throw new InvalidStateError(`setRemoteDescription(answer) in ${this.signalingState}`);
        }
        this.remoteDescription = description;
        for (const t of tracksOf(this.localDescription)) this.negotiatedTracks.add(t);
        this.complete();
      } else throw new InvalidStateError(`unsupported ${description.type}`);
    });
  }

  addIceCandidate(candidate: IceCandidateInit | null): Promise<void> {
    return this.enqueue(() => {
      if (this.remoteDescription === null)
        throw new InvalidStateError("addIceCandidate without a remote description");
      if (candidate === null || candidate.candidate === "") this.endOfRemoteCandidates = true;
      else this.remoteCandidates.push(candidate.candidate);
    });
  }

  /** Whether every local track has been carried by a completed negotiation. */
  get settled(): boolean {
    return (
      this.signalingState === "stable" &&
      this.busy === 0 &&
      !this.negotiationNeeded &&
      this.localTracks.every((t) => this.negotiatedTracks.has(t))
    );
  }

  private rollback(): void {
    if (this.signalingState !== "have-local-offer" && this.signalingState !== "have-remote-offer") {
      throw new InvalidStateError(`rollback in ${this.signalingState}`);
    }
    this.localDescription = this.currentLocal;
    this.remoteDescription = this.currentRemote;
    this.signalingState = "stable";
  }

  private complete(): void {
    this.currentLocal = this.localDescription;
    this.currentRemote = this.remoteDescription;
    this.signalingState = "stable";
  }

  private sdp(tracks: readonly string[]): string {
    return ["v=0", `o=${this.name} ${++this.version}`, ...tracks.map((t) => `a=track:${t}`), ""].join("\r\n");
  }

  private gather(): void {
    const g = ++this.gathered;
    setImmediate(() => {
      for (let i = 0; i < 2; i++) {
        this.dispatch("icecandidate", {
          candidate: {
            candidate: `candidate:${g}${i} 1 udp 2130706431 127.0.0.1 ${40000 + i} typ host ${this.name}`,
            sdpMid: "0",
            sdpMLineIndex: 0,
          },
        });
      }
      this.dispatch("icecandidate", { candidate: null });
    });
  }

  /** The operations chain: each call runs after the previous settled, in call order. */
  private enqueue(op: () => void): Promise<void> {
    this.busy++;
    const result = this.chain.then(async () => {
      // A real implementation does work off the JS thread here; a microtask hop keeps calls asynchronous.
      await Promise.resolve();
      const wasNeeded = this.negotiationNeeded;
      try {
        op();
      } finally {
        this.busy--;
        if (this.signalingState === "stable") {
          this.updateNegotiationNeeded();
          // webrtc-pc: still needed across a return to stable → fire again.
          if (wasNeeded && this.negotiationNeeded) this.queueNegotiationNeeded();
        }
        this.onChange();
      }
    });
    this.chain = result.catch(() => {});
    return result;
  }

  /** webrtc-pc "update the negotiation-needed flag". */
  private updateNegotiationNeeded(): void {
    if (this.busy > 0 || this.signalingState !== "stable") return;
    if (this.localTracks.every((t) => this.negotiatedTracks.has(t))) {
      this.negotiationNeeded = false;
      return;
    }
    if (this.negotiationNeeded) return;
    this.negotiationNeeded = true;
    this.queueNegotiationNeeded();
  }

  private queueNegotiationNeeded(): void {
    setImmediate(() => {
      if (!this.negotiationNeeded || this.signalingState !== "stable" || this.busy > 0) return;
      this.negotiationNeededFired++;
      this.dispatch("negotiationneeded", {});
    });
  }
}

/**
 * The same double seen through Node-style `on`/`off` only (no addEventListener), to exercise the
 * helper's other event shape.
 */
export function nodeStyle(fake: FakePeerConnection): NodeStylePeerConnection {
  return {
    get signalingState() {
      return fake.signalingState;
    },
    get localDescription() {
      return fake.localDescription;
    },
    setLocalDescription: (d) => fake.setLocalDescription(d),
    setRemoteDescription: (d) => fake.setRemoteDescription(d),
    addIceCandidate: (c) => fake.addIceCandidate(c),
    on: (type, listener) => fake.addEventListener(type, listener),
    off: (type, listener) => fake.removeEventListener(type, listener),
  };
}

export function tracksOf(d: SessionDescriptionLike | null): string[] {
  if (d?.sdp === undefined) return [];
  return d.sdp
    .split("\r\n")
    .filter((l) => l.startsWith("a=track:"))
    .map((l) => l.slice("a=track:".length));
}

import type { DtlsCertificate } from "@tern/dtls-srtp";
import { type IceCredentials, secureRandom } from "@tern/ice";
import {
  checkRemoteCandidate,
  createSessionId,
  extmapIdsOf,
  type IceCandidateInit,
  INITIAL_JSEP_STATE,
  type JsepState,
  jsepTransition,
  type LocalSession,
  type OfferLayout,
  type RemoteCandidateTarget,
  remoteCandidateTarget,
  type SdpType,
  type SessionDescription,
  type SessionDescriptionInit,
  withLocalCandidates,
  writeSessionDescription,
} from "../sdp/index.js";
import type { DescriptionCache } from "./description-cache.js";
import { checkRemoteOffer } from "./description-checks.js";
import { buildAnswer, buildOffer } from "./local-descriptions.js";
import { domError, type PeerConnectionConfig, type PeerConnectionEvents } from "./peer-connection-types.js";
import { completeNegotiation, type NegotiationHost } from "./session-negotiation.js";
import { processRemoteTracks } from "./stream-wiring.js";
import type { SlotOwner, TransceiverSnapshot } from "./transceiver-set.js";

/** What the description flow needs of its peer connection. */
export interface DescriptionsHost extends NegotiationHost {
  readonly cname: string;
  readonly config: PeerConnectionConfig;
  readonly descriptions: DescriptionCache;
  readonly certificateReady: Promise<DtlsCertificate>;
  assertOpen(): void;
  emit<K extends keyof PeerConnectionEvents>(event: K, ...args: PeerConnectionEvents[K]): boolean;
  /** Our offer covers every change made so far: the negotiation-needed flag is cleared. */
  clearNegotiationNeeded(): void;
}

/**
 * The offer/answer side of a peer connection (RFC 8829, W3C webrtc-pc §4.4.1.5–7): creating offers and
 * answers, setting descriptions atomically (checked, then applied), rollback, ICE restarts, remote
 * candidates, and the signaling state. The peer connection runs each call through its operations chain.
 */
export class SessionDescriptions {
  jsep: JsepState = INITIAL_JSEP_STATE;
  private readonly sessionId = createSessionId(secureRandom);
  private sessionVersion = 0;
  private readonly earlyCandidates: IceCandidateInit[] = [];
  /** restartIce() was called: the next offer restarts ICE. */
  restartPending = false;
  private pendingRestart: IceCredentials | undefined;
  private remoteTarget: RemoteCandidateTarget | undefined;
  private rollbackPoint: TransceiverSnapshot | undefined;
  private offerLayout: { sdp: string; layout: OfferLayout<SlotOwner> } | undefined;
  /** null before a remote description; then whether it says a=ice-options:trickle (RFC 8840). */
  canTrickle: boolean | null = null;

  constructor(private readonly host: DescriptionsHost) {}

  /** A description as the browser shows it: with the candidates gathered so far. */
  withCandidates(d: SessionDescriptionInit | undefined): SessionDescriptionInit | null {
    const bundle = this.host.bundle;
    return d ? withLocalCandidates(d, bundle.localCandidates, bundle.localGatheringDone) : null;
  }

  /** close(): the signaling state is "closed" (no event, webrtc-pc §4.4.1.4). */
  close(): void {
    this.jsep = { ...this.jsep, signalingState: "closed" };
  }

  /** Applies a signaling transition; throws the spec's error when it is not allowed. */
  transition(action: Parameters<typeof jsepTransition>[1], dryRun = false): JsepState {
    const r = jsepTransition(this.jsep, action);
    if (!r.ok) throw domError(r.error.name, r.error.message);
    if (dryRun) return r.state;
    const before = this.jsep.signalingState;
    this.jsep = r.state;
    if (before !== r.state.signalingState) this.host.emit("signalingstatechange", r.state.signalingState);
    return r.state;
  }

  private localSession(): LocalSession {
    return { sessionId: this.sessionId, sessionVersion: this.sessionVersion++ };
  }

  async makeOffer(options: { iceRestart?: boolean }): Promise<SessionDescriptionInit> {
    const cert = await this.host.certificateReady;
    this.host.assertOpen();
    if ((options.iceRestart || this.restartPending) && this.pendingRestart === undefined)
      this.pendingRestart = this.host.bundle.nextIceCredentials();
    const layout = this.host.set.layout(this.descriptionMids());
    const transport = this.host.bundle.localTransport(cert);
    const restart = this.pendingRestart;
    const current = this.jsep.currentRemoteDescription;
    const desc = buildOffer(
      this.host.set,
      layout,
      this.localSession(),
      restart
        ? {
            ...transport,
            iceUfrag: restart.ufrag,
            icePwd: restart.pwd,
            candidates: [],
            endOfCandidates: false,
          }
        : transport,
      this.host.cname,
      current ? extmapIdsOf(this.host.descriptions.parse(current.sdp)) : new Map(),
    );
    const sdp = writeSessionDescription(desc);
    this.host.descriptions.remember(sdp, desc);
    this.offerLayout = { sdp, layout };
    this.transition({ kind: "created-offer", sdp });
    return { type: "offer", sdp };
  }

  async makeAnswer(): Promise<SessionDescriptionInit> {
    const cert = await this.host.certificateReady;
    this.host.assertOpen();
    const remote = this.jsep.pendingRemoteDescription;
    if (remote?.type !== "offer") throw domError("InvalidStateError", "createAnswer needs a remote offer");
    const offer = this.host.descriptions.parse(remote.sdp);
    const result = buildAnswer(
      this.host.set,
      offer,
      this.localSession(),
      this.host.bundle.localTransport(cert),
      this.host.cname,
      {
        role: this.host.bundle.dtlsRole,
        preferred: this.host.config.answerSetup ?? "active",
      },
    );
    if (!result.ok) throw domError("OperationError", `cannot answer: ${result.error.message}`);
    const sdp = writeSessionDescription(result.value);
    this.host.descriptions.remember(sdp, result.value);
    this.transition({ kind: "created-answer", sdp });
    return { type: "answer", sdp };
  }

  /** Every mid in the session's descriptions, current and pending (none may be reused). */
  private descriptionMids(): string[] {
    const out: string[] = [];
    for (const d of [this.jsep.pendingRemoteDescription, this.jsep.currentRemoteDescription]) {
      if (d)
        for (const m of this.host.descriptions.parse(d.sdp).media) if (m.mid !== undefined) out.push(m.mid);
    }
    return out;
  }

  async applyLocal(desc?: { type?: SdpType; sdp?: string }): Promise<void> {
    let type = desc?.type;
    let sdp = desc?.sdp;
    if (type === "rollback") {
      this.transition({ kind: "set-local", type: "rollback" }, true);
      this.rollback();
      this.transition({ kind: "set-local", type: "rollback" });
      return;
    }
    if (!sdp) {
      // webrtc-pc §4.4.1.5: create what the state (or the given type) calls for.
      const state = this.jsep.signalingState;
      const wantsAnswer = state === "have-remote-offer" || state === "have-local-pranswer";
      if (type === undefined) type = wantsAnswer ? "answer" : "offer";
      if ((type === "answer" || type === "pranswer") && !wantsAnswer)
        throw domError("InvalidStateError", `cannot set a local ${type} in ${state}`);
      if (type === "offer" && wantsAnswer)
        throw domError("InvalidStateError", `cannot set a local offer in ${state}`);
      const last = type === "offer" ? this.jsep.lastCreatedOffer : this.jsep.lastCreatedAnswer;
      sdp = last ?? (type === "offer" ? (await this.makeOffer({})).sdp : (await this.makeAnswer()).sdp);
    }
    if (type === undefined) throw new TypeError("a description with sdp needs a type");
    this.transition({ kind: "set-local", type, sdp }, true);
    const parsed = this.host.descriptions.parse(sdp);
    if (type === "offer") {
      const layout = this.offerLayout?.sdp === sdp ? this.offerLayout.layout : undefined;
      if (!layout) throw domError("InvalidModificationError", "the offer differs from the last one created");
      this.rollbackPoint = this.host.set.snapshot();
      this.host.set.applyLocalOffer(layout, parsed);
      if (this.pendingRestart) {
        this.host.bundle.restartIce(this.pendingRestart);
        this.pendingRestart = undefined;
      }
      this.restartPending = false;
      this.host.clearNegotiationNeeded();
      this.transition({ kind: "set-local", type, sdp });
      this.host.bundle.startIce("controlling");
      void this.host.bundle.gatherOnce();
      return;
    }
    // A local (pr)answer completes the negotiation: checked before anything changes.
    const remote = this.jsep.pendingRemoteDescription;
    if (!remote) throw domError("InvalidStateError", "no remote offer");
    completeNegotiation(this.host, parsed, this.host.descriptions.parse(remote.sdp), "answer", () => {
      this.transition({ kind: "set-local", type, sdp });
    });
  }

  async applyRemote(desc: { type: SdpType; sdp?: string }): Promise<void> {
    if (desc === null || typeof desc !== "object")
      throw new TypeError("setRemoteDescription takes a description");
    const type = desc.type;
    if (type === "rollback") {
      this.transition({ kind: "set-remote", type: "rollback", sdp: "" }, true);
      this.rollback();
      this.transition({ kind: "set-remote", type: "rollback", sdp: "" });
      return;
    }
    if (type !== "offer" && type !== "answer" && type !== "pranswer")
      throw new TypeError(`not a description type: ${String(type)}`);
    const sdp = desc.sdp ?? "";
    this.transition({ kind: "set-remote", type, sdp }, true);
    const parsed = this.host.descriptions.parse(sdp);
    this.host.bundle.peerSpoke();
    if (type === "offer") {
      // A remote offer in have-local-offer rolls our offer back first (perfect negotiation's polite peer):
      // it is checked against the session as it was before our offer, and on failure our offer stays.
      const implicitRollback = this.jsep.signalingState === "have-local-offer";
      const undo = this.host.set.snapshot();
      if (implicitRollback && this.rollbackPoint) this.host.set.restore(this.rollbackPoint);
      const checked = checkRemoteOffer(parsed, {
        slots: this.host.set.slots,
        transceivers: this.host.set.transceivers,
        dtlsRole: this.host.bundle.dtlsRole,
      });
      if (!checked.ok) {
        if (implicitRollback) this.host.set.restore(undo);
        throw domError(checked.name, checked.message);
      }
      if (implicitRollback) this.pendingRestart = undefined;
      const point = this.host.set.snapshot();
      point.created.push(...this.host.set.associateRemoteOffer(parsed));
      this.rollbackPoint = point;
      this.transition({ kind: "set-remote", type, sdp });
      const t = checked.transport;
      // RFC 8445 §9 / RFC 8839 §4.4.1.1.1: new remote credentials in an offer are an ICE restart: ours too.
      const ufrag = this.host.bundle.remoteUfrag;
      if (t && ufrag !== undefined && ufrag !== t.transport.iceUfrag)
        this.host.bundle.restartIce(this.host.bundle.nextIceCredentials());
      if (t) this.host.bundle.setRemote(t.transport, t.fingerprints);
      this.afterRemote(parsed);
      return;
    }
    const local = this.jsep.pendingLocalDescription;
    if (!local) throw domError("InvalidStateError", "no local offer");
    completeNegotiation(this.host, this.host.descriptions.parse(local.sdp), parsed, "offer", () => {
      this.transition({ kind: "set-remote", type, sdp });
      this.afterRemote(parsed);
    });
  }

  /** What every applied remote description does: candidates' targets, trickle support, track events. */
  private afterRemote(parsed: SessionDescription): void {
    this.remoteTarget = remoteCandidateTarget(parsed);
    this.canTrickle =
      parsed.iceOptions.includes("trickle") || parsed.media.some((m) => m.iceOptions.includes("trickle"));
    for (const e of processRemoteTracks(this.host.set, parsed)) {
      this.host.emit("track", {
        track: e.transceiver.receiver.track,
        transceiver: e.transceiver,
        streams: e.streams,
      });
    }
    for (const c of this.earlyCandidates.splice(0)) void this.applyCandidate(c).catch(() => undefined);
  }

  private rollback(): void {
    const point = this.rollbackPoint;
    this.rollbackPoint = undefined;
    this.pendingRestart = undefined;
    if (!point) return;
    for (const t of this.host.set.restore(point)) t.receiver.track.end();
  }

  async applyCandidate(init: IceCandidateInit): Promise<void> {
    if (!this.remoteTarget) {
      if (this.earlyCandidates.length < 256) this.earlyCandidates.push(init);
      return;
    }
    const c = checkRemoteCandidate(init, this.remoteTarget);
    if (!c.ok) throw c.name === "TypeError" ? new TypeError(c.message) : domError(c.name, c.message);
    if (c.kind === "end-of-candidates") this.host.bundle.endOfRemoteCandidates();
    else this.host.bundle.addRemoteCandidate(c.candidate);
  }
}

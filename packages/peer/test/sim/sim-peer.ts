/**
 * A Tern peer as a sans-IO endpoint of @tern/ice's simulated network: an IceAgent under a MediaSession,
 * negotiated with the same pure SDP functions the PeerConnection uses. Deterministic apart from ECDSA
 * signature bytes (node's own randomness; they change no control flow).
 */
import { certificateFingerprint, type DtlsCertificate, parseFingerprint } from "@tern/dtls-srtp";
import { IceAgent, type IceAgentConfig, type Millis, type TransportAddr } from "@tern/ice";
import { type Prng, type SimEndpoint, SimNetwork, type SimTransmit } from "@tern/ice/testing";
import type { BandwidthEstimate } from "../../src/machine/congestion-controller.js";
import { MediaSession, type MediaSessionOptions } from "../../src/machine/media-session.js";
import { planStreams } from "../../src/machine/stream-plan.js";
import { transportCcExtension } from "../../src/machine/transport-cc-extension.js";
import {
  createAnswer,
  createOffer,
  dtlsRoleFor,
  type LocalTransceiver,
  negotiatedMedia,
  parseSessionDescription,
  remoteTransport,
  type SessionDescription,
  writeSessionDescription,
} from "../../src/sdp/index.js";

export interface ReceivedFrame {
  readonly mid: string;
  readonly data: Uint8Array;
  readonly rtpTimestamp: number;
  readonly isKeyframe: boolean;
}

export class SimPeer implements SimEndpoint {
  readonly agent: IceAgent;
  readonly session: MediaSession;
  readonly frames: ReceivedFrame[] = [];
  readonly keyframeRequests: string[] = [];
  readonly estimates: { readonly at: Millis; readonly estimate: BandwidthEstimate }[] = [];
  peer: SimPeer | undefined;
  dtlsRole: "client" | "server" | undefined;
  remoteFingerprint: ReturnType<typeof parseFingerprint>;
  dtlsConnected = false;
  private readonly rng: Prng;

  constructor(
    readonly name: string,
    readonly base: TransportAddr,
    prng: Prng,
    readonly certificate: DtlsCertificate,
    ice: Omit<IceAgentConfig, "random">,
    readonly transceivers: readonly LocalTransceiver[],
    session: SimSessionOptions = {},
    /** Negotiate transport-wide congestion control (the extmap both offer) into the session (default false). */
    private readonly congestionControl = false,
  ) {
    this.rng = prng.fork();
    const rng = this.rng;
    this.agent = new IceAgent({ ...ice, random: (n) => rng.bytes(n) });
    this.session = new MediaSession({
      certificate,
      random: (n) => rng.bytes(n),
      cname: name,
      unixMsAtZero: 1_700_000_000_000,
      dtlsInitialRetransmitMs: 200,
      ...session,
    });
  }

  fingerprint() {
    return certificateFingerprint(this.certificate.chain[0] as Uint8Array, "sha-256");
  }

  transport() {
    return {
      iceUfrag: this.agent.credentials.ufrag,
      icePwd: this.agent.credentials.pwd,
      fingerprints: [this.fingerprint()],
    };
  }

  /** Applies both descriptions (ours, theirs) as the PeerConnection's `negotiated()` does. */
  negotiated(local: SessionDescription, remote: SessionDescription, weOffered: boolean): void {
    const media = negotiatedMedia(local, remote, weOffered ? "offer" : "answer");
    if (!media.ok) throw new Error(media.error.message);
    const role = dtlsRoleFor(local.media[0]?.setup, remote.media[0]?.setup, weOffered);
    if (!role.ok) throw new Error(role.error.message);
    this.dtlsRole = role.value;
    const t = remoteTransport(remote);
    if (!t.ok) throw new Error(t.error.message);
    const fp = t.value.fingerprints[0];
    this.remoteFingerprint = fp ? parseFingerprint(`${fp.algorithm} ${fp.value}`) : undefined;
    const locals = this.transceivers.flatMap((x) =>
      x.sender
        ? [
            {
              mid: x.mid,
              ssrc: x.sender.ssrc,
              ...(x.sender.rtxSsrc !== undefined ? { rtxSsrc: x.sender.rtxSsrc } : {}),
            },
          ]
        : [],
    );
    const plan = planStreams(media.value, locals);
    this.session.configure(
      plan.senders,
      plan.receivers,
      this.congestionControl ? transportCcExtension(media.value) : {},
    );
  }

  handleDatagram(now: Millis, local: TransportAddr, remote: TransportAddr, data: Uint8Array): void {
    this.agent.handleDatagram(now, local, remote, data);
    this.pump(now);
  }

  handleTimeout(now: Millis): void {
    this.agent.handleTimeout(now);
    this.session.handleTimeout(now);
    this.pump(now);
  }

  sendFrame(now: Millis, mid: string, data: Uint8Array, rtpTimestamp: number): boolean {
    const ok = this.session.sendFrame(now, mid, data, rtpTimestamp);
    this.pump(now);
    return ok;
  }

  pump(now: Millis): void {
    for (let e = this.agent.pollEvent(); e; e = this.agent.pollEvent()) {
      if (e.kind === "local-candidate") this.peer?.agent.addRemoteCandidate(now, e.candidate);
      if (e.kind === "gathering-state" && e.state === "complete") this.peer?.agent.endOfRemoteCandidates(now);
      if (e.kind === "data") this.session.handleDatagram(now, e.data);
      if (e.kind === "selected-pair" && this.dtlsRole && this.remoteFingerprint) {
        this.session.startDtls(now, this.dtlsRole, [this.remoteFingerprint]);
      }
    }
    for (let d = this.session.pollTransmit(); d; d = this.session.pollTransmit()) {
      if (this.agent.sendPath()) this.agent.send(d);
    }
    for (let e = this.session.pollEvent(); e; e = this.session.pollEvent()) {
      if (e.kind === "dtls-connected") this.dtlsConnected = true;
      if (e.kind === "frame")
        this.frames.push({
          mid: e.mid,
          data: e.data.slice(),
          rtpTimestamp: e.rtpTimestamp,
          isKeyframe: e.isKeyframe,
        });
      if (e.kind === "keyframe-request") this.keyframeRequests.push(e.mid);
      if (e.kind === "bandwidth-estimate") this.estimates.push({ at: now, estimate: e.estimate });
    }
  }

  pollTransmit(): SimTransmit | undefined {
    return this.agent.pollTransmit();
  }

  pollTimeout(): Millis | undefined {
    const a = this.agent.pollTimeout();
    const b = this.session.pollTimeout();
    if (a === undefined) return b;
    if (b === undefined) return a;
    return Math.min(a, b);
  }
}

/** What a simulation may set on a peer's media session. */
export type SimSessionOptions = Pick<MediaSessionOptions, "pacingBitrateBps" | "congestionControl">;

/** Offer/answer between two SimPeers through SDP text, as over signaling. */
export function negotiate(offerer: SimPeer, answerer: SimPeer): void {
  const offer = createOffer(
    { session: { sessionId: "1" }, transceivers: offerer.transceivers },
    { transport: offerer.transport() },
  );
  const offerText = writeSessionDescription(offer);
  const offerParsed = parseSessionDescription(offerText);
  if (!offerParsed.ok) throw new Error(offerParsed.error.code);
  const answer = createAnswer(offerParsed.value, {
    session: { sessionId: "2" },
    transport: answerer.transport(),
    transceivers: answerer.transceivers.map((t) => ({
      mid: t.mid,
      direction: t.direction,
      ...(t.sender ? { sender: t.sender } : {}),
    })),
  });
  if (!answer.ok) throw new Error(answer.error.message);
  const answerParsed = parseSessionDescription(writeSessionDescription(answer.value));
  if (!answerParsed.ok) throw new Error(answerParsed.error.code);
  offerer.negotiated(offer, answerParsed.value, true);
  answerer.negotiated(answerParsed.value, offerParsed.value, false);
  offerer.agent.setRemoteCredentials(0, answerer.agent.credentials);
  answerer.agent.setRemoteCredentials(0, offerer.agent.credentials);
  offerer.peer = answerer;
  answerer.peer = offerer;
  offerer.agent.gather(0, [offerer.base]);
  answerer.agent.gather(0, [answerer.base]);
  offerer.pump(0);
  answerer.pump(0);
}

/**
 * A (controlling, 10.0.0.1:5000) and B (controlled, 10.0.0.2:6000) on a simulated network, negotiated
 * (A offers); `sessionA` options go to A's media session. `net` and `addresses`: another pair on a network
 * that already has one (two flows through one bottleneck). `congestionControl`: transport-wide CC
 * negotiated into both sessions.
 */
export function simPair(o: {
  readonly seed: number;
  readonly lossRate: number;
  readonly delayMs: readonly [number, number];
  readonly certificates: readonly [DtlsCertificate, DtlsCertificate];
  readonly transceiversA: readonly LocalTransceiver[];
  readonly transceiversB: readonly LocalTransceiver[];
  readonly sessionA?: SimSessionOptions;
  readonly congestionControl?: boolean;
  readonly net?: SimNetwork;
  readonly addresses?: readonly [TransportAddr, TransportAddr];
}): { net: SimNetwork; a: SimPeer; b: SimPeer } {
  const net =
    o.net ?? new SimNetwork({ seed: o.seed, lossRate: o.lossRate, delayMs: [o.delayMs[0], o.delayMs[1]] });
  const [addrA, addrB] = o.addresses ?? [
    { address: "10.0.0.1", port: 5000 },
    { address: "10.0.0.2", port: 6000 },
  ];
  const ice = { checkRtoMs: 100 } as const;
  const cc = o.congestionControl ?? false;
  const a = new SimPeer(
    "A",
    addrA,
    net.prng,
    o.certificates[0],
    { ...ice, role: "controlling" },
    o.transceiversA,
    o.sessionA,
    cc,
  );
  const b = new SimPeer(
    "B",
    addrB,
    net.prng,
    o.certificates[1],
    { ...ice, role: "controlled" },
    o.transceiversB,
    {},
    cc,
  );
  net.attach(a, [a.base], { name: `A ${addrA.address}` });
  net.attach(b, [b.base], { name: `B ${addrB.address}` });
  negotiate(a, b);
  return { net, a, b };
}

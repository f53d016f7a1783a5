/**
 * werift pairs for the benches. werift has no option for its DTLS-SRTP profiles (a module constant,
 * [GCM, AES_CM_80]): each DTLS transport's `srtpProfiles` is replaced before the handshake when a bench
 * asks for others, and the profile it negotiated is read back from the transport.
 */
import { RTCPeerConnection, type RTCRtpTransceiver, useOPUS, useVP8 } from "werift";
import { type ConnectedPair, type PairOptions, srtpProfileName } from "./pair-options.js";
import { bundlesEverything, CandidateGate, GatheredCandidates, withTimeout } from "./signaling.js";

export function weriftConnected(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (s: string): void => {
      if (s === "connected") resolve();
      else if (s === "failed" || s === "closed") reject(new Error(`werift connection ${s}`));
    };
    check(pc.connectionState);
    pc.connectionStateChange.subscribe(check);
  });
}

/** The parts of werift's DTLS transport read here (not in its typings as such). */
interface WeriftDtlsInternals {
  srtpProfiles: number[];
  readonly dtls?: {
    readonly srtp: { readonly srtpProfile?: number };
    readonly cipher: { readonly cipher?: { readonly name?: string } };
  };
}

function dtlsTransports(pc: RTCPeerConnection): WeriftDtlsInternals[] {
  return pc.dtlsTransports as unknown as WeriftDtlsInternals[];
}

/** The SRTP profile (RFC 5764 code) and cipher suite werift negotiated on its first DTLS transport. */
export function weriftSecurity(pc: RTCPeerConnection): { srtpProfile?: number; cipherSuite?: string } {
  const d = dtlsTransports(pc)[0]?.dtls;
  return {
    ...(d?.srtp.srtpProfile !== undefined ? { srtpProfile: d.srtp.srtpProfile } : {}),
    ...(d?.cipher.cipher?.name ? { cipherSuite: d.cipher.cipher.name } : {}),
  };
}

/**
 * werift with a STUN server on loopback (it queries a public one when given none), IPv4, 127.0.0.1 as an
 * extra host address (it gathers every interface), max-bundle like the others.
 */
export function newWerift(stunUrl: string): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: [{ urls: stunUrl }],
    iceAdditionalHostAddresses: ["127.0.0.1"],
    iceUseIpv6: false,
    bundlePolicy: "max-bundle",
    codecs: { audio: [useOPUS()], video: [useVP8()] },
  });
}

export interface WeriftPair extends ConnectedPair {
  readonly a: RTCPeerConnection;
  readonly b: RTCPeerConnection;
  readonly aTransceivers: ReadonlyMap<"audio" | "video", RTCRtpTransceiver>;
  readonly answerSdp: string;
}

/** `stunUrl` is required: werift always queries one. */
export async function weriftPair(
  o: PairOptions & { readonly stunUrl: string },
  /** Runs on the two new peers before negotiation (to subscribe to b's onTrack, say). */
  before?: (a: RTCPeerConnection, b: RTCPeerConnection) => void,
): Promise<WeriftPair> {
  const a = newWerift(o.stunUrl);
  const b = newWerift(o.stunUrl);
  before?.(a, b);
  const close = async (): Promise<void> => {
    await Promise.all([a.close(), b.close()]);
  };
  const forceProfiles = (pc: RTCPeerConnection): void => {
    if (!o.srtpProfiles) return;
    for (const t of dtlsTransports(pc)) t.srtpProfiles = [...o.srtpProfiles];
  };
  try {
    const kinds = [...(o.audio ? (["audio"] as const) : []), ...(o.video ? (["video"] as const) : [])];
    const aTransceivers = new Map<"audio" | "video", RTCRtpTransceiver>();
    for (const k of kinds) {
      aTransceivers.set(
        k,
        a.addTransceiver(k, { direction: o.direction === "sendrecv" ? "sendrecv" : "sendonly" }),
      );
    }
    type Cand = Parameters<RTCPeerConnection["addIceCandidate"]>[0];
    const gathered = { a: new GatheredCandidates(), b: new GatheredCandidates() };
    const toB = new CandidateGate<Cand>((c) => void b.addIceCandidate(c).catch(() => undefined));
    const toA = new CandidateGate<Cand>((c) => void a.addIceCandidate(c).catch(() => undefined));
    a.onIceCandidate.subscribe((c) => c && gathered.a.add(c.candidate) && toB.push(c));
    b.onIceCandidate.subscribe((c) => c && gathered.b.add(c.candidate) && toA.push(c));
    const done = Promise.all([weriftConnected(a), weriftConnected(b)]);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const offer = await a.createOffer();
    await a.setLocalDescription(offer);
    forceProfiles(a);
    await b.setRemoteDescription(offer);
    forceProfiles(b);
    toB.open();
    if (o.direction === "sendrecv") for (const t of b.getTransceivers()) t.setDirection("sendrecv");
    const answer = await b.createAnswer();
    await b.setLocalDescription(answer);
    forceProfiles(b);
    await a.setRemoteDescription(answer);
    forceProfiles(a);
    toA.open();
    await withTimeout(done, o.timeoutMs ?? 10_000, "werift pair connected");
    const setupMs = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const sec = weriftSecurity(a);
    return {
      setupMs,
      cpuMs,
      a,
      b,
      aTransceivers,
      answerSdp: answer.sdp,
      config: {
        srtpProfile:
          sec.srtpProfile === undefined ? undefined : (srtpProfileName(sec.srtpProfile) ?? sec.srtpProfile),
        dtlsCipherSuite: sec.cipherSuite,
        bundle: bundlesEverything(answer.sdp),
        candidates: gathered.a.summary(),
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * @tern/peer media path: RTP packets per second one peer sends another over loopback, 1200-byte payloads,
 * both peers in this process, against werift and against plain node:dgram (the ceiling: the same
 * datagrams between two sockets, nothing else). Flat out: bursts of BURST sends with setImmediate between
 * (the sender paces itself to what the loop can do: the receiving socket is read between bursts), in ROUNDS
 * interleaved rounds of MEDIA_SECONDS / ROUNDS, a fresh pair each; packets received per second, loss, and
 * process CPU per packet. The highest loss-free rate is the flat-out rate when nothing was lost, else the
 * rate with the largest smaller burst that loses nothing.
 *
 * Tern: LocalTrack.writeRtp of ready packets (VP8 payload type, our SSRC, a one-byte VP8 descriptor so each
 * packet is a whole frame) → SRTP (the negotiated AEAD_AES_128_GCM) → ICE → RemoteTrack `rtp` events.
 * werift: RTCRtpSender.sendRtp of the same 1212-byte packets → MediaStreamTrack.onReceiveRtp.
 */
import { createSocket, type Socket } from "node:dgram";
import { SrtpContext } from "@tern/dtls-srtp";
import { type RunningStunServer, startStunServer } from "@tern/ice";
import { LocalTrack, PeerConnection, type RemoteTrack } from "@tern/peer";
import type { RtpPacket } from "@tern/rtp";
import { withTimeout } from "@tern/test-support";
import type { RTCPeerConnection } from "werift";
import { CandidateGate, newWerift, ternConnected, weriftConnected } from "./peer-setup.bench.js";
import { median, writeReport } from "./report.js";

const SECONDS = Number(process.env.MEDIA_SECONDS ?? 4);
const ROUNDS = 4;
const BURST = 32;
const PAYLOAD_BYTES = 1200;
/** RFC 5764 §4.1.2, RFC 7714 §14.2 */
const SRTP_PROFILES = { SRTP_AES128_CM_HMAC_SHA1_80: 0x0001, SRTP_AEAD_AES_128_GCM: 0x0007 } as const;

/** One sender → receiver path: send one packet; what has arrived. */
interface MediaPath {
  /** The SRTP protection profile the pair negotiated. */
  readonly srtpProfile: string;
  send(): void;
  readonly received: { count: number; lastAt: number };
  close(): Promise<void>;
}

const immediate = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until nothing more arrives for 100 ms (2 s at most). */
async function drained(p: MediaPath): Promise<void> {
  const until = performance.now() + 2000;
  let last = -1;
  while (p.received.count !== last && performance.now() < until) {
    last = p.received.count;
    await sleep(100);
  }
}

export interface Outcome {
  readonly sent: number;
  readonly received: number;
  /** received per second, over first send → last arrival */
  readonly rate: number;
  /** process CPU (user + system) per packet received, µs: sender and receiver together */
  readonly cpuUsPerPacket: number;
}

/**
 * Flat out: `burst` sends, then setImmediate (the poll phase reads the receiving socket: libuv reads at
 * most 32 datagrams per socket per turn, so bursts larger than that overflow it), for `seconds`.
 */
export async function flatOut(p: MediaPath, seconds: number, burst = BURST): Promise<Outcome> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let sent = 0;
  while (performance.now() < end) {
    for (let i = 0; i < burst; i++) p.send();
    sent += burst;
    await immediate();
  }
  await drained(p);
  const cpu = process.cpuUsage(c0);
  const r = p.received.count;
  return {
    sent,
    received: r,
    rate: (r * 1000) / Math.max(1, p.received.lastAt - t0),
    cpuUsPerPacket: (cpu.user + cpu.system) / Math.max(1, r),
  };
}

// ---- plain node:dgram -------------------------------------------------------------------------------------

async function bound(): Promise<Socket> {
  const s = createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", r));
  return s;
}

export async function dgramPath(): Promise<MediaPath> {
  const rx = await bound();
  const tx = await bound();
  const received = { count: 0, lastAt: 0 };
  rx.on("message", () => {
    received.count++;
    received.lastAt = performance.now();
  });
  const datagram = Buffer.alloc(12 + PAYLOAD_BYTES, 0x5a);
  const port = rx.address().port;
  return {
    srtpProfile: "none",
    send: () => tx.send(datagram, port, "127.0.0.1"),
    received,
    close: async () => {
      await Promise.all([new Promise<void>((r) => rx.close(r)), new Promise<void>((r) => tx.close(r))]);
    },
  };
}

/**
 * The floor under any single-thread Tern pipeline: the node:dgram path plus Tern's SRTP (AES_CM_80, what
 * the Tern pair negotiates) protect before each send and unprotect after each receive — no RTP, ICE,
 * jitter buffer or stats. What this reaches, relative to plain node:dgram, bounds what the full stack can.
 */
export async function dgramSrtpPath(): Promise<MediaPath> {
  const rx = await bound();
  const tx = await bound();
  const keys = { masterKey: new Uint8Array(16).fill(1), masterSalt: new Uint8Array(14).fill(2) };
  const sender = SrtpContext.fromMasterKeys("SRTP_AES128_CM_HMAC_SHA1_80", { local: keys, remote: keys });
  const receiver = SrtpContext.fromMasterKeys("SRTP_AES128_CM_HMAC_SHA1_80", { local: keys, remote: keys });
  const received = { count: 0, lastAt: 0 };
  rx.on("message", (m: Buffer) => {
    if (!receiver.unprotect(m).ok) return;
    received.count++;
    received.lastAt = performance.now();
  });
  const rtp = new Uint8Array(12 + PAYLOAD_BYTES).fill(0x5a);
  rtp[0] = 0x80;
  rtp[1] = 96;
  let seq = 0;
  const port = rx.address().port;
  return {
    srtpProfile: "SRTP_AES128_CM_HMAC_SHA1_80",
    send: () => {
      seq = (seq + 1) & 0xffff;
      rtp[2] = seq >>> 8;
      rtp[3] = seq & 0xff;
      tx.send(sender.protect(rtp), port, "127.0.0.1");
    },
    received,
    close: async () => {
      await Promise.all([new Promise<void>((r) => rx.close(r)), new Promise<void>((r) => tx.close(r))]);
    },
  };
}

// ---- Tern -------------------------------------------------------------------------------------------------

export async function ternPath(srtpProfiles?: readonly number[]): Promise<MediaPath> {
  const config = {
    iceAddresses: ["127.0.0.1"],
    mdns: false,
    ...(srtpProfiles ? { srtpProfiles } : {}),
  } as const;
  const a = new PeerConnection(config);
  const b = new PeerConnection(config);
  const close = async (): Promise<void> => {
    await Promise.all([a.close(), b.close()]);
  };
  const video = new LocalTrack("video");
  const transceiver = a.addTrack(video);
  let remote: RemoteTrack | undefined;
  b.on("track", (e) => {
    remote = e.track;
  });
  a.on("icecandidate", (e) => void b.addIceCandidate(e.candidate));
  b.on("icecandidate", (e) => void a.addIceCandidate(e.candidate));
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  await b.setRemoteDescription(offer);
  const answer = await b.createAnswer();
  await b.setLocalDescription(answer);
  await a.setRemoteDescription(answer);
  await withTimeout(Promise.all([ternConnected(a), ternConnected(b)]), 10_000, "Tern pair connected");
  if (!remote) throw new Error("no remote track at b");
  const pt = Number(/a=rtpmap:(\d+) VP8\/90000/.exec(answer.sdp)?.[1]);
  if (!Number.isInteger(pt)) throw new Error("VP8 not negotiated");

  const received = { count: 0, lastAt: 0 };
  remote.on("rtp", () => {
    received.count++;
    received.lastAt = performance.now();
  });
  remote.on("frame", () => undefined); // a consumer, so frames are handed over, not buffered
  // A VP8 payload descriptor with S=1 (start of partition 0), then bytes: every packet is a whole frame.
  const payload = new Uint8Array(PAYLOAD_BYTES).fill(0x5a);
  payload[0] = 0x10;
  let seq = 1;
  let ts = 0;
  const ssrc = transceiver.sender.ssrc;
  return {
    srtpProfile: a.security.srtpProfile ?? "?",
    send: () => {
      ts += 90;
      const packet: RtpPacket = {
        marker: true,
        payloadType: pt,
        sequenceNumber: seq++ & 0xffff,
        timestamp: ts >>> 0,
        ssrc,
        csrcs: [],
        extension: undefined,
        payload,
        paddingLength: 0,
      };
      video.writeRtp(packet);
    },
    received,
    close,
  };
}

// ---- werift -----------------------------------------------------------------------------------------------

async function weriftPath(stun: RunningStunServer): Promise<MediaPath> {
  const a = newWerift(stun);
  const b = newWerift(stun);
  const close = async (): Promise<void> => {
    await Promise.all([a.close(), b.close()]);
  };
  const sender = a.addTransceiver("video", { direction: "sendonly" }).sender;
  const received = { count: 0, lastAt: 0 };
  b.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe(() => {
      received.count++;
      received.lastAt = performance.now();
    });
  });
  type Cand = Parameters<RTCPeerConnection["addIceCandidate"]>[0];
  const toB = new CandidateGate<Cand>((c) => void b.addIceCandidate(c).catch(() => undefined));
  const toA = new CandidateGate<Cand>((c) => void a.addIceCandidate(c).catch(() => undefined));
  a.onIceCandidate.subscribe((c) => c?.candidate.includes(" 127.0.0.1 ") && toB.push(c));
  b.onIceCandidate.subscribe((c) => c?.candidate.includes(" 127.0.0.1 ") && toA.push(c));
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  await b.setRemoteDescription(offer);
  toB.open();
  const answer = await b.createAnswer();
  await b.setLocalDescription(answer);
  await a.setRemoteDescription(answer);
  toA.open();
  await withTimeout(Promise.all([weriftConnected(a), weriftConnected(b)]), 10_000, "werift connected");
  // werift rewrites SSRC, payload type and sequence number; the bytes are the same 1212-byte packet.
  const packet = Buffer.alloc(12 + PAYLOAD_BYTES, 0x5a);
  packet[0] = 0x80;
  packet[1] = 0x80 | 96;
  packet[12] = 0x10;
  return {
    srtpProfile: "SRTP_AEAD_AES_128_GCM (first on both sides' lists)",
    send: () => void sender.sendRtp(packet).catch(() => undefined),
    received,
    close,
  };
}

// ---- the bench -------------------------------------------------------------------------------------------

export default async function (): Promise<void> {
  const stun = await startStunServer({ host: "127.0.0.1", port: 0 });
  const makers = {
    tern: () => ternPath(),
    werift: () => weriftPath(stun),
    "node:dgram": dgramPath,
    "node:dgram + SRTP": dgramSrtpPath,
  } as const;
  type Name = keyof typeof makers;
  const names = Object.keys(makers) as Name[];
  const runs: Record<Name, Outcome[]> = { tern: [], werift: [], "node:dgram": [], "node:dgram + SRTP": [] };
  // warm-up (JIT): a flat-out run of each, not counted
  for (const n of names) {
    const p = await makers[n]();
    await flatOut(p, 1.5);
    await p.close();
  }
  // Interleaved rounds, a fresh pair each, so that load from elsewhere on the machine hits all alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const n of names) {
      const p = await makers[n]();
      runs[n].push(await flatOut(p, SECONDS / ROUNDS));
      await p.close();
    }
  }
  // Tern again with each SRTP profile forced: AES-CM (keystream batched over packets) and GCM (one
  // node:crypto cipher per packet).
  const byProfile = {} as Record<keyof typeof SRTP_PROFILES, Outcome[]>;
  for (const [name, code] of Object.entries(SRTP_PROFILES) as [keyof typeof SRTP_PROFILES, number][]) {
    byProfile[name] = [];
    for (let round = 0; round < 2; round++) {
      const p = await ternPath([code]);
      byProfile[name].push(await flatOut(p, SECONDS / ROUNDS));
      await p.close();
    }
  }
  const profiles: Record<string, string> = {};
  for (const n of names) {
    const p = await makers[n]();
    profiles[n] = p.srtpProfile;
    await p.close();
  }
  // With loss at bursts of 32, the highest loss-free rate is searched with smaller bursts.
  const lossFree = {} as Record<Name, { rate: number; burst: number }>;
  for (const n of names) {
    const lost = runs[n].reduce((k, o) => k + o.sent - o.received, 0);
    if (lost === 0) {
      lossFree[n] = { rate: median(runs[n].map((o) => o.rate)), burst: BURST };
      continue;
    }
    lossFree[n] = { rate: 0, burst: 0 };
    for (const burst of [16, 8, 4, 2, 1]) {
      const p = await makers[n]();
      const o = await flatOut(p, SECONDS / ROUNDS, burst);
      await p.close();
      if (o.sent === o.received) {
        lossFree[n] = { rate: o.rate, burst };
        break;
      }
    }
  }
  await stun.close();

  const row = (label: string, f: (n: Name) => number) => ({
    case: label,
    values: Object.fromEntries(names.map((n) => [n, f(n)])),
  });
  const rate = (n: Name) => median(runs[n].map((o) => o.rate));
  const loss = (n: Name) => {
    const sent = runs[n].reduce((k, o) => k + o.sent, 0);
    const got = runs[n].reduce((k, o) => k + o.received, 0);
    return `${n} ${(((sent - got) / sent) * 100).toFixed(2)} % (${got} of ${sent})`;
  };
  writeReport({
    name: "peer-media",
    unit: "packets/s",
    better: "higher",
    subject: "tern",
    baselines: ["werift", "node:dgram", "node:dgram + SRTP"],
    rows: [
      row(`received/s flat out (bursts of ${BURST}), median of ${ROUNDS} × ${SECONDS / ROUNDS} s`, rate),
      row("highest loss-free rate (received/s)", (n) => lossFree[n].rate),
      row("packets per CPU-second (sender + receiver)", (n) =>
        median(runs[n].map((o) => 1e6 / o.cpuUsPerPacket)),
      ),
    ],
    notes: [
      "1200-byte payloads (1212-byte RTP + the SRTP tag), SRTP profile negotiated by default:",
      `${names.map((n) => `${n} ${profiles[n]}`).join("; ")};`,
      "sender and receiver in this process over 127.0.0.1; a fresh pair for every round; rounds interleaved.",
      `loss over all rounds: ${names.map(loss).join("; ")}.`,
      `loss-free rate found with bursts of: ${names.map((n) => `${n} ${lossFree[n].burst}`).join(", ")}.`,
      `Tern flat out = ${((rate("tern") / rate("node:dgram")) * 100).toFixed(0)} % of the node:dgram ceiling in this run (goal ≥ 70 %).`,
      `The floor: node:dgram plus Tern's SRTP protect and unprotect alone (no RTP, ICE, buffers) = ${((rate("node:dgram + SRTP") / rate("node:dgram")) * 100).toFixed(0)} % of node:dgram; Tern = ${((rate("tern") / rate("node:dgram + SRTP")) * 100).toFixed(0)} % of that floor.`,
      ...Object.entries(byProfile).map(
        ([name, o]) =>
          `Tern with ${name} forced: ${Math.round(median(o.map((x) => x.rate)))}/s flat out, ${Math.round(median(o.map((x) => 1e6 / x.cpuUsPerPacket)))} packets per CPU-second.`,
      ),
    ],
  });
}

/**
 * A Tern media peer for the NAT lab: a @tern/peer PeerConnection (ICE, DTLS-SRTP, RTP with NACK/RTX/PLI)
 * sending and receiving one VP8 track, run inside a host namespace by the scenario runner:
 *   ip netns exec tern-host-a node --conditions=tern-source --import tsx peer-media.ts '<PeerConfig JSON>'
 * Same line protocol as peer-tern.ts (peer-protocol.ts), with JSEP instead of bare credentials: on
 * `start` the controlling peer offers (RFC 8829 §5.2) and the controlled one answers when the offer comes;
 * both trickle their candidates (RFC 8838). Once connectionState is "connected" (ICE and DTLS-SRTP) it
 * says `connected` with the selected pair; on `go` it plays the VP8 clip of packages/peer/test/vectors
 * (`clip.ivf`, 15 frames, one keyframe) `videoPasses` times, each pass continuing the RTP timeline, and
 * it checks every frame it receives against the clip frame written at that RTP timestamp. On `bye` (or by
 * itself when the connection failed) it prints its report — selected pair, DTLS cipher and SRTP profile,
 * frames sent / received / byte-identical, NACK and RTX counts from getStats() — closes and exits.
 * NATLAB_LOG=<pino level> logs the PeerConnection to stderr.
 */
import { readFileSync } from "node:fs";
import { generateCertificate } from "@tern/dtls-srtp";
import type { Candidate } from "@tern/ice";
import { type EncodedFrame, LocalTrack, PeerConnection, type StatsReport } from "@tern/peer";
import { decodeIvf, ivfTimestampToRtp } from "@tern/rtp";
import pino from "pino";
import {
  type CandidateInfo,
  LAB_TURN,
  lineReader,
  type MediaReport,
  type PeerConfig,
  type PeerMessage,
  parseRunnerMessage,
  type RunnerMessage,
} from "./peer-protocol.js";

const config = JSON.parse(process.argv[2] ?? "{}") as PeerConfig;

function out(m: PeerMessage): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

function info(c: Candidate): CandidateInfo {
  return { type: c.type, address: c.address, port: c.port, protocol: c.transport };
}

interface ClipFrame {
  readonly data: Uint8Array;
  readonly rtpTimestamp: number;
}

/** The clip, `passes` times over one continuous RTP timeline (90 kHz: 6000 ticks a frame at 15 fps). */
function loadClip(passes: number): ClipFrame[] {
  const file = new URL("../../../peer/test/vectors/clip.ivf", import.meta.url);
  const ivf = decodeIvf(new Uint8Array(readFileSync(file)));
  if (!ivf.ok) throw new Error(`clip.ivf: ${ivf.error.code} at ${ivf.error.at}`);
  const { header, frames } = ivf.value;
  const period = ivfTimestampToRtp(header, header.frameCount);
  const clip: ClipFrame[] = [];
  for (let pass = 0; pass < passes; pass++) {
    for (const f of frames) {
      clip.push({ data: f.data, rtpTimestamp: ivfTimestampToRtp(header, f.timestamp) + pass * period });
    }
  }
  return clip;
}

const clip = loadClip(config.videoPasses);
const expectedAt = new Map(clip.map((f) => [f.rtpTimestamp, f.data]));
const certificate = await generateCertificate();
const offerer = config.role === "controlling";

let pc: PeerConnection | undefined;
const video = new LocalTrack("video");
let t0 = 0;
const ms = (): number => +(performance.now() - t0).toFixed(1);
let connectedMs: number | undefined;
let iceConnectedMs: number | undefined;
let failedMs: number | undefined;
let failure: string | undefined;
let sdpSent = false;
const pendingCandidates: PeerMessage[] = [];
const localCandidates: string[] = [];
let framesSent = 0;
const framesSeen = new Set<number>();
let framesIdentical = 0;
let framesCorrupt = 0;
let receivedBytes = 0;
let reported = false;

function iceServers(): { urls: string; username?: string; credential?: string }[] {
  const servers: { urls: string; username?: string; credential?: string }[] = [];
  if (config.stun) servers.push({ urls: `stun:${LAB_TURN.address}:${LAB_TURN.port}` });
  if (config.turn) {
    servers.push({
      urls: `turn:${LAB_TURN.address}:${LAB_TURN.port}?transport=${config.turn}`,
      username: LAB_TURN.username,
      credential: LAB_TURN.credential,
    });
  }
  return servers;
}

/** Candidates go out only after our description, so the other side never sees them first. */
function signal(m: PeerMessage): void {
  if (sdpSent || m.t === "sdp") out(m);
  else pendingCandidates.push(m);
  if (m.t === "sdp") {
    sdpSent = true;
    for (const c of pendingCandidates.splice(0)) out(c);
  }
}

function onFrame(f: EncodedFrame): void {
  if (framesSeen.has(f.rtpTimestamp)) return;
  framesSeen.add(f.rtpTimestamp);
  receivedBytes += f.data.length;
  const want = expectedAt.get(f.rtpTimestamp);
  if (want && Buffer.compare(Buffer.from(f.data), Buffer.from(want)) === 0) framesIdentical++;
  else framesCorrupt++;
  if (framesIdentical === clip.length) out({ t: "all-received" });
}

function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}

function mediaReport(stats: StatsReport | undefined): MediaReport {
  const entries = [...(stats?.values() ?? [])];
  const outbound = entries.find((s) => s.type === "outbound-rtp" && s.kind === "video");
  const inbound = entries.find((s) => s.type === "inbound-rtp" && s.kind === "video");
  const remoteInbound = entries.find((s) => s.type === "remote-inbound-rtp" && s.kind === "video");
  const rtt = remoteInbound?.roundTripTime;
  return {
    iceConnectedMs,
    dtlsCipher: pc?.security.cipherSuite,
    srtpProfile: pc?.security.srtpProfile,
    framesExpected: clip.length,
    framesSent,
    framesReceived: framesSeen.size,
    framesIdentical,
    framesCorrupt,
    packetsSent: num(outbound?.packetsSent),
    packetsReceived: num(inbound?.packetsReceived),
    repair: {
      retransmittedPacketsSent: num(outbound?.retransmittedPacketsSent),
      nackReceived: num(outbound?.nackCount),
      pliReceived: num(outbound?.pliCount),
      retransmittedPacketsReceived: num(inbound?.retransmittedPacketsReceived),
      packetsLost: num(inbound?.packetsLost),
      nackSent: num(inbound?.nackCount),
      pliSent: num(inbound?.pliCount),
      rttMs: typeof rtt === "number" ? +(rtt * 1000).toFixed(1) : undefined,
    },
  };
}

async function report(): Promise<void> {
  if (reported) return;
  reported = true;
  const p = pc;
  const stats = await p?.getStats().catch(() => undefined);
  const pair = p?.selectedCandidatePair;
  out({
    t: "report",
    report: {
      impl: "tern-media",
      state: p?.connectionState ?? "new",
      connectedMs,
      failedMs,
      failure,
      pair: pair ? { local: info(pair.local), remote: info(pair.remote) } : undefined,
      localCandidates,
      sent: framesSent,
      received: framesSeen.size,
      receivedOther: framesCorrupt,
      receivedBytes,
      counters: {},
      media: mediaReport(stats),
    },
  });
  await p?.close().catch(() => undefined);
  setTimeout(() => process.exit(0), 20);
}

function start(): void {
  t0 = performance.now();
  const level = process.env.NATLAB_LOG;
  const p = new PeerConnection({
    iceServers: iceServers(),
    iceTransportPolicy: config.policy,
    iceAddresses: [config.address],
    mdns: false,
    certificates: [certificate],
    ...(config.congestionControl ? {} : { congestionControl: false }),
    ...(level ? { logger: pino({ level, base: { peer: config.name } }, pino.destination(2)) } : {}),
  });
  pc = p;
  p.on("icecandidate", ({ candidate }) => {
    if (candidate) {
      localCandidates.push(candidate.candidate);
      signal({ t: "cand", line: candidate.candidate, mid: candidate.sdpMid ?? "0" });
    } else signal({ t: "eoc" });
  });
  p.on("track", ({ track }) => track.on("frame", onFrame));
  p.on("iceconnectionstatechange", (s) => {
    out({ t: "state", state: `ice-${s}`, ms: ms() });
    if ((s === "connected" || s === "completed") && iceConnectedMs === undefined) iceConnectedMs = ms();
  });
  p.on("connectionstatechange", (s) => {
    out({ t: "state", state: s, ms: ms() });
    if (s === "connected" && connectedMs === undefined) {
      connectedMs = ms();
      const pair = p.selectedCandidatePair;
      if (pair)
        out({
          t: "connected",
          ms: connectedMs,
          pair: { local: info(pair.local), remote: info(pair.remote) },
        });
    }
    if (s === "failed" && failedMs === undefined) {
      failedMs = ms();
      failure = `connection failed (ICE ${p.iceConnectionState})`;
      void report();
    }
  });
  if (offerer) {
    p.addTrack(video);
    void guard(async () => {
      const offer = await p.createOffer();
      await p.setLocalDescription(offer);
      signal({ t: "sdp", type: "offer", sdp: offer.sdp });
    });
  }
}

/** The answerer: the offer in, our track on its video section, the answer out. */
async function answer(p: PeerConnection, sdp: string): Promise<void> {
  await p.setRemoteDescription({ type: "offer", sdp });
  p.addTrack(video);
  const a = await p.createAnswer();
  await p.setLocalDescription(a);
  signal({ t: "sdp", type: "answer", sdp: a.sdp });
}

/** Anything thrown by the PeerConnection is a failure of this peer: report it and exit. */
function guard(fn: () => Promise<void>): void {
  fn().catch((err: unknown) => {
    failedMs ??= ms();
    failure = `internal error: ${err instanceof Error ? err.message : String(err)}`;
    void report();
  });
}

/** Plays the clip passes, one frame every `frameIntervalMs`, then says `sent`. */
function go(): void {
  let i = 0;
  const next = (): void => {
    const f = clip[i++];
    if (!f) {
      out({ t: "sent", n: framesSent });
      return;
    }
    if (video.writeFrame(f.data, f.rtpTimestamp)) framesSent++;
    setTimeout(next, config.frameIntervalMs);
  };
  next();
}

function handle(m: RunnerMessage): void {
  const p = pc;
  switch (m.t) {
    case "start":
      start();
      return;
    case "sdp":
      if (!p) return;
      if (m.type === "offer") guard(() => answer(p, m.sdp));
      else guard(() => p.setRemoteDescription({ type: "answer", sdp: m.sdp }));
      return;
    case "cand":
      if (p) guard(() => p.addIceCandidate({ candidate: m.line, sdpMid: m.mid ?? "0" }));
      return;
    case "eoc":
      if (p) guard(() => p.addIceCandidate(null));
      return;
    case "creds":
      return; // carried by the SDP
    case "go":
      go();
      return;
    case "bye":
      void report();
      return;
  }
}

process.stdin.on(
  "data",
  lineReader((line) => {
    const m = parseRunnerMessage(line);
    if (m) handle(m);
  }),
);
// The runner closing our stdin (it crashed or gave up) ends us too: never linger in the namespace.
process.stdin.on("end", () => void report());
out({ t: "ready" });

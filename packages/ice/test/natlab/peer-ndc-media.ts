/**
 * A node-datachannel (libdatachannel: libjuice ICE, OpenSSL DTLS, libsrtp) media peer for the NAT lab, the
 * counterpart of peer-media.ts with the same line protocol (peer-protocol.ts): real SDP offer/answer and
 * trickled candidates, one VP8 track each way over DTLS-SRTP. (peer-ndc.ts is the ICE-only peer that
 * bench/ice-relay.bench.ts times against peer-tern.ts.)
 *
 * libdatachannel's tracks carry raw RTP (it protects and unprotects, nothing more), so this peer sends the
 * clip packetized by @tern/rtp's RtpPacketizer (Vp8PayloadFormat) and rebuilds what it receives into
 * frames with werift's depacketizer (a third implementation), one frame per marker bit. libdatachannel
 * has no NACK, RTX or jitter buffer here: this peer is for clean links only. Controlling, it offers (its
 * video section first, mid "0"); controlled, it answers with the same track.
 *
 * libdatachannel can deadlock between its own threads (see ndc-watchdog.ts), and then a call that takes the
 * ICE agent's lock blocks this thread for good. As in peer-ndc.ts, the selected pair is read ahead (once
 * connected, out of libdatachannel's callbacks, and again at `go`), the report is written before anything
 * else is asked of libdatachannel, and those calls are guarded by the watchdog, so the peer always reports
 * (its pair undefined if it could not be read) and exits.
 */
import { readFileSync } from "node:fs";
import { decodeIvf, encodeRtpPacket, ivfTimestampToRtp, RtpPacketizer, Vp8PayloadFormat } from "@tern/rtp";
import nodeDataChannel from "node-datachannel";
import { dePacketizeRtpPackets, RtpPacket as WeriftRtpPacket } from "werift";
import { NdcPeerEnd, startWatchdog } from "./ndc-watchdog.js";
import {
  LAB_TURN,
  lineReader,
  type PeerConfig,
  type PeerMessage,
  parseRunnerMessage,
  type RunnerMessage,
} from "./peer-protocol.js";

const config = JSON.parse(process.argv[2] ?? "{}") as PeerConfig;
const watchdog = await startWatchdog();
const VIDEO_PT = 96;
const VIDEO_SSRC = 0x0a0a0a0a;
const MID = "0";

function out(m: PeerMessage): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

interface ClipFrame {
  readonly data: Uint8Array;
  readonly rtpTimestamp: number;
}

/** The VP8 clip, `passes` times over one RTP timeline: the same frames and timestamps as peer-media.ts. */
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
const offerer = config.role === "controlling";

let pc: nodeDataChannel.PeerConnection | undefined;
let track: nodeDataChannel.Track | undefined;
let t0 = 0;
const ms = (): number => +(performance.now() - t0).toFixed(1);
let state = "new";
let iceState = "new";
let connectedMs: number | undefined;
let iceConnectedMs: number | undefined;
let failedMs: number | undefined;
let remoteSet = false;
let sdpSent = false;
const pendingLocal: PeerMessage[] = [];
const pendingRemote: string[] = [];
const localCandidates: string[] = [];
let framesSent = 0;
let packetsSent = 0;
let packetsReceived = 0;
let receivedBytes = 0;
const framesSeen = new Set<number>();
let framesIdentical = 0;
let framesCorrupt = 0;
let pending: WeriftRtpPacket[] = [];

function signal(m: PeerMessage): void {
  if (sdpSent || m.t === "sdp") out(m);
  else pendingLocal.push(m);
  if (m.t === "sdp") {
    sdpSent = true;
    for (const c of pendingLocal.splice(0)) out(c);
  }
}

/** RTP in (RTCP, packet types 200–207 in byte 1, is skipped): a frame at each marker bit. */
function onRtp(msg: Buffer): void {
  const pt = msg[1] ?? 0;
  if (msg.length < 12 || (pt >= 192 && pt <= 223)) return;
  const rtp = WeriftRtpPacket.deSerialize(msg);
  packetsReceived++;
  pending.push(rtp);
  if (!rtp.header.marker) return;
  const frame = pending;
  pending = [];
  const ts = rtp.header.timestamp;
  if (framesSeen.has(ts)) return;
  framesSeen.add(ts);
  const data = dePacketizeRtpPackets("vp8", frame).data;
  receivedBytes += data.length;
  const want = expectedAt.get(ts);
  if (want && Buffer.compare(data, Buffer.from(want)) === 0) framesIdentical++;
  else framesCorrupt++;
  if (framesIdentical === clip.length) out({ t: "all-received" });
}

function reportMessage(): PeerMessage {
  return {
    t: "report",
    report: {
      impl: "node-datachannel-media",
      state,
      connectedMs,
      failedMs,
      failure: failedMs === undefined ? undefined : `connection failed (ICE ${iceState})`,
      pair: end.pair,
      localCandidates,
      sent: framesSent,
      received: framesSeen.size,
      receivedOther: framesCorrupt,
      receivedBytes,
      counters: {},
      media: {
        iceConnectedMs,
        dtlsCipher: undefined,
        srtpProfile: undefined,
        framesExpected: clip.length,
        framesSent,
        framesReceived: framesSeen.size,
        framesIdentical,
        framesCorrupt,
        packetsSent,
        packetsReceived,
      },
    },
  };
}

const end = new NdcPeerEnd(watchdog, {
  selected: () => pc?.getSelectedCandidatePair(),
  message: reportMessage,
  out,
  close: () => {
    track?.close();
    pc?.close();
  },
  cleanup: () => nodeDataChannel.cleanup(),
});

function onConnected(): void {
  if (connectedMs !== undefined) return;
  connectedMs = ms();
  // Said at once, without the selected pair: the runner times both sides' "connected" on its own clock.
  // The pair is read after this callback has returned (see ndc-watchdog.ts); the report carries it.
  out({ t: "connected", ms: connectedMs, pair: undefined });
  setTimeout(() => end.readPair(), 0);
}

function start(): void {
  t0 = performance.now();
  const iceServers: (string | nodeDataChannel.IceServer)[] = [];
  if (config.stun) iceServers.push(`stun:${LAB_TURN.address}:${LAB_TURN.port}`);
  if (config.turn) {
    iceServers.push({
      hostname: LAB_TURN.address,
      port: LAB_TURN.port,
      username: LAB_TURN.username,
      password: LAB_TURN.credential,
      relayType: config.turn === "tcp" ? "TurnTcp" : "TurnUdp",
    });
  }
  const p = new nodeDataChannel.PeerConnection(config.name, {
    iceServers,
    iceTransportPolicy: config.policy,
    bindAddress: config.address,
  });
  pc = p;
  p.onLocalDescription((sdp, type) => {
    if (type === "offer" || type === "answer") signal({ t: "sdp", type, sdp });
  });
  p.onLocalCandidate((candidate) => {
    const line = candidate.replace(/^a=/, "");
    localCandidates.push(line);
    signal({ t: "cand", line, mid: MID });
  });
  p.onGatheringStateChange((s) => {
    if (s === "complete") signal({ t: "eoc" });
  });
  p.onIceStateChange((s) => {
    iceState = s;
    out({ t: "state", state: `ice-${s}`, ms: ms() });
    if ((s === "connected" || s === "completed") && iceConnectedMs === undefined) iceConnectedMs = ms();
  });
  p.onStateChange((s) => {
    state = s;
    out({ t: "state", state: s, ms: ms() });
    if (s === "connected") onConnected();
    if (s === "failed" && failedMs === undefined) {
      failedMs = ms();
      end.report();
    }
  });
  const video = new nodeDataChannel.Video(MID, "SendRecv");
  video.addVP8Codec(VIDEO_PT);
  video.addSSRC(VIDEO_SSRC, "ndc-video", "ndc-stream", "ndc-video");
  track = p.addTrack(video);
  track.onMessage(onRtp);
  if (offerer) p.setLocalDescription();
}

/** Plays the clip, one frame every `frameIntervalMs`, once the track is open (DTLS-SRTP done). */
function go(): void {
  const packetizer = new RtpPacketizer({
    format: new Vp8PayloadFormat({ pictureId: 7, pictureIdBits: 15 }),
    ssrc: VIDEO_SSRC,
    payloadType: VIDEO_PT,
    sequenceNumber: 500,
  });
  let i = 0;
  const next = (): void => {
    const t = track;
    const f = clip[i++];
    if (!f || !t) {
      out({ t: "sent", n: framesSent });
      return;
    }
    let ok = t.isOpen();
    if (ok) {
      for (const packet of packetizer.packetize(f.data, f.rtpTimestamp)) {
        ok = t.sendMessageBinary(Buffer.from(encodeRtpPacket(packet))) && ok;
        packetsSent++;
      }
    }
    if (ok) framesSent++;
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
      p.setRemoteDescription(m.sdp, m.type);
      remoteSet = true;
      for (const line of pendingRemote.splice(0)) p.addRemoteCandidate(line, MID);
      return;
    case "cand":
      if (remoteSet) p?.addRemoteCandidate(m.line, m.mid ?? MID);
      else pendingRemote.push(m.line);
      return;
    case "creds":
    case "eoc":
      return; // credentials come in the SDP; libdatachannel has no end-of-candidates call
    case "go":
      end.readPair(); // again: the pair may have changed since connected (nomination)
      go();
      return;
    case "bye":
      end.report();
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
process.stdin.on("end", () => end.report());
out({ t: "ready" });

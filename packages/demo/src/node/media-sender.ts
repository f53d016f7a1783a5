/**
 * The sender: offers to every peer that joins the room (one PeerConnection each, a VP8 and an Opus
 * LocalTrack each) and, once connected, plays the clip to it in real time from its first frame. The
 * Node receiver gets a window of `durationMs`: when it closes, a `bye` carries the window (frame
 * counts, RTP bases), and the stream goes on as a tail until the receiver says bye, so a loss at the
 * very end still shows up as a gap that NACK repairs. Browsers get the clip looped until they leave.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { LocalTrack, PeerConnection } from "@tern/peer";
import type { RelayedMessage, SignalingClient } from "@tern/signaling";
import type { Logger } from "pino";
import { randomU32 } from "../crypto/random-u32.js";
import { ClipCursor, framesInWindow } from "../media/clip-schedule.js";
import type { MediaClip } from "../media/media-clip.js";
import { encodeStreamWindow, type StreamWindow } from "../media/stream-window.js";
import { nextSample, type PeerStatus, peerStatus, type StatusSample } from "../stats/peer-status.js";
import { DataSender } from "./data-exchange.js";
import type { ChildMessage, PeerProcessConfig } from "./demo-messages.js";
import { applyCandidate, trickleCandidates } from "./peer-signaling.js";

/** How long the tail may run after the window's bye if the receiver never answers. */
const TAIL_MAX_MS = 8_000;
const PUMP_INTERVAL_MS = 5;

interface OutgoingStream {
  readonly peerId: string;
  readonly label: string;
  readonly pc: PeerConnection;
  readonly video: LocalTrack;
  readonly audio: LocalTrack;
  readonly windowMs: number | undefined;
  readonly untrickle: () => void;
  readonly data: DataSender | undefined;
  videoCursor: ClipCursor | undefined;
  audioCursor: ClipCursor | undefined;
  startedAt: number | undefined;
  window: StreamWindow | undefined;
  tailDeadline: number | undefined;
  writeFailures: number;
  keyframeRequests: number;
  last: StatusSample | undefined;
  lastStatus: PeerStatus | undefined;
  ended: boolean;
}

export class MediaSender {
  private readonly streams = new Map<string, OutgoingStream>();
  private pump: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  /** `--data`: the file sent on each connection's "file" channel. */
  private readonly file: { readonly name: string; readonly data: Uint8Array } | undefined;

  constructor(
    private readonly cfg: PeerProcessConfig,
    private readonly clip: MediaClip,
    private readonly client: SignalingClient,
    private readonly log: Logger,
    private readonly report: (m: ChildMessage) => void,
  ) {
    this.file = !cfg.data
      ? undefined
      : cfg.dataFile
        ? { name: basename(cfg.dataFile), data: readFileSync(cfg.dataFile) }
        : { name: "random-4MiB.bin", data: randomBytes(4 << 20) };
  }

  /**
   * Listens to the room. Called before joining: the server's `joined` and a `peer-joined` right behind it
   * can arrive in one read and be emitted before `await join()` returns.
   */
  listen(): void {
    this.client.on("peer-joined", (m) => {
      if (m.room === this.cfg.room) void this.offerTo(m.peer.peerId, m.peer.name);
    });
    this.client.on("peer-left", (m) => {
      if (m.room !== this.cfg.room) return;
      const s = this.streams.get(m.peerId);
      if (s) void this.end(s, `peer left (${m.reason})`);
    });
    this.client.on("signal", (m) => void this.onSignal(m));
  }

  /** Starts streaming: `peers` are those already in the room when we joined. */
  start(peers: readonly { peerId: string; name: string | null }[]): void {
    for (const p of peers) void this.offerTo(p.peerId, p.name);
    this.pump = setInterval(() => this.tick(), PUMP_INTERVAL_MS);
    this.statusTimer = setInterval(() => void this.publishStatus(), this.cfg.statusIntervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.pump);
    clearInterval(this.statusTimer);
    await Promise.all([...this.streams.values()].map((s) => this.end(s, "stopped")));
  }

  private async offerTo(peerId: string, name: string | null): Promise<void> {
    if (this.streams.has(peerId)) return;
    const label = `${this.cfg.name} → ${name ?? peerId.slice(0, 8)}`;
    const log = this.log.child({ remote: name ?? peerId });
    const pc = new PeerConnection({
      iceAddresses: this.cfg.iceAddresses,
      iceServers: this.cfg.iceServers,
      ...(this.cfg.relayOnly ? { iceTransportPolicy: "relay" as const } : {}),
      mdns: this.cfg.mdns,
      logger: log.child({ layer: "peer" }),
    });
    const video = new LocalTrack("video");
    const audio = new LocalTrack("audio");
    pc.addTrack(video);
    pc.addTrack(audio);
    const s: OutgoingStream = {
      peerId,
      label,
      pc,
      video,
      audio,
      windowMs: name === this.cfg.receiverName ? this.cfg.durationMs : undefined,
      untrickle: trickleCandidates(pc, this.client, this.cfg.room, peerId),
      // the channels go in the offer: a data m= section beside the media (RFC 8841)
      data: this.cfg.chat ? new DataSender(pc, this.cfg.name, this.file, log, () => undefined) : undefined,
      videoCursor: undefined,
      audioCursor: undefined,
      startedAt: undefined,
      window: undefined,
      tailDeadline: undefined,
      writeFailures: 0,
      keyframeRequests: 0,
      last: undefined,
      lastStatus: undefined,
      ended: false,
    };
    this.streams.set(peerId, s);
    video.on("keyframerequest", () => {
      s.keyframeRequests++;
      log.debug({ count: s.keyframeRequests }, "keyframe requested (the clip has one every second)");
    });
    pc.on("iceconnectionstatechange", (st) => log.debug({ state: st }, "ICE connection state"));
    pc.on("connectionstatechange", (st) => {
      log.info({ state: st, ...(st === "connected" ? this.connectedFields(pc) : {}) }, "connection state");
      if (st === "connected" && s.startedAt === undefined) this.startStream(s);
      if (st === "failed") void this.end(s, "connection failed");
    });
    try {
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      this.client.send({ type: "offer", room: this.cfg.room, to: peerId, sdp: offer.sdp });
      log.info({ to: peerId }, "offer sent");
    } catch (err) {
      log.error({ err }, "could not make an offer");
      void this.end(s, "offer failed");
    }
  }

  private connectedFields(pc: PeerConnection): Record<string, unknown> {
    const p = pc.selectedCandidatePair;
    return {
      pair: p
        ? `${p.local.type} ${p.local.address}:${p.local.port} → ${p.remote.type} ${p.remote.address}:${p.remote.port}`
        : undefined,
      ...pc.security,
      dtlsConnectedMs: pc.timings.dtlsConnected,
    };
  }

  private startStream(s: OutgoingStream): void {
    s.startedAt = performance.now();
    s.videoCursor = new ClipCursor(this.clip.video, randomU32(), undefined);
    s.audioCursor = new ClipCursor(this.clip.audio, randomU32(), undefined);
    this.log.info(
      { remote: s.label, windowMs: s.windowMs ?? "until the peer leaves" },
      "streaming the clip (VP8 + Opus, real time, looped)",
    );
  }

  private tick(): void {
    const now = performance.now();
    for (const s of this.streams.values()) {
      if (s.ended || s.startedAt === undefined || !s.videoCursor || !s.audioCursor) continue;
      const elapsed = now - s.startedAt;
      for (const f of s.videoCursor.due(elapsed))
        if (!s.video.writeFrame(f.data, f.rtpTimestamp)) s.writeFailures++;
      for (const f of s.audioCursor.due(elapsed))
        if (!s.audio.writeFrame(f.data, f.rtpTimestamp)) s.writeFailures++;
      if (s.windowMs !== undefined && !s.window && elapsed >= s.windowMs)
        this.maybeCloseWindow(s, s.windowMs, now);
      if (s.tailDeadline !== undefined && now >= s.tailDeadline)
        void this.end(s, "no reply to the window's bye");
    }
  }

  private maybeCloseWindow(s: OutgoingStream, windowMs: number, now: number): void {
    const v = s.videoCursor;
    const a = s.audioCursor;
    if (!v || !a) return;
    const video = framesInWindow(this.clip.video, windowMs);
    const audio = framesInWindow(this.clip.audio, windowMs);
    if (v.sent < video || a.sent < audio) return; // a stalled loop still catching up
    s.window = {
      video: { frames: video, rtpBase: v.rtpBase },
      audio: { frames: audio, rtpBase: a.rtpBase },
    };
    this.client.send({
      type: "bye",
      room: this.cfg.room,
      to: s.peerId,
      reason: encodeStreamWindow(s.window),
    });
    s.tailDeadline = now + TAIL_MAX_MS;
    this.log.info(
      { remote: s.label, window: s.window },
      "stream window closed; tail until the receiver is done",
    );
  }

  private async onSignal(m: RelayedMessage): Promise<void> {
    if (m.room !== this.cfg.room) return;
    const s = this.streams.get(m.from);
    if (!s) return;
    try {
      if (m.type === "answer") await s.pc.setRemoteDescription({ type: "answer", sdp: m.sdp });
      else if (m.type === "candidate" || m.type === "end-of-candidates") await applyCandidate(s.pc, m);
      else if (m.type === "bye") await this.end(s, `bye from the peer: ${m.reason ?? ""}`);
      else this.log.warn({ type: m.type }, "unexpected message for the offerer (ignored)");
    } catch (err) {
      this.log.warn({ err, type: m.type }, "signaling message failed");
    }
  }

  private async status(s: OutgoingStream): Promise<PeerStatus> {
    const now = Date.now();
    const st = peerStatus(await s.pc.getStats(), {
      label: s.label,
      role: "send",
      connectionState: s.pc.connectionState,
      connectMs: s.pc.timings.dtlsConnected,
      droppedByLossHook: 0,
      nowMs: now,
      startedAtMs: this.cfg.epochMs,
      previous: s.last,
    });
    s.last = nextSample(s.last, st, now);
    s.lastStatus = st;
    return st;
  }

  private async publishStatus(): Promise<void> {
    for (const s of this.streams.values()) {
      if (s.ended) continue;
      this.report({ type: "status", status: await this.status(s) });
    }
  }

  private async end(s: OutgoingStream, why: string): Promise<void> {
    if (s.ended) return;
    s.ended = true;
    const status = s.pc.connectionState === "closed" ? s.lastStatus : await this.status(s);
    this.log.info(
      {
        remote: s.label,
        why,
        videoFramesSent: s.videoCursor?.sent ?? 0,
        audioFramesSent: s.audioCursor?.sent ?? 0,
        writeFailures: s.writeFailures,
        keyframeRequests: s.keyframeRequests,
      },
      "stream ended",
    );
    if (status) this.report({ type: "status", status });
    this.report({
      type: "stream-ended",
      report: {
        remote: s.label,
        window: s.window,
        videoFramesSent: s.videoCursor?.sent ?? 0,
        audioFramesSent: s.audioCursor?.sent ?? 0,
        status,
        data: s.data?.report,
      },
    });
    s.untrickle();
    await s.pc.close();
    this.streams.delete(s.peerId);
  }
}

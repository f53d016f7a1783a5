/**
 * The Node receiver: answers the sender's offer, collects the reassembled VP8 and Opus frames, and when
 * the sender's `bye` names the stream window, waits for the window's last frames (NACK repair may
 * still be under way), checks every frame against the clip, writes recv.ivf / recv.ogg, says bye, and
 * reports the result to the CLI.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type EncodedFrame, PeerConnection } from "@tern/peer";
import { encodeIvf, encodeOggOpus, rtpToIvfTimestamp } from "@tern/rtp";
import type { RelayedMessage, SignalingClient } from "@tern/signaling";
import type { Logger } from "pino";
import { scheduledFrame } from "../media/clip-schedule.js";
import { checkFrames, type ReceivedFrame } from "../media/frame-integrity.js";
import type { MediaClip } from "../media/media-clip.js";
import { decodeStreamWindow, type StreamWindow } from "../media/stream-window.js";
import { nextSample, type PeerStatus, peerStatus, type StatusSample } from "../stats/peer-status.js";
import { DataReceiver } from "./data-exchange.js";
import type { ChildMessage, PeerProcessConfig, ReceiverResult } from "./demo-messages.js";
import { applyCandidate, trickleCandidates } from "./peer-signaling.js";

export class MediaReceiver {
  private pc: PeerConnection | undefined;
  private senderId: string | undefined;
  private readonly video: ReceivedFrame[] = [];
  private readonly audio: ReceivedFrame[] = [];
  private window: StreamWindow | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private last: StatusSample | undefined;
  private lastStatus: PeerStatus | undefined;
  private finished = false;
  private label = "";
  /** `--data`: the sender's file and chat line. */
  private data: DataReceiver | undefined;

  constructor(
    private readonly cfg: PeerProcessConfig,
    private readonly clip: MediaClip,
    private readonly client: SignalingClient,
    private readonly log: Logger,
    private readonly report: (m: ChildMessage) => void,
    /** RTP datagrams dropped by the `--loss` hook so far. */
    private readonly dropped: () => number,
  ) {}

  /** Listens for the sender's signals; called before joining (see MediaSender.listen). */
  listen(): void {
    this.client.on("signal", (m) => void this.onSignal(m));
  }

  start(): void {
    this.statusTimer = setInterval(() => void this.publishStatus(), this.cfg.statusIntervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.statusTimer);
    clearTimeout(this.drainTimer);
    await this.pc?.close();
  }

  private connection(from: string): PeerConnection | undefined {
    if (this.pc) return this.senderId === from ? this.pc : undefined;
    this.senderId = from;
    this.label = `${this.cfg.name} ← sender`;
    const log = this.log.child({ remote: from });
    const pc = new PeerConnection({
      iceAddresses: this.cfg.iceAddresses,
      iceServers: this.cfg.iceServers,
      ...(this.cfg.relayOnly ? { iceTransportPolicy: "relay" as const } : {}),
      mdns: this.cfg.mdns,
      logger: log.child({ layer: "peer" }),
    });
    this.pc = pc;
    trickleCandidates(pc, this.client, this.cfg.room, from);
    if (this.cfg.data) this.data = new DataReceiver(pc, this.cfg.outDir, log, () => this.maybeFinish());
    pc.on("track", ({ track }) => {
      const into = track.kind === "video" ? this.video : this.audio;
      track.on("frame", (f: EncodedFrame) => {
        into.push({ data: f.data.slice(), rtpTimestamp: f.rtpTimestamp });
        if (this.window) this.maybeFinish();
      });
    });
    pc.on("connectionstatechange", (st) => {
      const p = pc.selectedCandidatePair;
      log.info(
        {
          state: st,
          ...(st === "connected"
            ? {
                pair: p
                  ? `${p.local.type} ${p.local.address}:${p.local.port} → ${p.remote.type} ${p.remote.address}:${p.remote.port}`
                  : undefined,
                ...pc.security,
                dtlsConnectedMs: pc.timings.dtlsConnected,
              }
            : {}),
        },
        "connection state",
      );
      if (st === "failed") void this.finish("the connection failed");
    });
    return pc;
  }

  private async onSignal(m: RelayedMessage): Promise<void> {
    if (m.room !== this.cfg.room) return;
    const pc = this.connection(m.from);
    if (!pc) return;
    try {
      switch (m.type) {
        case "offer": {
          await pc.setRemoteDescription({ type: "offer", sdp: m.sdp });
          const answer = await pc.createAnswer();
          await pc.setLocalDescription(answer);
          this.client.send({ type: "answer", room: this.cfg.room, to: m.from, sdp: answer.sdp });
          this.log.info("answer sent");
          break;
        }
        case "candidate":
        case "end-of-candidates":
          await applyCandidate(pc, m);
          break;
        case "bye": {
          const w = decodeStreamWindow(m.reason ?? "");
          if (!w.ok) {
            await this.finish(`the sender left (${m.reason ?? "no reason"})`);
            break;
          }
          this.window = w.value;
          this.log.info({ window: w.value }, "the sender closed its stream window");
          this.drainTimer = setTimeout(() => void this.finish("drain timeout"), this.cfg.drainMs);
          this.maybeFinish();
          break;
        }
        case "answer":
          this.log.warn("an answer to the answerer (ignored)");
          break;
      }
    } catch (err) {
      this.log.warn({ err, type: m.type }, "signaling message failed");
    }
  }

  /** Done once both tracks have delivered a frame at or past the end of the window. */
  private maybeFinish(): void {
    const w = this.window;
    if (!w || this.finished) return;
    const last = (track: MediaClip["video"], tw: StreamWindow["video"]): number =>
      scheduledFrame(track, tw.rtpBase, tw.frames - 1).rtpTimestamp;
    const reached = (frames: readonly ReceivedFrame[], ts: number): boolean =>
      frames.some((f) => (f.rtpTimestamp - ts) >>> 0 < 0x8000_0000);
    const videoDone = w.video.frames === 0 || reached(this.video, last(this.clip.video, w.video));
    // A frame at or after the window's last one (the tail goes on) means nothing of the window is still
    // held back in a jitter buffer: what is missing then is lost for good (NACK gave up on it).
    const audioDone = w.audio.frames === 0 || reached(this.audio, last(this.clip.audio, w.audio));
    const dataDone = !this.cfg.data || this.data?.done === true;
    if (videoDone && audioDone && dataDone) void this.finish("all frames of the window are in");
  }

  private async finish(why: string): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.drainTimer);
    const w = this.window;
    const status = await this.status();
    const lossy = this.cfg.lossPercent > 0;
    const video = checkFrames({
      track: this.clip.video,
      rtpBase: w?.video.rtpBase ?? 0,
      expected: w?.video.frames ?? 0,
      received: this.video,
      allowMissing: false,
    });
    const audio = checkFrames({
      track: this.clip.audio,
      rtpBase: w?.audio.rtpBase ?? 0,
      expected: w?.audio.frames ?? 0,
      received: this.audio,
      allowMissing: lossy,
    });
    const files = this.writeFiles(w);
    const data = this.data?.report;
    const dataOk = !this.cfg.data || (data?.file?.ok === true && data.chatIn.length > 0);
    const intact = w !== undefined && video.intact && audio.intact && video.expected > 0 && dataOk;
    const result: ReceiverResult = { video, audio, ...files, intact, status, data };
    this.log.info({ why, intact, video: video.problems, audio: audio.problems }, "receive finished");
    if (this.senderId)
      this.client.send({
        type: "bye",
        room: this.cfg.room,
        to: this.senderId,
        reason: intact ? "intact" : "damaged",
      });
    this.report({ type: "status", status });
    this.report({ type: "receiver-result", result });
  }

  /** recv.ivf / recv.ogg: the window's frames as they arrived (the tail is not written). */
  private writeFiles(
    w: StreamWindow | undefined,
  ): Pick<ReceiverResult, "ivfPath" | "ivfBytes" | "oggPath" | "oggBytes"> {
    const video = inWindow(this.video, this.clip.video, w?.video);
    const audio = inWindow(this.audio, this.clip.audio, w?.audio);
    const base = w?.video.rtpBase ?? video[0]?.rtpTimestamp ?? 0;
    const ivf = encodeIvf({
      header: { ...this.clip.ivfHeader, frameCount: video.length },
      frames: video.map((f) => ({
        timestamp: rtpToIvfTimestamp(this.clip.ivfHeader, (f.rtpTimestamp - base) >>> 0),
        data: f.data,
      })),
    });
    const ogg = encodeOggOpus({
      serial: 0x7465726e, // "tern"
      head: this.clip.opusHead,
      tags: { vendor: "Tern demo receiver", comments: [] },
      frames: audio.map((f) => ({ data: f.data })),
    });
    const ivfPath = join(this.cfg.outDir, "recv.ivf");
    const oggPath = join(this.cfg.outDir, "recv.ogg");
    writeFileSync(ivfPath, ivf);
    writeFileSync(oggPath, ogg);
    return { ivfPath, ivfBytes: ivf.length, oggPath, oggBytes: ogg.length };
  }

  private async status(): Promise<PeerStatus> {
    const now = Date.now();
    const pc = this.pc;
    if (!pc) {
      return this.lastStatus ?? peerStatus(new Map(), this.ctx("new", undefined, now));
    }
    if (pc.connectionState === "closed" && this.lastStatus) return this.lastStatus;
    const st = peerStatus(await pc.getStats(), this.ctx(pc.connectionState, pc.timings.dtlsConnected, now));
    this.last = nextSample(this.last, st, now);
    this.lastStatus = st;
    return st;
  }

  private ctx(state: string, connectMs: number | undefined, now: number) {
    return {
      label: this.label || `${this.cfg.name} ← sender`,
      role: "receive" as const,
      connectionState: state,
      connectMs,
      droppedByLossHook: this.dropped(),
      nowMs: now,
      startedAtMs: this.cfg.epochMs,
      previous: this.last,
    };
  }

  private async publishStatus(): Promise<void> {
    if (this.finished || !this.pc) return;
    this.report({ type: "status", status: await this.status() });
  }
}

/** The frames from the track's RTP base up to (not including) the first frame of the tail. */
function inWindow(
  frames: readonly ReceivedFrame[],
  track: MediaClip["video"],
  tw: StreamWindow["video"] | undefined,
): ReceivedFrame[] {
  if (tw === undefined) return [...frames];
  const span = scheduledFrame(track, 0, tw.frames).rtpTimestamp;
  return frames.filter((f) => (f.rtpTimestamp - tw.rtpBase) >>> 0 < span);
}

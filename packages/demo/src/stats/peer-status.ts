/**
 * One peer connection's live status, derived from its getStats() report (W3C webrtc-stats shapes:
 * `transport`, `candidate-pair`, `local-candidate`/`remote-candidate`, `inbound-rtp`, `outbound-rtp`,
 * `remote-inbound-rtp`). Plain data, so it crosses the IPC channel to the CLI as is. Pure.
 */
import type { StatsEntry, StatsReport } from "@tern/peer";

export interface PeerStatus {
  /** "sender → receiver", as shown on the status line. */
  readonly label: string;
  readonly role: "send" | "receive";
  readonly connectionState: string;
  readonly iceState: string;
  /** "host → host" (local → remote candidate type), once a pair is selected. */
  readonly pair: string | undefined;
  readonly pairAddresses: string | undefined;
  readonly dtlsCipher: string | undefined;
  readonly srtpProfile: string | undefined;
  /** ms from the peer connection's construction to DTLS connected. */
  readonly connectMs: number | undefined;
  readonly packets: number;
  readonly bytes: number;
  readonly bitrateBps: number;
  /** Receive: RFC 3550 cumulative lost (after repair); send: as the peer's receiver reports say. */
  readonly packetsLost: number;
  readonly lossPercent: number;
  readonly rttMs: number | undefined;
  readonly jitterMs: number | undefined;
  readonly nackCount: number;
  readonly retransmitted: number;
  readonly videoFrames: number;
  readonly audioFrames: number;
  /** Send: congestion control's estimate (the candidate pair's availableOutgoingBitrate), when it runs. */
  readonly estimateBps: number | undefined;
  /** `--loss`: RTP datagrams dropped on purpose before the receiver saw them. */
  readonly droppedByLossHook: number;
  readonly elapsedMs: number;
}

export interface StatusSample {
  readonly bytes: number;
  readonly atMs: number;
  readonly bitrateBps: number;
}

/** Bitrates are taken over at least this long (a status asked for right after another keeps the old one). */
export const MIN_RATE_INTERVAL_MS = 200;

/** The sample to keep for the next status: this one, unless it came too soon after the previous. */
export function nextSample(prev: StatusSample | undefined, s: PeerStatus, nowMs: number): StatusSample {
  if (prev && nowMs - prev.atMs < MIN_RATE_INTERVAL_MS) return prev;
  return { bytes: s.bytes, atMs: nowMs, bitrateBps: s.bitrateBps };
}

function num(e: StatsEntry | undefined, key: string): number {
  const v = e?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

function str(e: StatsEntry | undefined, key: string): string | undefined {
  const v = e?.[key];
  return typeof v === "string" ? v : undefined;
}

function maybe(e: StatsEntry | undefined, key: string): number | undefined {
  const v = e?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export interface StatusContext {
  readonly label: string;
  readonly role: "send" | "receive";
  readonly connectionState: string;
  readonly connectMs: number | undefined;
  readonly droppedByLossHook: number;
  readonly nowMs: number;
  readonly startedAtMs: number;
  readonly previous: StatusSample | undefined;
}

export function peerStatus(report: StatsReport, c: StatusContext): PeerStatus {
  const all = [...report.values()];
  const transport = all.find((e) => e.type === "transport");
  const local = all.find((e) => e.type === "local-candidate");
  const remote = all.find((e) => e.type === "remote-candidate");
  const candidatePair = all.find((e) => e.type === "candidate-pair");
  const rtp = all.filter((e) => e.type === (c.role === "send" ? "outbound-rtp" : "inbound-rtp"));
  const remoteInbound = all.filter((e) => e.type === "remote-inbound-rtp");
  const sum = (entries: readonly StatsEntry[], key: string): number =>
    entries.reduce((n, e) => n + num(e, key), 0);
  const packets = sum(rtp, c.role === "send" ? "packetsSent" : "packetsReceived");
  const bytes = sum(rtp, c.role === "send" ? "bytesSent" : "bytesReceived");
  const prev = c.previous;
  const dt = prev ? c.nowMs - prev.atMs : 0;
  const bitrateBps = !prev
    ? 0
    : dt < MIN_RATE_INTERVAL_MS
      ? prev.bitrateBps
      : Math.max(0, ((bytes - prev.bytes) * 8 * 1000) / dt);
  const framesOf = (kind: string): number =>
    sum(
      rtp.filter((e) => e.kind === kind),
      c.role === "send" ? "framesSent" : "framesReceived",
    );
  let packetsLost: number;
  let lossPercent: number;
  let jitters: number[];
  const rtts = remoteInbound.flatMap((e) => maybe(e, "roundTripTime") ?? []);
  if (c.role === "receive") {
    packetsLost = Math.max(0, sum(rtp, "packetsLost"));
    lossPercent = packets + packetsLost > 0 ? (100 * packetsLost) / (packets + packetsLost) : 0;
    jitters = rtp.flatMap((e) => maybe(e, "jitter") ?? []);
  } else {
    packetsLost = Math.max(0, sum(remoteInbound, "packetsLost"));
    lossPercent = packets > 0 ? (100 * packetsLost) / packets : 0;
    jitters = remoteInbound.flatMap((e) => maybe(e, "jitter") ?? []);
  }
  const pairType =
    local && remote ? `${str(local, "candidateType")} → ${str(remote, "candidateType")}` : undefined;
  const pairAddresses =
    local && remote
      ? `${str(local, "address")}:${num(local, "port")} → ${str(remote, "address")}:${num(remote, "port")}`
      : undefined;
  return {
    label: c.label,
    role: c.role,
    connectionState: c.connectionState,
    iceState: str(transport, "iceState") ?? "new",
    pair: pairType,
    pairAddresses,
    dtlsCipher: str(transport, "dtlsCipher"),
    srtpProfile: str(transport, "srtpCipher"),
    connectMs: c.connectMs,
    packets,
    bytes,
    bitrateBps,
    packetsLost,
    lossPercent,
    rttMs: rtts.length > 0 ? Math.max(...rtts) * 1000 : undefined,
    jitterMs: jitters.length > 0 ? Math.max(...jitters) * 1000 : undefined,
    nackCount: sum(rtp, "nackCount"),
    retransmitted: sum(rtp, c.role === "send" ? "retransmittedPacketsSent" : "retransmittedPacketsReceived"),
    videoFrames: framesOf("video"),
    audioFrames: framesOf("audio"),
    estimateBps: c.role === "send" ? maybe(candidatePair, "availableOutgoingBitrate") : undefined,
    droppedByLossHook: c.droppedByLossHook,
    elapsedMs: c.nowMs - c.startedAtMs,
  };
}

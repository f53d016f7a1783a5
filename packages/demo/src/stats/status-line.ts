/** The one-line rendering of a `PeerStatus`, for the live display and the plain log. Pure. */
import type { PeerStatus } from "./peer-status.js";

export function formatBitrate(bps: number): string {
  if (bps >= 1_000_000) return `${(bps / 1_000_000).toFixed(2)} Mbit/s`;
  if (bps >= 1_000) return `${(bps / 1_000).toFixed(0)} kbit/s`;
  return `${bps.toFixed(0)} bit/s`;
}

function ms(v: number | undefined, digits = 1): string {
  return v === undefined ? "–" : `${v.toFixed(digits)} ms`;
}

/** Short names for the usual DTLS 1.2 suites and SRTP profiles. */
export function shortCipher(name: string | undefined): string {
  if (!name) return "–";
  return name.replace(/^TLS_/, "").replace(/^SRTP_/, "");
}

function parts(s: PeerStatus): { head: string[]; media: string[] } {
  const ice = `ICE ${s.iceState}${s.pair ? ` (${s.pair})` : ""}`;
  const sec = `DTLS ${shortCipher(s.dtlsCipher)} SRTP ${shortCipher(s.srtpProfile)}`;
  const connect = `up in ${s.connectMs === undefined ? "–" : `${s.connectMs.toFixed(0)} ms`}`;
  const dir = s.role === "send" ? "sent" : "recv";
  const est = s.estimateBps === undefined ? "" : ` (est ${formatBitrate(s.estimateBps)})`;
  const media = `${dir} ${s.packets} pkts ${formatBitrate(s.bitrateBps)}${est} ${s.videoFrames}v/${s.audioFrames}a frames`;
  const loss = `loss ${s.lossPercent.toFixed(1)}% (${s.packetsLost})`;
  const repair =
    s.role === "send"
      ? `NACK in ${s.nackCount} RTX out ${s.retransmitted}`
      : `NACK out ${s.nackCount} RTX in ${s.retransmitted}${s.droppedByLossHook > 0 ? ` dropped ${s.droppedByLossHook}` : ""}`;
  return {
    head: [s.label, ice, sec, connect],
    media: [media, loss, repair, `RTT ${ms(s.rttMs)}`, `jitter ${ms(s.jitterMs)}`],
  };
}

/** One plain line (for piped output). */
export function formatStatusLine(s: PeerStatus): string {
  const p = parts(s);
  return [`${(s.elapsedMs / 1000).toFixed(1).padStart(5)}s`, ...p.head, ...p.media].join(" | ");
}

/** Two lines (for the live display): who and how connected, then the media counters. */
export function formatStatusBlock(s: PeerStatus): [string, string] {
  const p = parts(s);
  return [p.head.join("  "), `    ${p.media.join("  ")}`];
}

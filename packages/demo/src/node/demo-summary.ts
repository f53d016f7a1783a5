/** The summary printed when the demo ends. Pure. */
import type { DemoOptions } from "../demo-options.js";
import type { IntegrityReport } from "../media/frame-integrity.js";
import type { PeerStatus } from "../stats/peer-status.js";
import { formatBitrate, shortCipher } from "../stats/status-line.js";
import type { ReceiverResult, SenderStreamReport } from "./demo-messages.js";

export interface SummaryInput {
  readonly options: DemoOptions;
  readonly lossSeed: number;
  readonly statuses: readonly PeerStatus[];
  readonly receiver: ReceiverResult | undefined;
  readonly streams: readonly SenderStreamReport[];
  readonly failures: readonly string[];
  readonly ok: boolean;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function peerLines(s: PeerStatus): string[] {
  const seconds = Math.max(0.001, s.elapsedMs / 1000);
  return [
    `${s.label}: ${s.connectionState}, ICE ${s.iceState} via ${s.pair ?? "no pair"} (${s.pairAddresses ?? "–"})`,
    `    DTLS ${shortCipher(s.dtlsCipher)}, SRTP ${shortCipher(s.srtpProfile)}, ${s.connectMs === undefined ? "never connected" : `connected in ${s.connectMs.toFixed(0)} ms (peer connection created → DTLS up)`}`,
    `    ${s.role === "send" ? "sent" : "received"} ${s.packets} RTP packets, ${kb(s.bytes)} (${formatBitrate((s.bytes * 8) / seconds)} average), ` +
      `${s.videoFrames} video / ${s.audioFrames} audio frames`,
    `    loss ${s.lossPercent.toFixed(1)}% (${s.packetsLost}), ${s.role === "send" ? `NACKs received ${s.nackCount}, retransmitted ${s.retransmitted}` : `NACKs sent ${s.nackCount}, retransmissions received ${s.retransmitted}`}` +
      `, RTT ${s.rttMs === undefined ? "–" : `${s.rttMs.toFixed(1)} ms`}, jitter ${s.jitterMs === undefined ? "–" : `${s.jitterMs.toFixed(1)} ms`}`,
  ];
}

function integrityLine(r: IntegrityReport, path: string, bytes: number): string {
  const verdict = !r.intact ? "DAMAGED" : r.missing > 0 ? "OK (audio losses allowed under --loss)" : "OK";
  const detail =
    r.missing === 0 && r.corrupt === 0 && r.outOfOrder === 0 && r.unknown === 0
      ? "byte-identical, in order, none missing"
      : `${r.identical} byte-identical, ${r.missing} missing, ${r.corrupt} corrupt, ${r.outOfOrder} out of order, ${r.unknown} unknown`;
  return `${r.kind}: ${r.received}/${r.expected} frames ${detail} — ${verdict} → ${path} (${kb(bytes)})`;
}

export function formatSummary(i: SummaryInput): string {
  const lines: string[] = ["", "── summary ──────────────────────────────────────────────────────────────"];
  for (const s of i.statuses) lines.push(...peerLines(s));
  for (const st of i.streams)
    lines.push(
      `${st.remote}: stream ended after ${st.videoFramesSent} video / ${st.audioFramesSent} audio frames` +
        (st.window ? ` (window: ${st.window.video.frames} video / ${st.window.audio.frames} audio)` : ""),
    );
  const r = i.receiver;
  if (r) {
    lines.push(integrityLine(r.video, r.ivfPath, r.ivfBytes));
    lines.push(integrityLine(r.audio, r.oggPath, r.oggBytes));
    for (const p of [...r.video.problems, ...r.audio.problems]) lines.push(`    ${p}`);
    if (i.options.lossPercent > 0) {
      const s = r.status;
      lines.push(
        `--loss ${i.options.lossPercent}% (seed ${i.lossSeed}): ${s?.droppedByLossHook ?? 0} RTP datagrams dropped before the receiver; ` +
          `${s?.nackCount ?? 0} NACKs, ${s?.retransmitted ?? 0} retransmissions received; ` +
          `video ${r.video.missing === 0 ? "complete" : "INCOMPLETE"}, audio missing ${r.audio.missing}`,
      );
    }
  }
  if (i.options.data) {
    const f = r?.data?.file;
    lines.push(
      f
        ? `data: ${f.name} ${kb(f.bytes)} on a data channel, SHA-256 ${f.sha256.slice(0, 16)}… ${f.ok ? "matches" : "DOES NOT match"} (${f.ms.toFixed(0)} ms) → ${f.path ?? ""}`
        : "data: NO file arrived",
    );
    const back = i.streams.flatMap((st) => st.data?.chatIn ?? []);
    lines.push(
      `chat: sender → receiver ${JSON.stringify(r?.data?.chatIn[0] ?? "(none)")}, receiver → sender ${JSON.stringify(back[0] ?? "(none)")}`,
    );
  }
  for (const f of i.failures) lines.push(`failure: ${f}`);
  lines.push(
    i.options.browser
      ? `RESULT: ${i.ok ? "stopped cleanly" : "FAILED"}`
      : `RESULT: ${i.ok ? `media${i.options.data ? " and data" : ""} arrived intact` : `media${i.options.data ? " or data" : ""} did NOT arrive intact`} (exit ${i.ok ? 0 : 1})`,
  );
  return lines.join("\n");
}

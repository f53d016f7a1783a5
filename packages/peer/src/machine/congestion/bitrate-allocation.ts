/**
 * How the estimate is shared among the senders of one transport (libwebrtc's bitrate allocator, in its
 * simplest form): each audio sender first gets what it asks for (its `maxBitrate`, else 64 kbit/s), at most
 * half the estimate between them; the rest goes to video senders in equal shares, each capped by its
 * `maxBitrate` (W3C RTCRtpEncodingParameters), what a capped one leaves going to the others.
 */
export interface SenderDemand {
  readonly mid: string;
  readonly kind: "audio" | "video";
  /** the encoding's maxBitrate (bps), if set */
  readonly maxBitrateBps?: number;
}

const DEFAULT_AUDIO_BPS = 64_000;

export function allocateBitrate(totalBps: number, senders: readonly SenderDemand[]): Map<string, number> {
  const out = new Map<string, number>();
  const audio = senders.filter((s) => s.kind === "audio");
  const video = senders.filter((s) => s.kind === "video");
  let left = totalBps;
  if (audio.length > 0) {
    const cap = (video.length > 0 ? totalBps / 2 : totalBps) / audio.length;
    for (const a of audio) {
      const share = Math.min(a.maxBitrateBps ?? DEFAULT_AUDIO_BPS, cap);
      out.set(a.mid, share);
      left -= share;
    }
    if (video.length === 0) {
      // Audio only: what is left goes to senders that may take more, in equal shares.
      const open = audio.filter(
        (a) => a.maxBitrateBps === undefined || a.maxBitrateBps > (out.get(a.mid) ?? 0),
      );
      waterFill(left, open, out);
      return out;
    }
  }
  waterFill(left, video, out);
  return out;
}

/** Equal shares of `bps` added over `senders`, each capped by its maxBitrate; a capped one's rest goes to the others. */
function waterFill(bps: number, senders: readonly SenderDemand[], out: Map<string, number>): void {
  let left = Math.max(0, bps);
  let open = [...senders];
  while (open.length > 0 && left > 0) {
    const share = left / open.length;
    const next: SenderDemand[] = [];
    for (const s of open) {
      const have = out.get(s.mid) ?? 0;
      const room = (s.maxBitrateBps ?? Number.POSITIVE_INFINITY) - have;
      const give = Math.max(0, Math.min(share, room));
      out.set(s.mid, have + give);
      left -= give;
      if (room > share) next.push(s);
    }
    if (next.length === open.length) break;
    open = next;
  }
  for (const s of senders) if (!out.has(s.mid)) out.set(s.mid, 0);
}

import { findHeaderExtensionElement, type RtpPacket } from "@tern/rtp";
import { RtpReceiver, type RtpReceiverConfig, receiveCodecOf, repairedCodecOf } from "./rtp-receiver.js";

/** One m= section we receive on: how to make a receiver for an SSRC it carries. */
export type ReceiveTemplate = Omit<RtpReceiverConfig, "ssrc"> & {
  /** SSRCs signaled for this mid (a=ssrc / FID), if any. */
  readonly ssrcs: readonly { readonly ssrc: number; readonly rtxSsrc?: number }[];
  /** The extmap id of the MID header extension, when negotiated. */
  readonly midExtensionId?: number;
};

/** Most remote media streams (and, separately, RTX repair streams) one session receives. */
export const MAX_RECEIVERS = 64;

const midDecoder = new TextDecoder();

/**
 * Which receiver an incoming RTP packet belongs to (RFC 8843 §9.2): by signaled SSRC, by a learned
 * RTX SSRC, else by the MID header extension or a payload type (any negotiated codec's, or its RTX's) only
 * one m= section uses. Both maps are
 * bounded by MAX_RECEIVERS: an SSRC past the bound is not learned (the caller counts it).
 */
export class SsrcRouter {
  readonly receivers = new Map<number, RtpReceiver>();
  /** The same receivers as an array: walked after every datagram (no Map iterator per walk). */
  readonly receiverList: RtpReceiver[] = [];
  private readonly rtxToReceiver = new Map<number, RtpReceiver>();
  private templates: readonly ReceiveTemplate[] = [];

  constructor(
    private readonly random: (n: number) => Uint8Array,
    private readonly onNewStream: (mid: string, ssrc: number) => void,
  ) {}

  /**
   * The negotiated receive side: receivers for every signaled SSRC now, the rest learned on arrival.
   * Receivers of an m= section no longer received on (stopped, rejected, direction changed) are removed.
   */
  configure(receive: readonly ReceiveTemplate[]): void {
    this.templates = [...receive];
    const mids = new Set(receive.map((t) => t.mid));
    for (const [ssrc, r] of this.receivers) if (!mids.has(r.config.mid)) this.receivers.delete(ssrc);
    for (const [ssrc, r] of this.rtxToReceiver) if (!mids.has(r.config.mid)) this.rtxToReceiver.delete(ssrc);
    // The receivers kept take the section's codecs as negotiated now (payload types may have changed).
    for (const r of this.receivers.values()) {
      const t = receive.find((x) => x.mid === r.config.mid);
      if (t) r.setCodecs(t.codecs);
    }
    for (const t of receive) for (const s of t.ssrcs) this.addReceiver(t, s.ssrc, s.rtxSsrc);
  }

  /** The receiver of a media SSRC, if any (no learning). */
  media(ssrc: number): RtpReceiver | undefined {
    return this.receivers.get(ssrc);
  }

  /** The receiver repaired by an RTX SSRC, if any (no learning). */
  repaired(ssrc: number): RtpReceiver | undefined {
    return this.rtxToReceiver.get(ssrc);
  }

  /** Binds an unsignaled SSRC from the packet that carries it, or undefined when none matches. */
  learn(p: RtpPacket): RtpReceiver | undefined {
    let t: ReceiveTemplate | undefined;
    if (p.extension) {
      for (const c of this.templates) {
        if (c.midExtensionId === undefined) continue;
        const el = findHeaderExtensionElement(p.extension, c.midExtensionId);
        if (el && midDecoder.decode(el) === c.mid) {
          t = c;
          break;
        }
      }
    }
    if (!t) {
      let only: ReceiveTemplate | undefined;
      let matches = 0;
      for (const c of this.templates) {
        if (receiveCodecOf(c.codecs, p.payloadType) || repairedCodecOf(c.codecs, p.payloadType)) {
          only = c;
          matches++;
        }
      }
      t = matches === 1 ? only : undefined;
    }
    if (!t) return undefined;
    if (repairedCodecOf(t.codecs, p.payloadType)) {
      let media: RtpReceiver | undefined;
      let count = 0;
      for (const r of this.receivers.values()) {
        if (r.config.mid === t.mid) {
          media = r;
          count++;
        }
      }
      if (count !== 1 || !media || this.rtxToReceiver.size >= MAX_RECEIVERS) return undefined;
      this.rtxToReceiver.set(p.ssrc, media);
      return media;
    }
    // A media stream starts in any of the section's codecs (its sender picks, RFC 3264 §6.1).
    if (!receiveCodecOf(t.codecs, p.payloadType)) return undefined;
    return this.addReceiver(t, p.ssrc);
  }

  private addReceiver(t: ReceiveTemplate, ssrc: number, rtxSsrc?: number): RtpReceiver | undefined {
    const existing = this.receivers.get(ssrc);
    if (existing) return existing;
    if (this.receivers.size >= MAX_RECEIVERS) return undefined;
    const r = new RtpReceiver({ ...t, ssrc }, this.random);
    this.receivers.set(ssrc, r);
    this.receiverList.push(r);
    if (rtxSsrc !== undefined && this.rtxToReceiver.size < MAX_RECEIVERS) this.rtxToReceiver.set(rtxSsrc, r);
    this.onNewStream(t.mid, ssrc);
    return r;
  }
}

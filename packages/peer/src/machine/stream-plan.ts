import type { NegotiatedCodec, NegotiatedMedia } from "../sdp/index.js";
import { RTP_HEADER_EXTENSION } from "../sdp/index.js";
import type { ReceiveTemplate } from "./media-session.js";
import { type MediaCodecName, mediaCodecName } from "./payload-formats.js";
import type { ReceiveCodec } from "./rtp-receiver.js";
import type { RtpSenderConfig } from "./rtp-sender.js";

/** What we send on one m= section, once negotiated. */
export interface LocalStream {
  readonly mid: string;
  readonly ssrc: number;
  readonly rtxSsrc?: number;
  /** The codec the track wants; default the first negotiated one we can packetize. */
  readonly codec?: MediaCodecName;
}

export interface StreamPlan {
  readonly senders: readonly RtpSenderConfig[];
  readonly receivers: readonly ReceiveTemplate[];
  /**
   * Streams we would send whose codec the m= section did not negotiate (an H.264 track on a VP8-only
   * line): no sender is made for them — frames in one codec are never sent under another's payload type.
   */
  readonly mismatched: readonly { readonly mid: string; readonly codec: MediaCodecName }[];
}

function pick(
  codecs: readonly NegotiatedCodec[],
  wanted: MediaCodecName | undefined,
): { codec: NegotiatedCodec; name: MediaCodecName } | undefined {
  for (const c of codecs) {
    const name = mediaCodecName(c.name);
    if (name && (wanted === undefined || name === wanted)) return { codec: c, name };
  }
  return undefined;
}

function feedback(c: NegotiatedCodec, type: string, parameter?: string): boolean {
  return c.rtcpFeedback.some((f) => f.type === type && (f.parameter ?? undefined) === parameter);
}

/**
 * From the negotiated view of each m= section (RFC 8829 §5.3 / §5.10) to the streams the media session
 * runs: a sender where we send and have a track, a receive template where we receive. A sender uses the
 * track's codec when the m= section negotiated it (else none: `mismatched`); without a stated codec, the
 * first of the answer we can packetize (RFC 3264 §6.1: the answerer's preference). A receiver takes every
 * negotiated codec it can reassemble, and reassembles each packet with its payload type's. RTX where
 * negotiated.
 */
export function planStreams(
  negotiated: readonly NegotiatedMedia[],
  local: readonly LocalStream[],
  maxPacketBytes = 1200,
): StreamPlan {
  const senders: RtpSenderConfig[] = [];
  const receivers: ReceiveTemplate[] = [];
  const mismatched: { mid: string; codec: MediaCodecName }[] = [];
  for (const m of negotiated) {
    if (m.rejected || (m.kind !== "audio" && m.kind !== "video")) continue;
    const kind = m.kind;
    const midExt = m.extmaps.find((e) => e.uri === RTP_HEADER_EXTENSION.sdesMid)?.id;
    const sends = m.direction === "sendrecv" || m.direction === "sendonly";
    const receives = m.direction === "sendrecv" || m.direction === "recvonly";
    const mine = local.find((l) => l.mid === m.mid);
    if (sends && mine) {
      const chosen = pick(m.codecs, mine.codec);
      if (!chosen && mine.codec !== undefined) mismatched.push({ mid: m.mid, codec: mine.codec });
      if (chosen) {
        senders.push({
          mid: m.mid,
          kind,
          ssrc: mine.ssrc,
          codec: chosen.name,
          payloadType: chosen.codec.payloadType,
          clockRate: chosen.codec.clockRate,
          ...(chosen.codec.rtxPayloadType !== undefined && mine.rtxSsrc !== undefined
            ? { rtx: { ssrc: mine.rtxSsrc, payloadType: chosen.codec.rtxPayloadType } }
            : {}),
          ...(midExt !== undefined ? { midExtensionId: midExt } : {}),
          maxPacketBytes,
        });
      }
    }
    if (receives) {
      // The remote sender picks from the same negotiated list, and may change its pick: every codec we
      // can reassemble, each packet reassembled by its payload type's (RFC 3550 §5.1, RFC 3264 §6.1).
      const codecs: ReceiveCodec[] = [];
      for (const c of m.codecs) {
        const name = mediaCodecName(c.name);
        if (!name) continue;
        codecs.push({
          codec: name,
          payloadType: c.payloadType,
          clockRate: c.clockRate,
          ...(c.rtxPayloadType !== undefined ? { rtxPayloadType: c.rtxPayloadType } : {}),
          nack: feedback(c, "nack"),
          pli: feedback(c, "nack", "pli"),
        });
      }
      if (codecs.length === 0) continue;
      receivers.push({
        mid: m.mid,
        kind,
        codecs,
        ssrcs: m.remoteStreams.map((s) => ({
          ssrc: s.ssrc,
          ...(s.rtxSsrc !== undefined ? { rtxSsrc: s.rtxSsrc } : {}),
        })),
        ...(midExt !== undefined ? { midExtensionId: midExt } : {}),
      });
    }
  }
  return { senders, receivers, mismatched };
}

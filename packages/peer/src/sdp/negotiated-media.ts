import { intersectFeedback, isRtx } from "./codec-negotiation.js";
import { rtxAssociatedPayloadType } from "./format-parameters.js";
import { intersectDirection, reverseDirection } from "./media-direction.js";
import { type NegotiationResult, negotiationFail, negotiationOk } from "./negotiation-error.js";
import type {
  Direction,
  Extmap,
  MediaSection,
  RtcpFeedback,
  RtpPayload,
  SessionDescription,
} from "./session-description.js";
import { isRejected } from "./transport-parameters.js";

/**
 * What an offer/answer exchange settled, per m= section, from one side's point of view (RFC 3264 §6,
 * RFC 8829 §5.10-5.11): the answer's codecs (with the offer's payload types), RTX mapping, extmap ids,
 * our direction, and the remote side's SSRCs.
 */
export interface NegotiatedCodec {
  readonly payloadType: number;
  readonly name: string;
  readonly clockRate: number;
  readonly channels: number;
  readonly fmtp?: string;
  readonly rtcpFeedback: readonly RtcpFeedback[];
  /** The RTX payload type carrying its retransmissions (RFC 4588), when negotiated. */
  readonly rtxPayloadType?: number;
}

/** A stream the remote side sends (RFC 5576 ssrc lines, RFC 8830 msid, RFC 4588 FID group). */
export interface RemoteStream {
  readonly ssrc: number;
  readonly rtxSsrc?: number;
  readonly cname?: string;
  readonly streamIds: readonly string[];
  readonly trackId?: string;
}

export interface NegotiatedMedia {
  readonly mid: string;
  readonly kind: string;
  readonly rejected: boolean;
  /** Ours: whether we send and/or receive on this m= section. */
  readonly direction: Direction;
  readonly codecs: readonly NegotiatedCodec[];
  /** RTX payload type → the payload type it repairs (`apt`). */
  readonly rtx: readonly { readonly payloadType: number; readonly apt: number }[];
  readonly extmaps: readonly { readonly id: number; readonly uri: string }[];
  readonly remoteStreams: readonly RemoteStream[];
  readonly rtcpRsize: boolean;
}

export function effectiveDirection(desc: SessionDescription, section: MediaSection): Direction {
  return section.direction ?? desc.direction ?? "sendrecv";
}

/**
 * The negotiated view for one side. `localType` says which of the two is the (pr)answer. Fails when the
 * answer's m= sections do not line up with the offer's (count, order or mid: RFC 8829 §5.3.1).
 */
export function negotiatedMedia(
  local: SessionDescription,
  remote: SessionDescription,
  localType: "offer" | "answer",
): NegotiationResult<NegotiatedMedia[]> {
  const offer = localType === "offer" ? local : remote;
  const answer = localType === "offer" ? remote : local;
  if (offer.media.length !== answer.media.length) {
    return negotiationFail("mid-mismatch", "the answer's m= sections do not match the offer's");
  }
  const out: NegotiatedMedia[] = [];
  for (const [i, o] of offer.media.entries()) {
    const a = answer.media[i];
    const l = local.media[i];
    const r = remote.media[i];
    if (a === undefined || l === undefined || r === undefined) continue;
    if (o.mid === undefined || a.mid !== o.mid || a.kind !== o.kind) {
      return negotiationFail("mid-mismatch", `m= section ${i} differs between offer and answer`, a.mid);
    }
    const rejected = isRejected(o) || a.port === 0;
    const codecs = rejected ? [] : negotiatedCodecs(o, a);
    out.push({
      mid: o.mid,
      kind: o.kind,
      rejected,
      direction: rejected
        ? "inactive"
        : intersectDirection(effectiveDirection(local, l), reverseDirection(effectiveDirection(remote, r))),
      codecs,
      rtx: codecs.flatMap((c) =>
        c.rtxPayloadType === undefined ? [] : [{ payloadType: c.rtxPayloadType, apt: c.payloadType }],
      ),
      extmaps: rejected
        ? []
        : negotiatedExtmaps([...o.extmaps, ...offer.extmaps], [...a.extmaps, ...answer.extmaps]),
      remoteStreams: rejected ? [] : remoteStreams(r),
      rtcpRsize: !rejected && o.rtcpRsize && a.rtcpRsize,
    });
  }
  return negotiationOk(out);
}

function sameCodec(x: RtpPayload, y: RtpPayload): boolean {
  return (
    x.rtpMap !== undefined &&
    y.rtpMap !== undefined &&
    x.rtpMap.name.toLowerCase() === y.rtpMap.name.toLowerCase() &&
    x.rtpMap.clockRate === y.rtpMap.clockRate &&
    (x.rtpMap.channels ?? 1) === (y.rtpMap.channels ?? 1)
  );
}

function negotiatedCodecs(offered: MediaSection, answered: MediaSection): NegotiatedCodec[] {
  const inOffer = (p: RtpPayload): RtpPayload | undefined =>
    offered.payloads.find((o) => o.payloadType === p.payloadType && sameCodec(o, p));
  const codecs: NegotiatedCodec[] = [];
  for (const p of answered.payloads) {
    const o = inOffer(p);
    if (o === undefined || p.rtpMap === undefined || isRtx(p)) continue;
    codecs.push({
      payloadType: p.payloadType,
      name: p.rtpMap.name,
      clockRate: p.rtpMap.clockRate,
      channels: p.rtpMap.channels ?? 1,
      ...(p.fmtp === undefined ? {} : { fmtp: p.fmtp }),
      rtcpFeedback: intersectFeedback(
        [...p.rtcpFeedback, ...answered.rtcpFeedbackAll],
        [...o.rtcpFeedback, ...offered.rtcpFeedbackAll],
      ),
    });
  }
  return codecs.map((c) => {
    const rtx = answered.payloads.find(
      (p) => isRtx(p) && inOffer(p) !== undefined && rtxAssociatedPayloadType(p.fmtp) === c.payloadType,
    );
    return rtx === undefined ? c : { ...c, rtxPayloadType: rtx.payloadType };
  });
}

function negotiatedExtmaps(
  offered: readonly Extmap[],
  answered: readonly Extmap[],
): { id: number; uri: string }[] {
  const out: { id: number; uri: string }[] = [];
  for (const a of answered) {
    if (a.direction === "inactive") continue;
    if (!offered.some((o) => o.id === a.id && o.uri === a.uri)) continue;
    if (!out.some((x) => x.id === a.id)) out.push({ id: a.id, uri: a.uri });
  }
  return out;
}

/** SSRCs the remote side announces: each media SSRC with its FID (RTX) partner, cname and msid. */
export function remoteStreams(section: MediaSection): RemoteStream[] {
  const rtxOf = new Map<number, number>();
  const repairs = new Set<number>();
  for (const g of section.ssrcGroups) {
    const [primary, rtx] = g.ssrcs;
    if (g.semantics !== "FID" || primary === undefined || rtx === undefined) continue;
    rtxOf.set(primary, rtx);
    repairs.add(rtx);
  }
  const order: number[] = [];
  for (const s of section.ssrcs) if (!order.includes(s.ssrc) && !repairs.has(s.ssrc)) order.push(s.ssrc);
  return order.map((ssrc) => {
    const attrs = section.ssrcs.filter((s) => s.ssrc === ssrc);
    const cname = attrs.find((s) => s.attribute === "cname")?.value;
    const msid = attrs.find((s) => s.attribute === "msid")?.value?.split(" ");
    const [streamId, trackId] = msid ?? [section.msids[0]?.streamId, section.msids[0]?.trackId];
    const streamIds =
      msid !== undefined
        ? streamId === undefined || streamId === "-"
          ? []
          : [streamId]
        : section.msids.map((m) => m.streamId).filter((id) => id !== "-");
    const rtxSsrc = rtxOf.get(ssrc);
    return {
      ssrc,
      ...(rtxSsrc === undefined ? {} : { rtxSsrc }),
      ...(cname === undefined ? {} : { cname }),
      streamIds,
      ...(trackId === undefined ? {} : { trackId }),
    };
  });
}

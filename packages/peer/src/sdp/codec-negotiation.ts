import type { CodecCapability, HeaderExtensionCapability, RtpMediaKind } from "./codec-capabilities.js";
import {
  formatFormatParameters,
  parseFormatParameters,
  rtxAssociatedPayloadType,
} from "./format-parameters.js";
import {
  answerH264Level,
  formatH264ProfileLevelId,
  parseH264ProfileLevelId,
} from "./h264-profile-level-id.js";
import { reverseDirection } from "./media-direction.js";
import type { Extmap, MediaSection, RtcpFeedback, RtpPayload } from "./session-description.js";

/**
 * Codec, RTCP feedback and header extension negotiation for one m= section (RFC 3264 §6.1,
 * RFC 8829 §5.2.1 and §5.3.1): an offer lists our capabilities with our payload types; an answer keeps
 * the offered payload types and extmap ids of what both sides support.
 */

export function isRtx(payload: RtpPayload): boolean {
  return payload.rtpMap?.name.toLowerCase() === "rtx";
}

/** H.264 payload types are the same codec when packetization-mode and profile agree (RFC 6184 §8.2.2). */
function h264Matches(remoteFmtp: string | undefined, localFmtp: string | undefined): boolean {
  const remote = parseFormatParameters(remoteFmtp);
  const local = parseFormatParameters(localFmtp);
  if ((remote.get("packetization-mode") ?? "0") !== (local.get("packetization-mode") ?? "0")) return false;
  const remoteId = parseH264ProfileLevelId(remote.get("profile-level-id"));
  const localId = parseH264ProfileLevelId(local.get("profile-level-id"));
  return remoteId !== undefined && localId !== undefined && remoteId.profile === localId.profile;
}

/** Whether an offered payload type is the codec `local` (name, clock rate, channels, H.264 fmtp). */
export function codecMatches(remote: RtpPayload, local: CodecCapability): boolean {
  const map = remote.rtpMap;
  if (map === undefined) return false;
  if (map.name.toLowerCase() !== local.name.toLowerCase() || map.clockRate !== local.clockRate) return false;
  if ((map.channels ?? 1) !== (local.channels ?? 1)) return false;
  if (local.name.toLowerCase() === "h264") return h264Matches(remote.fmtp, local.fmtp);
  return true;
}

/**
 * The fmtp an answer states for an accepted codec: ours, except that for H.264 the profile-level-id
 * carries the offered profile and the answered level (RFC 6184 §8.2.2).
 */
export function answerFmtp(remote: RtpPayload, local: CodecCapability): string | undefined {
  if (local.name.toLowerCase() !== "h264") return local.fmtp;
  const ours = parseFormatParameters(local.fmtp);
  const theirs = parseFormatParameters(remote.fmtp);
  const offeredId = parseH264ProfileLevelId(theirs.get("profile-level-id"));
  const localId = parseH264ProfileLevelId(ours.get("profile-level-id"));
  if (offeredId === undefined || localId === undefined) return local.fmtp;
  const asymmetry =
    ours.get("level-asymmetry-allowed") === "1" && theirs.get("level-asymmetry-allowed") === "1";
  const level = answerH264Level(offeredId.level, localId.level, asymmetry);
  const params = new Map(ours);
  params.set("profile-level-id", formatH264ProfileLevelId({ profile: offeredId.profile, level }));
  return formatFormatParameters(params);
}

/** The offered feedback (per payload type and `*`) that we support too, without duplicates. */
export function intersectFeedback(
  offered: readonly RtcpFeedback[],
  local: readonly RtcpFeedback[],
): RtcpFeedback[] {
  const out: RtcpFeedback[] = [];
  for (const fb of offered) {
    const same = (x: RtcpFeedback): boolean => x.type === fb.type && x.parameter === fb.parameter;
    if (local.some(same) && !out.some(same)) out.push(fb);
  }
  return out;
}

/**
 * The payload types an answer accepts for an offered m= section, in offer order: each offered codec that
 * matches one of ours (the offer's payload type kept), and an offered RTX payload type only when its
 * `apt` codec was accepted and we do RTX for that codec (RFC 4588 §8.6).
 */
export function answerPayloads(offered: MediaSection, codecs: readonly CodecCapability[]): RtpPayload[] {
  const kind = offered.kind;
  const ours = codecs.filter((c) => c.kind === kind);
  const accepted = new Map<number, CodecCapability>();
  for (const p of offered.payloads) {
    if (isRtx(p)) continue;
    const local = ours.find((c) => codecMatches(p, c));
    if (local !== undefined) accepted.set(p.payloadType, local);
  }
  const out: RtpPayload[] = [];
  for (const p of offered.payloads) {
    const map = p.rtpMap;
    if (map === undefined) continue;
    const local = accepted.get(p.payloadType);
    if (local !== undefined) {
      const fmtp = answerFmtp(p, local);
      out.push({
        payloadType: p.payloadType,
        rtpMap: map,
        ...(fmtp === undefined ? {} : { fmtp }),
        rtcpFeedback: intersectFeedback([...p.rtcpFeedback, ...offered.rtcpFeedbackAll], local.rtcpFeedback),
      });
      continue;
    }
    if (!isRtx(p)) continue;
    const apt = rtxAssociatedPayloadType(p.fmtp);
    const primary = apt === undefined ? undefined : accepted.get(apt);
    if (primary === undefined || !primary.rtx || map.clockRate !== primary.clockRate) continue;
    out.push({ payloadType: p.payloadType, rtpMap: map, fmtp: `apt=${apt}`, rtcpFeedback: [] });
  }
  return out;
}

/** The offered extmaps whose URI we implement for this kind, with the offer's ids (RFC 8285 §6). */
export function answerExtmaps(
  offered: readonly Extmap[],
  kind: RtpMediaKind,
  headerExtensions: readonly HeaderExtensionCapability[],
): Extmap[] {
  const out: Extmap[] = [];
  for (const e of offered) {
    if (e.encrypted === true) continue;
    if (!headerExtensions.some((h) => h.uri === e.uri && h.kinds.includes(kind))) continue;
    if (out.some((x) => x.id === e.id || x.uri === e.uri)) continue;
    out.push(
      e.direction === undefined
        ? { id: e.id, uri: e.uri }
        : { id: e.id, uri: e.uri, direction: reverseDirection(e.direction) },
    );
  }
  return out;
}

/** Our codecs as offered payload types: each codec followed by its RTX payload type (RFC 4588 §8.6). */
export function offerPayloads(codecs: readonly CodecCapability[]): RtpPayload[] {
  const out: RtpPayload[] = [];
  for (const c of codecs) {
    out.push({
      payloadType: c.payloadType,
      rtpMap:
        c.channels === undefined
          ? { name: c.name, clockRate: c.clockRate }
          : { name: c.name, clockRate: c.clockRate, channels: c.channels },
      ...(c.fmtp === undefined ? {} : { fmtp: c.fmtp }),
      rtcpFeedback: c.rtcpFeedback,
    });
    if (c.rtx && c.rtxPayloadType !== undefined) {
      out.push({
        payloadType: c.rtxPayloadType,
        rtpMap: { name: "rtx", clockRate: c.clockRate },
        fmtp: `apt=${c.payloadType}`,
        rtcpFeedback: [],
      });
    }
  }
  return out;
}

/**
 * Our header extensions for a kind. `negotiated` (URI → id) holds the ids the session already uses: a
 * later offer keeps them (RFC 8829 §5.2.2; Firefox refuses a description that remaps an id), and an
 * extension new to the session takes our id unless that is taken, else the lowest free one-byte id.
 */
export function offerExtmaps(
  kind: RtpMediaKind,
  headerExtensions: readonly HeaderExtensionCapability[],
  negotiated: ReadonlyMap<string, number> = new Map(),
): Extmap[] {
  const taken = new Set(negotiated.values());
  const out: Extmap[] = [];
  for (const h of headerExtensions) {
    if (!h.kinds.includes(kind)) continue;
    let id = negotiated.get(h.uri);
    if (id === undefined) {
      id = taken.has(h.id) ? undefined : h.id;
      for (let free = 1; id === undefined && free <= 14; free++) if (!taken.has(free)) id = free;
      if (id === undefined) continue;
      taken.add(id);
    }
    out.push({ id, uri: h.uri });
  }
  return out;
}

/** The header extension ids a description uses, by URI (session and media level; the first one wins). */
export function extmapIdsOf(desc: {
  readonly extmaps: readonly Extmap[];
  readonly media: readonly { readonly extmaps: readonly Extmap[] }[];
}): Map<string, number> {
  const ids = new Map<string, number>();
  for (const e of [...desc.extmaps, ...desc.media.flatMap((m) => m.extmaps)])
    if (!ids.has(e.uri)) ids.set(e.uri, e.id);
  return ids;
}

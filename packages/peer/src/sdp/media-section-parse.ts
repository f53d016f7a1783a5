import { decodeFail, decodeOk } from "@tern/ice";
import type { MediaDescription, SharedAttributes, SharedDescriptionFields } from "sdp-transform";
import {
  type ScannedAttributes,
  SDP_TRANSFORM_ATTRIBUTES,
  type SdpLevel,
  scanAttributes,
} from "./sdp-attributes-scan.js";
import { fieldText, fieldUint, MAX_UINT32, payloadTypeOf, TOKEN, words } from "./sdp-grammar.js";
import type { SdpBlock } from "./sdp-lines.js";
import { attributeOf } from "./sdp-lines.js";
import { SDP_LIMITS, type SdpParseErrorCode, type SdpParseResult } from "./sdp-parse-error.js";
import {
  BANDWIDTH_TYPES,
  type Bandwidth,
  type Connection,
  DIRECTIONS,
  type Extmap,
  isRtpProtocol,
  type MediaSection,
  type RtcpFeedback,
  type RtpMap,
  type RtpPayload,
  type SsrcAttribute,
  type SsrcGroup,
} from "./session-description.js";

type Fail = { readonly ok: false; readonly error: { readonly code: SdpParseErrorCode; readonly at: number } };

/**
 * Maps one m= block (its lines and sdp-transform's view of them) to a `MediaSection`: the m= line
 * (RFC 8866 §5.14), rtpmap/fmtp (§6.6, §6.15), rtcp-fb (RFC 4585 §4.2), extmap (RFC 8285 §8), ssrc and
 * ssrc-group (RFC 5576 §4), plus what `scanAttributes` reads from the lines.
 */
export function parseMediaSection(
  block: SdpBlock,
  media: MediaDescription,
  candidateBudget: number,
): SdpParseResult<MediaSection> {
  const scanned = scanAttributes(block.lines, "media", candidateBudget);
  if (!scanned.ok) return scanned;
  const a = scanned.value;
  const invalid = firstInvalid(block, media, "media");
  if (invalid !== undefined) return invalid;

  const kind = fieldText(media.type);
  const port = fieldUint(media.port, 65535);
  const protocol = fieldText(media.protocol);
  if (kind === undefined || !/^[A-Za-z0-9_-]{1,32}$/.test(kind))
    return decodeFail("bad-media-line", block.at);
  if (port === undefined) return decodeFail("bad-port", block.at);
  if (protocol === undefined || !/^[A-Za-z0-9_/.-]{1,64}$/.test(protocol)) {
    return decodeFail("bad-media-line", block.at);
  }
  const formats = words(fieldText(media.payloads) ?? "");
  if (formats.length === 0) return decodeFail("bad-media-line", block.at);
  if (formats.length > SDP_LIMITS.maxPayloadTypes) return decodeFail("too-many-payload-types", block.at);
  if (!formats.every((f) => TOKEN.test(f))) return decodeFail("bad-media-line", block.at);

  const connection = connectionOf(block, media);
  if (connection === "bad") return decodeFail("bad-connection", block.at);
  const payloads = isRtpProtocol(protocol) ? payloadsOf(block, media, formats, a) : decodeOk(emptyPayloads);
  if (!payloads.ok) return payloads;
  const extmaps = extmapsOf(media, a.offsets.get("extmap") ?? [], block.at);
  if (!extmaps.ok) return extmaps;
  const ssrcs = ssrcsOf(media, a, block.at);
  if (!ssrcs.ok) return ssrcs;

  return decodeOk({
    kind,
    port,
    protocol,
    formats,
    ...(connection === undefined ? {} : { connection }),
    bandwidth: bandwidthOf(media),
    ...(a.mid === undefined ? {} : { mid: a.mid }),
    ...(a.direction === undefined ? {} : { direction: a.direction }),
    ...(a.iceUfrag === undefined ? {} : { iceUfrag: a.iceUfrag }),
    ...(a.icePwd === undefined ? {} : { icePwd: a.icePwd }),
    iceOptions: a.iceOptions,
    candidates: a.candidates,
    endOfCandidates: a.endOfCandidates,
    fingerprints: a.fingerprints,
    ...(a.setup === undefined ? {} : { setup: a.setup }),
    rtcpMux: a.rtcpMux,
    rtcpRsize: a.rtcpRsize,
    bundleOnly: a.bundleOnly,
    payloads: payloads.value.payloads,
    rtcpFeedbackAll: payloads.value.all,
    extmaps: extmaps.value,
    msids: a.msids,
    ssrcs: ssrcs.value.ssrcs,
    ssrcGroups: ssrcs.value.groups,
    ...(a.sctpPort === undefined ? {} : { sctpPort: a.sctpPort }),
    ...(a.maxMessageSize === undefined ? {} : { maxMessageSize: a.maxMessageSize }),
    attributes: a.attributes,
  });
}

const emptyPayloads = { payloads: [] as RtpPayload[], all: [] as RtcpFeedback[] };

/** A line of an sdp-transform-parsed attribute that its grammar did not match is malformed. */
export function firstInvalid(block: SdpBlock, parsed: SharedAttributes, level: SdpLevel): Fail | undefined {
  for (const entry of parsed.invalid ?? []) {
    const text = fieldText(entry.value) ?? "";
    const { name } = attributeOf(text);
    if (!SDP_TRANSFORM_ATTRIBUTES[level].has(name)) continue;
    const at = block.lines.find((l) => l.type === "a" && l.value === text)?.at ?? block.at;
    const code: SdpParseErrorCode =
      name === "rtpmap"
        ? "bad-rtpmap"
        : name === "fmtp"
          ? "bad-fmtp"
          : name === "rtcp-fb"
            ? "bad-rtcp-fb"
            : name === "extmap"
              ? "bad-extmap"
              : name === "ssrc"
                ? "bad-ssrc"
                : "bad-ssrc-group";
    return decodeFail(code, at);
  }
  return undefined;
}

function lineAt(a: ScannedAttributes, name: string, index: number, fallback: number): number {
  return a.offsets.get(name)?.[index] ?? fallback;
}

/** RFC 8866 §5.7 `c=IN IP4|IP6 <address>`; "bad" when a c= line is there but malformed. */
export function connectionOf(
  block: SdpBlock,
  parsed: SharedDescriptionFields,
): Connection | undefined | "bad" {
  const lines = block.lines.filter((l) => l.type === "c");
  if (lines.length === 0) return undefined;
  if (!lines.every((l) => /^IN IP[46] \S+/.test(l.value))) return "bad";
  const c = parsed.connection;
  if (c === undefined) return "bad";
  const version = fieldUint(c.version, 6);
  const address = fieldText(c.ip);
  if ((version !== 4 && version !== 6) || address === undefined || address === "") return "bad";
  return { addressType: version === 4 ? "IP4" : "IP6", address };
}

export function bandwidthOf(parsed: SharedDescriptionFields): Bandwidth[] {
  const out: Bandwidth[] = [];
  for (const b of parsed.bandwidth ?? []) {
    const type = BANDWIDTH_TYPES.find((t) => t === b.type);
    const limit = fieldUint(b.limit, MAX_UINT32);
    if (type !== undefined && limit !== undefined && out.length < 16) out.push({ type, limit });
  }
  return out;
}

function payloadsOf(
  block: SdpBlock,
  media: MediaDescription,
  formats: readonly string[],
  a: ScannedAttributes,
): SdpParseResult<{ payloads: RtpPayload[]; all: RtcpFeedback[] }> {
  const order: number[] = [];
  for (const f of formats) {
    const pt = payloadTypeOf(f);
    if (pt === undefined) return decodeFail("bad-payload-type", block.at);
    if (order.includes(pt)) return decodeFail("duplicate-payload-type", block.at);
    order.push(pt);
  }
  const rtpMaps = new Map<number, RtpMap>();
  for (const [i, r] of media.rtp.entries()) {
    const at = lineAt(a, "rtpmap", i, block.at);
    const pt = payloadTypeOf(r.payload);
    const name = fieldText(r.codec);
    const clockRate = fieldUint(r.rate, MAX_UINT32);
    const channels = r.encoding === undefined ? undefined : fieldUint(r.encoding, 255);
    if (pt === undefined || name === undefined || name === "" || clockRate === undefined || clockRate === 0) {
      return decodeFail("bad-rtpmap", at);
    }
    if (r.encoding !== undefined && (channels === undefined || channels === 0))
      return decodeFail("bad-rtpmap", at);
    if (rtpMaps.has(pt)) return decodeFail("duplicate-rtpmap", at);
    rtpMaps.set(pt, channels === undefined ? { name, clockRate } : { name, clockRate, channels });
  }
  const fmtps = new Map<number, string>();
  for (const [i, f] of media.fmtp.entries()) {
    const pt = payloadTypeOf(f.payload);
    const config = fieldText(f.config);
    if (pt === undefined || config === undefined)
      return decodeFail("bad-fmtp", lineAt(a, "fmtp", i, block.at));
    if (fmtps.has(pt)) return decodeFail("duplicate-fmtp", lineAt(a, "fmtp", i, block.at));
    fmtps.set(pt, config);
  }
  const feedback = new Map<number | "*", RtcpFeedback[]>();
  const fbAt = lineAt(a, "rtcp-fb", 0, block.at);
  const entries: { payload: unknown; fb: RtcpFeedback | undefined }[] = [
    ...(media.rtcpFb ?? []).map((f) => ({ payload: f.payload, fb: feedbackOf(f.type, f.subtype) })),
    ...(media.rtcpFbTrrInt ?? []).map((f) => ({ payload: f.payload, fb: trrIntOf(f.value) })),
  ];
  for (const { payload, fb } of entries) {
    const pt = payload === "*" ? "*" : payloadTypeOf(payload);
    if (pt === undefined || fb === undefined) return decodeFail("bad-rtcp-fb", fbAt);
    const list = feedback.get(pt) ?? [];
    if (list.length >= 32) return decodeFail("bad-rtcp-fb", fbAt);
    if (!list.some((x) => x.type === fb.type && x.parameter === fb.parameter)) list.push(fb);
    feedback.set(pt, list);
  }
  const payloads = order.map((payloadType): RtpPayload => {
    const rtpMap = rtpMaps.get(payloadType);
    const fmtp = fmtps.get(payloadType);
    return {
      payloadType,
      ...(rtpMap === undefined ? {} : { rtpMap }),
      ...(fmtp === undefined ? {} : { fmtp }),
      rtcpFeedback: feedback.get(payloadType) ?? [],
    };
  });
  return decodeOk({ payloads, all: feedback.get("*") ?? [] });
}

function feedbackOf(type: unknown, subtype: unknown): RtcpFeedback | undefined {
  const t = fieldText(type);
  if (t === undefined || !TOKEN.test(t)) return undefined;
  if (subtype === undefined) return { type: t };
  const p = fieldText(subtype);
  if (p === undefined || !TOKEN.test(p)) return undefined;
  return { type: t, parameter: p };
}

function trrIntOf(value: unknown): RtcpFeedback | undefined {
  const ms = fieldUint(value, MAX_UINT32);
  return ms === undefined ? undefined : { type: "trr-int", parameter: String(ms) };
}

/** RFC 8285 §8 extmap lines of a block (session or media level). */
export function extmapsOf(
  parsed: SharedAttributes,
  offsets: readonly number[],
  fallback: number,
): SdpParseResult<Extmap[]> {
  const out: Extmap[] = [];
  for (const [i, e] of (parsed.ext ?? []).entries()) {
    const at = offsets[i] ?? fallback;
    const id = fieldUint(e.value, 255);
    const uri = fieldText(e.uri);
    const direction = e.direction === undefined ? undefined : DIRECTIONS.find((d) => d === e.direction);
    const attributes = e.config === undefined ? undefined : fieldText(e.config);
    if (id === undefined || id === 0 || uri === undefined || uri === "" || uri.length > 256) {
      return decodeFail("bad-extmap", at);
    }
    if (e.direction !== undefined && direction === undefined) return decodeFail("bad-extmap", at);
    if (out.some((x) => x.id === id)) return decodeFail("duplicate-extmap-id", at);
    if (out.length >= 64) return decodeFail("bad-extmap", at);
    out.push({
      id,
      uri,
      ...(direction === undefined ? {} : { direction }),
      ...(e["encrypt-uri"] === undefined ? {} : { encrypted: true }),
      ...(attributes === undefined ? {} : { attributes }),
    });
  }
  return decodeOk(out);
}

function ssrcsOf(
  media: MediaDescription,
  a: ScannedAttributes,
  fallback: number,
): SdpParseResult<{ ssrcs: SsrcAttribute[]; groups: SsrcGroup[] }> {
  const ssrcs: SsrcAttribute[] = [];
  for (const [i, s] of (media.ssrcs ?? []).entries()) {
    const ssrc = fieldUint(s.id, MAX_UINT32);
    const attribute = fieldText(s.attribute);
    const value = s.value === undefined ? undefined : fieldText(s.value);
    if (ssrc === undefined || attribute === undefined || !TOKEN.test(attribute) || ssrcs.length >= 256) {
      return decodeFail("bad-ssrc", lineAt(a, "ssrc", i, fallback));
    }
    ssrcs.push(value === undefined ? { ssrc, attribute } : { ssrc, attribute, value });
  }
  const groups: SsrcGroup[] = [];
  for (const [i, g] of (media.ssrcGroups ?? []).entries()) {
    const semantics = fieldText(g.semantics);
    const list = words(fieldText(g.ssrcs) ?? "").map((s) => fieldUint(s, MAX_UINT32));
    const at = lineAt(a, "ssrc-group", i, fallback);
    if (semantics === undefined || !TOKEN.test(semantics) || list.length === 0 || list.length > 16) {
      return decodeFail("bad-ssrc-group", at);
    }
    const ids = list.filter((x): x is number => x !== undefined);
    if (ids.length !== list.length || groups.length >= 64) return decodeFail("bad-ssrc-group", at);
    groups.push({ semantics, ssrcs: ids });
  }
  return decodeOk({ ssrcs, groups });
}

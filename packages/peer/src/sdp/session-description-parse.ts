import { decodeFail, decodeOk } from "@tern/ice";
import { parse as sdpTransformParse, type SessionDescription as TransformSession } from "sdp-transform";
import {
  bandwidthOf,
  connectionOf,
  extmapsOf,
  firstInvalid,
  parseMediaSection,
} from "./media-section-parse.js";
import { scanAttributes } from "./sdp-attributes-scan.js";
import { fieldText, fieldUint, MAX_UINT32 } from "./sdp-grammar.js";
import { type SdpBlock, splitSdpLines } from "./sdp-lines.js";
import { SDP_LIMITS, type SdpParseResult } from "./sdp-parse-error.js";
import type { MediaSection, Origin, SessionDescription } from "./session-description.js";

/**
 * Parses an SDP session description (RFC 8866) into the typed JSEP model. Untrusted input: never
 * throws, returns `{ ok: false, error: { code, at } }` instead, and bounds total length, lines, m= lines,
 * payload types and candidates (`SDP_LIMITS`).
 *
 * sdp-transform reads the structured lines (o=, t=, c=, b=, m=, rtpmap, fmtp, rtcp-fb, extmap, ssrc,
 * ssrc-group); the rest is read from the lines themselves (`sdp-attributes-scan.ts`). A line of a kind
 * sdp-transform reads that its grammar refuses is an error, not a silent drop.
 */
export function parseSessionDescription(text: unknown): SdpParseResult<SessionDescription> {
  const split = splitSdpLines(text);
  if (!split.ok) return split;
  const blocks = split.value;
  let parsed: TransformSession;
  try {
    parsed = sdpTransformParse(text as string);
  } catch {
    return decodeFail("internal", 0);
  }
  if (parsed.media.length !== blocks.media.length) return decodeFail("internal", 0);

  const session = blocks.session;
  const scanned = scanAttributes(session.lines, "session", SDP_LIMITS.maxCandidates);
  if (!scanned.ok) return scanned;
  const a = scanned.value;
  const invalid = firstInvalid(session, parsed, "session");
  if (invalid !== undefined) return invalid;

  const origin = originOf(session, parsed);
  if (!origin.ok) return origin;
  const timing = timingOf(session, parsed);
  if (timing === undefined) return decodeFail("bad-timing", lineOf(session, "t"));
  const connection = connectionOf(session, parsed);
  if (connection === "bad") return decodeFail("bad-connection", lineOf(session, "c"));
  const extmaps = extmapsOf(parsed, a.offsets.get("extmap") ?? [], session.at);
  if (!extmaps.ok) return extmaps;

  const media: MediaSection[] = [];
  let candidateBudget = SDP_LIMITS.maxCandidates;
  for (const [i, block] of blocks.media.entries()) {
    const m = parsed.media[i];
    if (m === undefined) return decodeFail("internal", block.at);
    const section = parseMediaSection(block, m, candidateBudget);
    if (!section.ok) return section;
    const mid = section.value.mid;
    if (mid !== undefined && media.some((s) => s.mid === mid)) return decodeFail("duplicate-mid", block.at);
    candidateBudget -= section.value.candidates.length;
    media.push(section.value);
  }

  return decodeOk({
    origin: origin.value,
    name: fieldText(parsed.name) ?? "-",
    timing,
    ...(connection === undefined ? {} : { connection }),
    bandwidth: bandwidthOf(parsed),
    groups: a.groups,
    ...(a.msidSemantic === undefined ? {} : { msidSemantic: a.msidSemantic }),
    iceLite: a.iceLite,
    ...(a.iceUfrag === undefined ? {} : { iceUfrag: a.iceUfrag }),
    ...(a.icePwd === undefined ? {} : { icePwd: a.icePwd }),
    iceOptions: a.iceOptions,
    fingerprints: a.fingerprints,
    ...(a.setup === undefined ? {} : { setup: a.setup }),
    ...(a.direction === undefined ? {} : { direction: a.direction }),
    extmaps: extmaps.value,
    attributes: a.attributes,
    media,
  });
}

function lineOf(block: SdpBlock, type: string): number {
  return block.lines.find((l) => l.type === type)?.at ?? block.at;
}

/** RFC 8866 §5.2 origin; the session version must be a safe integer (it is written back as a number). */
function originOf(session: SdpBlock, parsed: TransformSession): SdpParseResult<Origin> {
  const lines = session.lines.filter((l) => l.type === "o");
  if (lines.length === 0) return decodeFail("missing-origin", session.at);
  const at = lineOf(session, "o");
  const o = parsed.origin as Partial<TransformSession["origin"]> | undefined;
  if (o === undefined || lines.length > 1) return decodeFail("bad-origin", at);
  const username = fieldText(o.username);
  const sessionId = fieldText(o.sessionId);
  const sessionVersion = fieldUint(o.sessionVersion, Number.MAX_SAFE_INTEGER);
  const netType = fieldText(o.netType);
  const ipVer = fieldUint(o.ipVer, 6);
  const address = fieldText(o.address);
  if (
    username === undefined ||
    username === "" ||
    sessionId === undefined ||
    !/^[0-9]{1,20}$/.test(sessionId) ||
    sessionVersion === undefined ||
    netType === undefined ||
    netType === "" ||
    (ipVer !== 4 && ipVer !== 6) ||
    address === undefined ||
    address === ""
  ) {
    return decodeFail("bad-origin", at);
  }
  return decodeOk({
    username,
    sessionId,
    sessionVersion,
    netType,
    addressType: ipVer === 4 ? "IP4" : "IP6",
    address,
  });
}

/** RFC 8866 §5.9 `t=<start> <stop>`; absent means 0 0. */
function timingOf(session: SdpBlock, parsed: TransformSession): { start: number; stop: number } | undefined {
  if (!session.lines.some((l) => l.type === "t")) return { start: 0, stop: 0 };
  const t = parsed.timing as Partial<TransformSession["timing"]> | undefined;
  const start = fieldUint(t?.start, MAX_UINT32 * 4);
  const stop = fieldUint(t?.stop, MAX_UINT32 * 4);
  return start === undefined || stop === undefined ? undefined : { start, stop };
}

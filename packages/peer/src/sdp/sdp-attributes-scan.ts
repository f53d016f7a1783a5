import { decodeFail, decodeOk } from "@tern/ice";
import { TOKEN, VCHARS, words } from "./sdp-grammar.js";
import type { SdpLine } from "./sdp-lines.js";
import { attributeOf } from "./sdp-lines.js";
import { SDP_LIMITS, type SdpParseResult } from "./sdp-parse-error.js";
import {
  type Attribute,
  DIRECTIONS,
  type Direction,
  type Fingerprint,
  type Group,
  type Msid,
  type MsidSemantic,
  SETUPS,
  type Setup,
} from "./session-description.js";

/**
 * The attribute lines of one block (session or m= section) read directly from their text: the simple
 * ones (flags, ICE, DTLS, mid, msid, group) and the ones sdp-transform would lose — several
 * `a=fingerprint` lines, `a=candidate` lines with extensions it does not know, `{…}` msids, several
 * `a=ice-options` tokens. The structured ones (rtpmap, fmtp, rtcp-fb, extmap, ssrc, ssrc-group) are left
 * to sdp-transform (`SDP_TRANSFORM_ATTRIBUTES`). Everything else is kept verbatim in `attributes`.
 */
export interface ScannedAttributes {
  iceUfrag?: string;
  icePwd?: string;
  iceOptions: string[];
  iceLite: boolean;
  fingerprints: Fingerprint[];
  setup?: Setup;
  direction?: Direction;
  mid?: string;
  msids: Msid[];
  msidSemantic?: MsidSemantic;
  groups: Group[];
  candidates: string[];
  endOfCandidates: boolean;
  rtcpMux: boolean;
  rtcpRsize: boolean;
  bundleOnly: boolean;
  sctpPort?: number;
  maxMessageSize?: number;
  attributes: Attribute[];
  /** Offsets of the lines of each sdp-transform-parsed attribute, in order (for error positions). */
  offsets: Map<string, number[]>;
}

export type SdpLevel = "session" | "media";

/** Attributes read by sdp-transform's grammar, per level. */
export const SDP_TRANSFORM_ATTRIBUTES: Readonly<Record<SdpLevel, ReadonlySet<string>>> = {
  session: new Set(["extmap"]),
  media: new Set(["rtpmap", "fmtp", "rtcp-fb", "extmap", "ssrc", "ssrc-group"]),
};

const BOTH = ["ice-ufrag", "ice-pwd", "ice-options", "fingerprint", "setup", ...DIRECTIONS];
const SCANNED: Readonly<Record<SdpLevel, ReadonlySet<string>>> = {
  session: new Set([...BOTH, "ice-lite", "group", "msid-semantic"]),
  media: new Set([
    ...BOTH,
    "mid",
    "msid",
    "candidate",
    "end-of-candidates",
    "rtcp-mux",
    "rtcp-rsize",
    "bundle-only",
    "sctp-port",
    "max-message-size",
  ]),
};
const FLAGS: ReadonlySet<string> = new Set([
  ...DIRECTIONS,
  "ice-lite",
  "end-of-candidates",
  "rtcp-mux",
  "rtcp-rsize",
  "bundle-only",
]);

/** RFC 8839 §5.4 ice-char. ufrag 4..256, pwd 22..256 characters. */
const ICE_UFRAG = /^[A-Za-z0-9+/]{4,256}$/;
const ICE_PWD = /^[A-Za-z0-9+/]{22,256}$/;
/** RFC 8122 §5 `hash-func SP fingerprint`, 1..64 bytes of hex pairs. */
const FINGERPRINT = /^([A-Za-z0-9-]{1,16}) +((?:[0-9A-Fa-f]{2}:){0,63}[0-9A-Fa-f]{2})$/;
/** RFC 5888 §4 identification-tag = token; bounded (the sdes:mid header extension carries ≤ 16 bytes). */
const MID = /^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]{1,32}$/;
const MAX_ID = 256;

/** Scans the `a=` lines of one block. `candidateBudget` is what is left of `SDP_LIMITS.maxCandidates`. */
export function scanAttributes(
  lines: readonly SdpLine[],
  level: SdpLevel,
  candidateBudget: number,
): SdpParseResult<ScannedAttributes> {
  const out: ScannedAttributes = {
    iceOptions: [],
    iceLite: false,
    fingerprints: [],
    msids: [],
    groups: [],
    candidates: [],
    endOfCandidates: false,
    rtcpMux: false,
    rtcpRsize: false,
    bundleOnly: false,
    attributes: [],
    offsets: new Map(),
  };
  for (const line of lines) {
    if (line.type !== "a") continue;
    const attr = attributeOf(line.value);
    const { name, value } = attr;
    if (SDP_TRANSFORM_ATTRIBUTES[level].has(name)) {
      const list = out.offsets.get(name) ?? [];
      list.push(line.at);
      out.offsets.set(name, list);
      continue;
    }
    if (!SCANNED[level].has(name) || FLAGS.has(name) !== (value === undefined)) {
      out.attributes.push(attr);
      continue;
    }
    const failed = scanOne(out, name, value ?? "", candidateBudget);
    if (failed !== undefined) return decodeFail(failed, line.at);
  }
  return decodeOk(out);
}

type ScanErrorCode =
  | "bad-ice-ufrag"
  | "bad-ice-pwd"
  | "bad-ice-options"
  | "bad-fingerprint"
  | "bad-setup"
  | "bad-mid"
  | "bad-msid"
  | "bad-msid-semantic"
  | "bad-group"
  | "too-many-candidates"
  | "bad-sctp-port"
  | "bad-max-message-size";

function scanOne(
  out: ScannedAttributes,
  name: string,
  value: string,
  candidateBudget: number,
): ScanErrorCode | undefined {
  switch (name) {
    case "sendrecv":
    case "sendonly":
    case "recvonly":
    case "inactive":
      out.direction = name;
      return undefined;
    case "ice-lite":
      out.iceLite = true;
      return undefined;
    case "end-of-candidates":
      out.endOfCandidates = true;
      return undefined;
    case "rtcp-mux":
      out.rtcpMux = true;
      return undefined;
    case "rtcp-rsize":
      out.rtcpRsize = true;
      return undefined;
    case "bundle-only":
      out.bundleOnly = true;
      return undefined;
    case "ice-ufrag":
      if (!ICE_UFRAG.test(value.trim())) return "bad-ice-ufrag";
      out.iceUfrag = value.trim();
      return undefined;
    case "ice-pwd":
      if (!ICE_PWD.test(value.trim())) return "bad-ice-pwd";
      out.icePwd = value.trim();
      return undefined;
    case "ice-options": {
      // RFC 8839 §5.6 separates tags with spaces; libdatachannel writes "ice2,trickle": accept commas too.
      const options = words(value.replace(/,/g, " "));
      if (options.length === 0 || !options.every((o) => TOKEN.test(o))) return "bad-ice-options";
      if (out.iceOptions.length + options.length > MAX_ID) return "bad-ice-options";
      for (const o of options) if (!out.iceOptions.includes(o)) out.iceOptions.push(o);
      return undefined;
    }
    case "fingerprint": {
      const m = FINGERPRINT.exec(value.trim());
      if (m === null || out.fingerprints.length >= 8) return "bad-fingerprint";
      out.fingerprints.push({ algorithm: (m[1] ?? "").toLowerCase(), value: (m[2] ?? "").toUpperCase() });
      return undefined;
    }
    case "setup": {
      const setup = SETUPS.find((s) => s === value.trim());
      if (setup === undefined) return "bad-setup";
      out.setup = setup;
      return undefined;
    }
    case "mid":
      if (!MID.test(value.trim())) return "bad-mid";
      out.mid = value.trim();
      return undefined;
    case "msid": {
      const ids = words(value);
      const [streamId, trackId] = ids;
      if (streamId === undefined || ids.length > 2 || out.msids.length >= 16) return "bad-msid";
      if (!ids.every((id) => VCHARS.test(id) && id.length <= MAX_ID)) return "bad-msid";
      out.msids.push(trackId === undefined ? { streamId } : { streamId, trackId });
      return undefined;
    }
    case "msid-semantic": {
      const [semantic, ...tokens] = words(value);
      if (semantic === undefined || !TOKEN.test(semantic) || tokens.length > 64) return "bad-msid-semantic";
      if (!tokens.every((t) => VCHARS.test(t) && t.length <= MAX_ID)) return "bad-msid-semantic";
      out.msidSemantic = { semantic, tokens };
      return undefined;
    }
    case "group": {
      const [semantics, ...mids] = words(value);
      if (semantics === undefined || !TOKEN.test(semantics) || out.groups.length >= 16) return "bad-group";
      if (mids.length > SDP_LIMITS.maxMediaSections || !mids.every((m) => MID.test(m))) return "bad-group";
      out.groups.push({ semantics, mids });
      return undefined;
    }
    case "sctp-port": {
      // RFC 8841 §5.1: sctp-port = 1*5(DIGIT), a port number.
      const port = /^[0-9]{1,5}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
      if (!(port >= 0 && port <= 65535)) return "bad-sctp-port";
      out.sctpPort = port;
      return undefined;
    }
    case "max-message-size": {
      // RFC 8841 §6.1: max-message-size = 1*DIGIT, bytes; bounded to a safe integer here.
      const size = /^[0-9]{1,15}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
      if (!Number.isSafeInteger(size)) return "bad-max-message-size";
      out.maxMessageSize = size;
      return undefined;
    }
    case "candidate":
      if (out.candidates.length >= candidateBudget) return "too-many-candidates";
      out.candidates.push(`candidate:${value}`);
      return undefined;
    default:
      return undefined;
  }
}

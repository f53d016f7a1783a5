import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { ipFamily } from "./ip-address.js";

/**
 * The SDP `candidate` attribute, RFC 8839 §5.1 (with `tcptype` from RFC 6544 §4.5):
 *
 * ```
 * candidate-attribute   = "candidate" ":" foundation SP component-id SP
 *                         transport SP priority SP
 *                         connection-address SP     ;from RFC 4566
 *                         port                      ;port from RFC 4566
 *                         SP cand-type
 *                         [SP rel-addr] [SP rel-port]
 *                         *(SP cand-extension)
 * foundation            = 1*32ice-char
 * component-id          = 1*3DIGIT
 * transport             = "UDP" / transport-extension
 * transport-extension   = token                     ; from RFC 3261
 * priority              = 1*10DIGIT
 * cand-type             = "typ" SP candidate-types
 * candidate-types       = "host" / "srflx" / "prflx" / "relay" / token
 * rel-addr              = "raddr" SP connection-address
 * rel-port              = "rport" SP port
 * cand-extension        = extension-att-name SP extension-att-value
 * extension-att-name    = token
 * extension-att-value   = *VCHAR
 * ice-char              = ALPHA / DIGIT / "+" / "/"
 * ```
 *
 * Parsing is lenient where browsers are (runs of spaces, `raddr`/`rport`/`tcptype` anywhere after
 * `typ`, a trailing CRLF) and strict on values. Candidate types other than the four of RFC 8445
 * §5.1.1 fail with "unknown-candidate-type": RFC 8839 §5.1 says the agent ignores such candidates.
 */
export type CandidateType = "host" | "srflx" | "prflx" | "relay";

export interface CandidateExtension {
  readonly name: string;
  readonly value: string;
}

export interface Candidate {
  /** 1*32 ice-char (RFC 8445 §5.1.1.3). */
  readonly foundation: string;
  /** 1..256 (RFC 8445 §5.1.2.1). */
  readonly component: number;
  /** "udp" / "tcp" (lowercased on parse), any other transport token kept as given. */
  readonly transport: string;
  /** uint32 (RFC 8445 §5.1.2). */
  readonly priority: number;
  /** IP literal or FQDN (e.g. a browser's "<uuid>.local" mDNS name, RFC 8839 §5.1 / mdns-ice-candidates). */
  readonly address: string;
  readonly port: number;
  readonly type: CandidateType;
  readonly relatedAddress?: string;
  readonly relatedPort?: number;
  /** RFC 6544 §4.5: "active" / "passive" / "so". */
  readonly tcpType?: string;
  /** Unknown extensions, kept in order: generation, network-id, network-cost, ufrag, … */
  readonly extensions: readonly CandidateExtension[];
}

export type CandidateParseErrorCode =
  | "too-long"
  | "missing-field"
  | "bad-foundation"
  | "bad-component"
  | "bad-transport"
  | "bad-priority"
  | "bad-address"
  | "bad-port"
  | "missing-typ"
  | "unknown-candidate-type"
  | "bad-related-address"
  | "bad-related-port"
  | "bad-tcp-type"
  | "bad-extension-name"
  | "bad-extension-value"
  | "missing-extension-value"
  | "duplicate-extension"
  | "too-many-extensions";

/** Longest input accepted, in characters (a real candidate line is ~150). */
export const MAX_CANDIDATE_LENGTH = 1024;
/** Most `name value` pairs after `typ` (raddr/rport/tcptype included). */
export const MAX_CANDIDATE_EXTENSIONS = 32;

const CANDIDATE_TYPES: readonly CandidateType[] = ["host", "srflx", "prflx", "relay"];
const FOUNDATION = /^[A-Za-z0-9+/]{1,32}$/;
/** RFC 3261 §25.1 token. */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
/** RFC 5234 VCHAR. */
const VCHARS = /^[\x21-\x7e]*$/;
const DIGITS = /^[0-9]+$/;
const HOST_LABEL = /^[A-Za-z0-9_]([A-Za-z0-9\-_]{0,61}[A-Za-z0-9_])?$/;

interface Token {
  readonly text: string;
  readonly at: number;
}

/** Accepts "a=candidate:…", "candidate:…" or the bare attribute value. Never throws. */
export function parseCandidate(text: string): Decoded<Candidate, CandidateParseErrorCode> {
  if (typeof text !== "string") return decodeFail("missing-field", 0);
  if (text.length > MAX_CANDIDATE_LENGTH) return decodeFail("too-long", MAX_CANDIDATE_LENGTH);
  let start = 0;
  while (start < text.length && isSpace(text.charCodeAt(start))) start++;
  let end = text.length;
  while (end > start && (isSpace(text.charCodeAt(end - 1)) || isLineEnd(text.charCodeAt(end - 1)))) end--;
  if (text.startsWith("a=", start)) start += 2;
  if (text.startsWith("candidate:", start)) start += "candidate:".length;
  const tokens = tokenize(text, start, end);
  const field = (i: number): Token | undefined => tokens[i];

  const foundation = field(0);
  if (foundation === undefined) return decodeFail("missing-field", end);
  if (!FOUNDATION.test(foundation.text)) return decodeFail("bad-foundation", foundation.at);

  const componentTok = field(1);
  if (componentTok === undefined) return decodeFail("missing-field", end);
  const component = parseUint(componentTok.text, 3);
  if (component === undefined || component < 1 || component > 256) {
    return decodeFail("bad-component", componentTok.at);
  }

  const transportTok = field(2);
  if (transportTok === undefined) return decodeFail("missing-field", end);
  if (!TOKEN.test(transportTok.text)) return decodeFail("bad-transport", transportTok.at);
  const lower = transportTok.text.toLowerCase();
  const transport = lower === "udp" || lower === "tcp" ? lower : transportTok.text;

  const priorityTok = field(3);
  if (priorityTok === undefined) return decodeFail("missing-field", end);
  const priority = parseUint(priorityTok.text, 10);
  if (priority === undefined || priority > 0xffffffff) return decodeFail("bad-priority", priorityTok.at);

  const addressTok = field(4);
  if (addressTok === undefined) return decodeFail("missing-field", end);
  if (!isConnectionAddress(addressTok.text)) return decodeFail("bad-address", addressTok.at);

  const portTok = field(5);
  if (portTok === undefined) return decodeFail("missing-field", end);
  const port = parsePort(portTok.text);
  if (port === undefined) return decodeFail("bad-port", portTok.at);

  const typTok = field(6);
  if (typTok === undefined) return decodeFail("missing-field", end);
  if (typTok.text !== "typ") return decodeFail("missing-typ", typTok.at);
  const typeTok = field(7);
  if (typeTok === undefined) return decodeFail("missing-field", end);
  const type = CANDIDATE_TYPES.find((t) => t === typeTok.text);
  if (type === undefined) return decodeFail("unknown-candidate-type", typeTok.at);

  let relatedAddress: string | undefined;
  let relatedPort: number | undefined;
  let tcpType: string | undefined;
  const extensions: CandidateExtension[] = [];
  const pairs = (tokens.length - 8) / 2;
  if (pairs > MAX_CANDIDATE_EXTENSIONS) return decodeFail("too-many-extensions", field(8)?.at ?? end);
  for (let i = 8; i < tokens.length; i += 2) {
    const name = tokens[i];
    const value = tokens[i + 1];
    if (name === undefined) break;
    if (!TOKEN.test(name.text)) return decodeFail("bad-extension-name", name.at);
    if (value === undefined) return decodeFail("missing-extension-value", end);
    if (!VCHARS.test(value.text)) return decodeFail("bad-extension-value", value.at);
    switch (name.text) {
      case "raddr":
        if (relatedAddress !== undefined) return decodeFail("duplicate-extension", name.at);
        if (!isConnectionAddress(value.text)) return decodeFail("bad-related-address", value.at);
        relatedAddress = value.text;
        break;
      case "rport":
        if (relatedPort !== undefined) return decodeFail("duplicate-extension", name.at);
        relatedPort = parsePort(value.text);
        if (relatedPort === undefined) return decodeFail("bad-related-port", value.at);
        break;
      case "tcptype":
        if (tcpType !== undefined) return decodeFail("duplicate-extension", name.at);
        if (!TOKEN.test(value.text)) return decodeFail("bad-tcp-type", value.at);
        tcpType = value.text;
        break;
      default:
        extensions.push({ name: name.text, value: value.text });
    }
  }

  const candidate: Candidate = {
    foundation: foundation.text,
    component,
    transport,
    priority,
    address: addressTok.text,
    port,
    type,
    ...(relatedAddress !== undefined ? { relatedAddress } : {}),
    ...(relatedPort !== undefined ? { relatedPort } : {}),
    ...(tcpType !== undefined ? { tcpType } : {}),
    extensions,
  };
  return decodeOk(candidate);
}

/**
 * "candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
 * [raddr <a>] [rport <p>] [tcptype <t>] [<name> <value>]…" — no "a=", no CRLF.
 */
export function formatCandidate(c: Candidate): string {
  let s = `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined) s += ` raddr ${c.relatedAddress}`;
  if (c.relatedPort !== undefined) s += ` rport ${c.relatedPort}`;
  if (c.tcpType !== undefined) s += ` tcptype ${c.tcpType}`;
  for (const e of c.extensions) s += ` ${e.name} ${e.value}`;
  return s;
}

/**
 * RFC 4566 connection-address as used in candidates: an IPv4 or IPv6 literal (no zone), or an FQDN
 * (RFC 8839 §5.1: e.g. an mDNS "<uuid>.local" name). All-numeric dotted names are not FQDNs.
 */
export function isConnectionAddress(text: string): boolean {
  if (ipFamily(text) !== undefined) return true;
  if (text.length === 0 || text.length > 253 || text.includes(":")) return false;
  const labels = text.split(".");
  if (labels.every((l) => DIGITS.test(l))) return false;
  return labels.every((l) => HOST_LABEL.test(l));
}

/** Splits [from, to) on runs of SP / HTAB; a CR or LF inside stays in its token (and fails it). */
function tokenize(text: string, from: number, to: number): Token[] {
  const out: Token[] = [];
  let i = from;
  while (i < to) {
    while (i < to && isSpace(text.charCodeAt(i))) i++;
    if (i >= to) break;
    const at = i;
    while (i < to && !isSpace(text.charCodeAt(i))) i++;
    out.push({ text: text.slice(at, i), at });
  }
  return out;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** The CR / LF that end an SDP line (trimmed from the end only). */
function isLineEnd(c: number): boolean {
  return c === 0x0d || c === 0x0a;
}

function parseUint(text: string, maxDigits: number): number | undefined {
  if (text.length > maxDigits || !DIGITS.test(text)) return undefined;
  return Number(text);
}

function parsePort(text: string): number | undefined {
  const n = parseUint(text, 5);
  return n === undefined || n > 65535 ? undefined : n;
}

/**
 * STUN and TURN server URIs: RFC 7064 (`stun:`, `stuns:`) and RFC 7065 (`turn:`, `turns:`), as found in
 * RTCIceServer.urls.
 *
 * ```
 * stunURI    = scheme ":" host [ ":" port ]                       scheme = "stun" / "stuns"
 * turnURI    = scheme ":" host [ ":" port ] [ "?transport=" transport ]
 *                                                                  scheme = "turn" / "turns"
 * transport  = "udp" / "tcp" / transport-ext
 * host       = IP-literal / IPv4address / reg-name                 (RFC 3986 §3.2.2)
 * ```
 * Schemes are case-insensitive; no userinfo, path or fragment. Default ports: 3478 (stun, turn) and
 * 5349 (stuns, turns). Default transport: UDP for `turn`, TCP for `turns` (RFC 7065 §3). `transport` in
 * the result is how the server is reached: `turns:…?transport=tcp` is TLS, `turns:…?transport=udp` DTLS.
 */
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { ipFamily } from "./ip-address.js";

export type IceServerScheme = "stun" | "stuns" | "turn" | "turns";

export interface IceServerUrl {
  readonly scheme: IceServerScheme;
  /** A hostname, or an IP literal without brackets. */
  readonly host: string;
  readonly port: number;
  /** How the server is reached (the `?transport=` of RFC 7065 combined with the scheme's security). */
  readonly transport: "udp" | "tcp" | "tls" | "dtls";
  /** `stuns` / `turns`. */
  readonly secure: boolean;
}

export type IceServerUrlErrorCode =
  | "bad-scheme"
  | "bad-host"
  | "bad-port"
  | "bad-query"
  | "unsupported-transport"
  | "too-long";

const SCHEMES: readonly IceServerScheme[] = ["stun", "stuns", "turn", "turns"];
/** RFC 3986 reg-name without percent-encoding: unreserved / sub-delims. */
const REG_NAME = /^[A-Za-z0-9\-._~!$&'()*+,;=]+$/;
const MAX_URL_LENGTH = 2048;

/** Parses one STUN/TURN URI. Never throws. */
export function parseIceServerUrl(url: string): Decoded<IceServerUrl, IceServerUrlErrorCode> {
  if (url.length > MAX_URL_LENGTH) return decodeFail("too-long", MAX_URL_LENGTH);
  const colon = url.indexOf(":");
  const scheme = url.slice(0, Math.max(colon, 0)).toLowerCase();
  const known = SCHEMES.find((s) => s === scheme);
  if (colon < 0 || known === undefined) return decodeFail("bad-scheme", 0);
  const secure = known === "stuns" || known === "turns";
  const isTurn = known === "turn" || known === "turns";

  let rest = url.slice(colon + 1);
  let at = colon + 1;
  let transportParam: string | undefined;
  const q = rest.indexOf("?");
  if (q >= 0) {
    const query = rest.slice(q + 1);
    if (!isTurn) return decodeFail("bad-query", at + q);
    const m = /^transport=([A-Za-z0-9\-.+]+)$/.exec(query);
    if (m === null) return decodeFail("bad-query", at + q + 1);
    transportParam = (m[1] ?? "").toLowerCase();
    rest = rest.slice(0, q);
  }
  if (rest.startsWith("//")) return decodeFail("bad-host", at);

  let host: string;
  let portText: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) return decodeFail("bad-host", at);
    host = rest.slice(1, close);
    if (ipFamily(host) !== 6) return decodeFail("bad-host", at + 1);
    const after = rest.slice(close + 1);
    if (after.length > 0) {
      if (!after.startsWith(":")) return decodeFail("bad-host", at + close + 1);
      portText = after.slice(1);
    }
    at += close + 2;
  } else {
    const c = rest.lastIndexOf(":");
    host = c < 0 ? rest : rest.slice(0, c);
    if (c >= 0) portText = rest.slice(c + 1);
    if (host.length === 0 || host.length > 253 || !REG_NAME.test(host)) return decodeFail("bad-host", at);
    at += c + 1;
  }

  let port = secure ? 5349 : 3478;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText)) return decodeFail("bad-port", at);
    port = Number(portText);
    if (port < 1 || port > 65535) return decodeFail("bad-port", at);
  }

  let transport: IceServerUrl["transport"];
  const wire = transportParam ?? (known === "turn" || known === "stun" ? "udp" : "tcp");
  if (wire === "udp") transport = secure ? "dtls" : "udp";
  else if (wire === "tcp") transport = secure ? "tls" : "tcp";
  else return decodeFail("unsupported-transport", url.indexOf("?") + 11);
  return decodeOk({ scheme: known, host, port, transport, secure });
}

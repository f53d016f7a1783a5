/**
 * The in-memory link of the DTLS bench, the same for every contender: each datagram is delivered to the
 * other end on setImmediate (never synchronously, so no stack gets a cheaper pump), and every datagram is
 * read on the way (`DtlsWireFacts`) so what the handshake did is taken from the wire, not from settings.
 */

/** What the handshake put on the wire (plaintext handshake records only). */
export interface DtlsWireFacts {
  helloVerifyRequests: number;
  /** DTLS 1.3 HelloRetryRequests (a ServerHello with RFC 8446 §4.1.3's special random). */
  helloRetryRequests: number;
  /** ServerHello's version: "1.3" when its supported_versions says DTLS 1.3 (0xFEFC), else "1.2". */
  version?: string;
  /** ServerHello's cipher suite, as 0xC02B (DTLS 1.2) or 0x1301 (DTLS 1.3). */
  cipherSuite?: string;
  /**
   * The key exchange group: ServerKeyExchange's named curve in DTLS 1.2 (RFC 8422 §5.4), ServerHello's
   * key_share in DTLS 1.3 (RFC 8446 §4.2.8); 23 secp256r1, 29 x25519, 4588 X25519MLKEM768.
   */
  namedGroup?: number;
  /** use_srtp in a DTLS 1.2 ServerHello: the profile (RFC 5764 §4.1.2); DTLS 1.3 encrypts it. */
  srtpProfile?: number;
  datagrams: number;
  bytes: number;
}

export function newWireFacts(): DtlsWireFacts {
  return { helloVerifyRequests: 0, helloRetryRequests: 0, datagrams: 0, bytes: 0 };
}

const u16 = (b: Uint8Array, i: number): number => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const u24 = (b: Uint8Array, i: number): number => ((b[i] ?? 0) << 16) | u16(b, i + 1);

/** RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello with this random (SHA-256 of "HelloRetryRequest"). */
const HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c";

/** A ServerHello body (RFC 6347 §4.2, RFC 8446 §4.1.3: the same layout up to the extensions). */
function serverHello(m: Uint8Array, f: DtlsWireFacts): void {
  if (m.length < 38) return;
  if (Buffer.from(m.subarray(2, 34)).toString("hex") === HRR_RANDOM) {
    f.helloRetryRequests++;
    return;
  }
  const sid = m[34] ?? 0;
  const cs = 35 + sid;
  f.cipherSuite = `0x${u16(m, cs).toString(16).toUpperCase().padStart(4, "0")}`;
  f.version = "1.2";
  // extensions: after cipher suite (2) and compression (1)
  let e = cs + 3;
  const end = e + 2 + u16(m, e);
  e += 2;
  while (e + 4 <= Math.min(end, m.length)) {
    const et = u16(m, e);
    const el = u16(m, e + 2);
    if (et === 14 && el >= 4) f.srtpProfile = u16(m, e + 6); // use_srtp: profiles length, first profile
    if (et === 43 && el === 2 && u16(m, e + 4) === 0xfefc) f.version = "1.3"; // supported_versions
    if (et === 51 && el >= 2) f.namedGroup = u16(m, e + 4); // key_share: the server's group
    e += 4 + el;
  }
}

/**
 * Reads the plaintext handshake records of one datagram (RFC 6347 §4.1, §4.2.2); stops at the first
 * DTLS 1.3 ciphertext record (RFC 9147 §4: its first octet is 001xxxxx), after which nothing is plaintext.
 */
export function sniff(d: Uint8Array, f: DtlsWireFacts): void {
  f.datagrams++;
  f.bytes += d.length;
  for (let at = 0; at + 13 <= d.length; ) {
    const type = d[at] ?? 0;
    if ((type & 0xe0) === 0x20) break;
    const epoch = u16(d, at + 3);
    const length = u16(d, at + 11);
    const body = d.subarray(at + 13, at + 13 + length);
    at += 13 + length;
    if (type !== 22 || epoch !== 0 || body.length < 12) continue;
    const msg = body[0];
    const fragmentOffset = u24(body, 6);
    const m = body.subarray(12);
    if (fragmentOffset !== 0) continue;
    if (msg === 3) f.helloVerifyRequests++;
    if (msg === 2) serverHello(m, f);
    if (msg === 12 && m[0] === 3) f.namedGroup = u16(m, 1);
  }
}

/** Two ends; `send` on one delivers to the other's `onData` on setImmediate. */
export class MemoryLink {
  readonly facts = newWireFacts();
  readonly a: LinkEnd;
  readonly b: LinkEnd;
  constructor() {
    this.a = new LinkEnd(this);
    this.b = new LinkEnd(this);
    this.a.peer = this.b;
    this.b.peer = this.a;
  }
}

export class LinkEnd {
  peer: LinkEnd | undefined;
  onData: (d: Uint8Array) => void = () => undefined;
  constructor(private readonly link: MemoryLink) {}
  send(d: Uint8Array): void {
    sniff(d, this.link.facts);
    const to = this.peer;
    setImmediate(() => to?.onData(d));
  }
}

import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The State Cookie (RFC 9260 §5.1.3): everything needed to build the association's TCB, handed to the
 * peer in the INIT ACK and returned in its COOKIE ECHO, so that nothing is kept for a peer before a valid
 * COOKIE ECHO (an INIT flood costs one HMAC per INIT and no memory). It carries its creation time and
 * lifetime ("the lifespan of the State Cookie", §5.1.3), and the Tie-Tags of §5.2.2.
 *
 * "The State Cookie ... MUST be signed with a MAC": HMAC-SHA256 keyed by a secret the association draws
 * from its injected randomness. Times are the caller's monotonic `now` (the cookie only ever comes back
 * to the association that made it).
 *
 * Layout (network order), 56 bytes of fields then the 32-byte MAC over them:
 * ```
 *  0 version (1) | peer capabilities (bit mask) | 2 reserved bytes
 *  4 local Initiate Tag          8 local initial TSN
 * 12 peer Initiate Tag          16 peer initial TSN
 * 20 peer a_rwnd                24 peer OS (16) | peer MIS (16)
 * 28 local OS (16) | local MIS (16)
 * 32 local Tie-Tag              36 peer Tie-Tag
 * 40 creation time, ms (float64) 48 lifetime, ms     52 reserved
 * ```
 */
export interface StateCookie {
  /** Our Initiate Tag, as sent in the INIT ACK: the verification tag the peer puts on its packets. */
  readonly localTag: number;
  readonly localInitialTsn: number;
  /** The peer's Initiate Tag (from its INIT): the verification tag we put on ours. */
  readonly peerTag: number;
  readonly peerInitialTsn: number;
  readonly peerRwnd: number;
  /** The INIT's "Number of Outbound Streams" and "Number of Inbound Streams". */
  readonly peerOutboundStreams: number;
  readonly peerInboundStreams: number;
  /** What our INIT ACK announced. */
  readonly localOutboundStreams: number;
  readonly localInboundStreams: number;
  /** RFC 9260 §5.2.2 Tie-Tags: the tags of the association that existed when the INIT came, else 0. */
  readonly localTieTag: number;
  readonly peerTieTag: number;
  /** `PeerCapability` bits the peer's INIT announced. */
  readonly peerCapabilities: number;
  readonly createdAtMs: number;
  readonly lifetimeMs: number;
}

/** Bits of `StateCookie.peerCapabilities`. */
export const PeerCapability = {
  /** Forward-TSN-Supported parameter, or FORWARD-TSN in Supported Extensions (RFC 3758 §3.1). */
  forwardTsn: 1,
  /** I-DATA in Supported Extensions (RFC 8260 §2.2). */
  iData: 2,
  /** RE-CONFIG in Supported Extensions (RFC 6525 §5.1). */
  reconfig: 4,
  /** Zero Checksum Acceptable with error detection method 1, DTLS (RFC 9653 §5.1). */
  zeroChecksum: 8,
} as const;

const VERSION = 1;
const FIELDS_LENGTH = 56;
const MAC_LENGTH = 32;
/** The encoded cookie's length. */
export const STATE_COOKIE_LENGTH = FIELDS_LENGTH + MAC_LENGTH;

export type OpenedStateCookie =
  | { readonly ok: true; readonly cookie: StateCookie }
  | { readonly ok: false; readonly reason: "malformed" | "bad-mac" }
  /**
   * §5.1.5 step 3: expired; `stalenessUs` is the "Measure of Staleness" of the Stale Cookie cause, and
   * `cookie` (authentic) gives the tag to send that ERROR under.
   */
  | {
      readonly ok: false;
      readonly reason: "stale";
      readonly stalenessUs: number;
      readonly cookie: StateCookie;
    };

function mac(secret: Uint8Array, fields: Uint8Array): Uint8Array {
  return createHmac("sha256", secret).update(fields).digest();
}

/** The signed cookie bytes for the INIT ACK's State Cookie parameter. */
export function sealStateCookie(secret: Uint8Array, c: StateCookie): Uint8Array {
  const out = new Uint8Array(STATE_COOKIE_LENGTH);
  const v = new DataView(out.buffer);
  v.setUint8(0, VERSION);
  v.setUint8(1, c.peerCapabilities & 0xff);
  v.setUint32(4, c.localTag);
  v.setUint32(8, c.localInitialTsn);
  v.setUint32(12, c.peerTag);
  v.setUint32(16, c.peerInitialTsn);
  v.setUint32(20, c.peerRwnd);
  v.setUint16(24, c.peerOutboundStreams);
  v.setUint16(26, c.peerInboundStreams);
  v.setUint16(28, c.localOutboundStreams);
  v.setUint16(30, c.localInboundStreams);
  v.setUint32(32, c.localTieTag);
  v.setUint32(36, c.peerTieTag);
  v.setFloat64(40, c.createdAtMs);
  v.setUint32(48, Math.min(c.lifetimeMs, 0xffffffff));
  out.set(mac(secret, out.subarray(0, FIELDS_LENGTH)), FIELDS_LENGTH);
  return out;
}

/**
 * RFC 9260 §5.1.5 steps 1–3: check the MAC (constant time), then the lifetime against `now`.
 * Never throws: a COOKIE ECHO is untrusted input.
 */
export function openStateCookie(secret: Uint8Array, bytes: Uint8Array, now: number): OpenedStateCookie {
  if (bytes.length !== STATE_COOKIE_LENGTH || bytes[0] !== VERSION) return { ok: false, reason: "malformed" };
  const fields = bytes.subarray(0, FIELDS_LENGTH);
  if (!timingSafeEqual(mac(secret, fields), bytes.subarray(FIELDS_LENGTH))) {
    return { ok: false, reason: "bad-mac" };
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const createdAtMs = v.getFloat64(40);
  const lifetimeMs = v.getUint32(48);
  const cookie: StateCookie = {
    peerCapabilities: v.getUint8(1),
    localTag: v.getUint32(4),
    localInitialTsn: v.getUint32(8),
    peerTag: v.getUint32(12),
    peerInitialTsn: v.getUint32(16),
    peerRwnd: v.getUint32(20),
    peerOutboundStreams: v.getUint16(24),
    peerInboundStreams: v.getUint16(26),
    localOutboundStreams: v.getUint16(28),
    localInboundStreams: v.getUint16(30),
    localTieTag: v.getUint32(32),
    peerTieTag: v.getUint32(36),
    createdAtMs,
    lifetimeMs,
  };
  const expiresAt = createdAtMs + lifetimeMs;
  if (now > expiresAt) {
    const stalenessUs = Math.min(Math.round((now - expiresAt) * 1000), 0xffffffff);
    return { ok: false, reason: "stale", stalenessUs, cookie };
  }
  return { ok: true, cookie };
}

import { deriveSrtpSessionKeys, type SrtpDerivedKeys } from "../crypto/srtp-key-derivation.js";
import { createSrtpTransform, type SrtpTransform } from "../crypto/srtp-transform.js";
import {
  type DtlsRole,
  type SrtpMasterKeys,
  type SrtpProfileName,
  splitKeyingMaterial,
} from "../wire/srtp-protection-profile.js";
import {
  checkRtcpHeader,
  checkRtpPadding,
  RTCP_HEADER_LENGTH,
  RTP_FIXED_HEADER_LENGTH,
  rtcpSenderSsrc,
  rtpHeaderLength,
  rtpSequenceNumber,
  rtpSsrc,
  type SrtpMalformed,
  type SrtpMalformedCode,
} from "../wire/srtp-rtp-header.js";
import { ReplayWindow } from "./replay-window.js";
import { estimateIndex, SRTCP_INDEX_LIMIT, SRTP_INDEX_LIMIT } from "./srtp-rollover.js";

/** Why an incoming SRTP/SRTCP packet was dropped; each has a counter. */
export type SrtpDropReason = "malformed" | "auth-failed" | "replay" | "too-old";

export interface SrtpUnprotectError {
  readonly code: SrtpDropReason;
  /** Octet offset where a malformed packet went wrong (0 for the other codes). */
  readonly at: number;
  /** What exactly was malformed. */
  readonly detail?: SrtpMalformedCode;
}

export type Unprotected =
  | { readonly ok: true; readonly value: Uint8Array }
  | { readonly ok: false; readonly error: SrtpUnprotectError };

/** API misuse: protecting something that is not an RTP/RTCP packet, or sending past the index limit. */
export class SrtpUsageError extends Error {
  constructor(
    readonly code: "malformed-input" | "index-exhausted",
    message: string,
  ) {
    super(message);
    this.name = "SrtpUsageError";
  }
}

export interface SrtpContextOptions {
  /** Replay window per SSRC, in packets: a power of two in 32..32768 (RFC 3711 §3.3.2 asks ≥ 64). */
  readonly replayWindowPackets?: number;
  /** SSRCs remembered per direction and per protocol; the least recently used is forgotten past this. */
  readonly maxSsrcs?: number;
}

export interface SrtpSessionKeyPair {
  readonly local: SrtpDerivedKeys;
  readonly remote: SrtpDerivedKeys;
}

type DropCounters = Record<SrtpDropReason, number>;

const newCounters = (): DropCounters => ({ malformed: 0, "auth-failed": 0, replay: 0, "too-old": 0 });
const failure = (code: SrtpDropReason): Unprotected =>
  Object.freeze({ ok: false, error: Object.freeze({ code, at: 0 }) });
const AUTH_FAILED = failure("auth-failed");
const REPLAY = failure("replay");
const TOO_OLD = failure("too-old");

/** What we remember of one SSRC's SRTP stream we send. */
interface OutboundRtpStream {
  /** Highest packet index protected: ROC * 2^16 + s_l. */
  highestIndex: number;
  readonly cache: unknown;
}

/** What we remember of one SSRC's SRTP stream we receive. */
interface InboundRtpStream {
  /** Highest packet index authenticated: ROC * 2^16 + s_l (RFC 3711 §3.3.1). */
  highestIndex: number;
  readonly replay: ReplayWindow;
  readonly cache: unknown;
}

/**
 * A Map that forgets its least recently used entry past `max`. Map iteration order is insertion order,
 * so `use` moves an entry to the end (delete + set) unless it is already the most recent one: a single
 * stream costs nothing per packet, and a stream still in use is never the one forgotten. The Map is made
 * on the first `add`: a direction or protocol that never sees a packet costs no Map.
 */
class SsrcTable<T> {
  #map: Map<number, T> | undefined;
  #mostRecent: number | undefined;
  constructor(readonly max: number) {}
  /** The entry, without marking it used (diagnostics, and input not yet authenticated). */
  get(ssrc: number): T | undefined {
    return this.#map?.get(ssrc);
  }
  /** Marks `ssrc` (present) as the most recently used. */
  use(ssrc: number, value: T): void {
    if (ssrc === this.#mostRecent) return;
    const map = this.#map;
    if (map === undefined) return;
    map.delete(ssrc);
    map.set(ssrc, value);
    this.#mostRecent = ssrc;
  }
  add(ssrc: number, value: T): void {
    this.#map ??= new Map<number, T>();
    const map = this.#map;
    if (map.size >= this.max) {
      const leastRecent = map.keys().next();
      if (!leastRecent.done) map.delete(leastRecent.value);
    }
    map.set(ssrc, value);
    this.#mostRecent = ssrc;
  }
  get size(): number {
    return this.#map?.size ?? 0;
  }
}

/**
 * The SRTP/SRTCP cryptographic contexts of one DTLS-SRTP session (RFC 3711 §3.2), both directions:
 * `protect*` use the local keys for what we send, `unprotect*` the remote keys for what we receive.
 * One instance per session (per DTLS association); state is kept per SSRC inside it.
 *
 * Pure and synchronous: no clock, no I/O. Incoming packets that fail are dropped with a typed error and
 * counted in `counters`, and change no state (a forged packet cannot move the ROC or the replay window).
 * Returned packets are fresh views the caller may keep.
 */
export class SrtpContext {
  readonly profile: SrtpProfileName;
  readonly counters: { readonly rtp: DropCounters; readonly rtcp: DropCounters } = {
    rtp: newCounters(),
    rtcp: newCounters(),
  };
  readonly #outbound: SrtpTransform;
  readonly #inbound: SrtpTransform;
  readonly #replayWindowPackets: number;
  readonly #rtpOut: SsrcTable<OutboundRtpStream>;
  readonly #rtpIn: SsrcTable<InboundRtpStream>;
  /** Next SRTCP index per sender SSRC. */
  readonly #rtcpOut: SsrcTable<{ nextIndex: number }>;
  readonly #rtcpIn: SsrcTable<ReplayWindow>;

  constructor(profile: SrtpProfileName, keys: SrtpSessionKeyPair, options: SrtpContextOptions = {}) {
    this.profile = profile;
    this.#outbound = createSrtpTransform(profile, keys.local);
    this.#inbound = createSrtpTransform(profile, keys.remote);
    this.#replayWindowPackets = options.replayWindowPackets ?? 64;
    new ReplayWindow(this.#replayWindowPackets); // validates the size now rather than on the first packet
    const max = options.maxSsrcs ?? 1024;
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`maxSsrcs must be a positive integer, got ${max}`);
    this.#rtpOut = new SsrcTable(max);
    this.#rtpIn = new SsrcTable(max);
    this.#rtcpOut = new SsrcTable(max);
    this.#rtcpIn = new SsrcTable(max);
  }

  /** From master keys and salts (RFC 3711 §4.3 derives the session keys). */
  static fromMasterKeys(
    profile: SrtpProfileName,
    keys: { readonly local: SrtpMasterKeys; readonly remote: SrtpMasterKeys },
    options?: SrtpContextOptions,
  ): SrtpContext {
    const derive = (k: SrtpMasterKeys) => deriveSrtpSessionKeys(profile, k.masterKey, k.masterSalt);
    return new SrtpContext(profile, { local: derive(keys.local), remote: derive(keys.remote) }, options);
  }

  /** From the DTLS exporter's output (RFC 5764 §4.2) and our DTLS role. */
  static fromKeyingMaterial(
    profile: SrtpProfileName,
    material: Uint8Array,
    role: DtlsRole,
    options?: SrtpContextOptions,
  ): SrtpContext {
    return SrtpContext.fromMasterKeys(profile, splitKeyingMaterial(profile, material, role), options);
  }

  /**
   * RTP packet -> SRTP packet (RFC 3711 §3.3). The ROC is tracked per SSRC from the sequence numbers
   * given (a wrap from 65535 to 0 increments it). Throws `SrtpUsageError` if `rtp` is not an RTP packet
   * or the SSRC's 2^48 indices are used up (re-key before).
   */
  protect(rtp: Uint8Array): Uint8Array {
    const headerLength = rtpHeaderLength(rtp, rtp.length);
    if (typeof headerLength !== "number") throw usage(headerLength);
    const badPadding = checkRtpPadding(rtp, headerLength, rtp.length);
    if (badPadding !== undefined) throw usage(badPadding);
    const ssrc = rtpSsrc(rtp);
    const seq = rtpSequenceNumber(rtp);
    let stream = this.#rtpOut.get(ssrc);
    let index = seq;
    if (stream === undefined) {
      stream = { highestIndex: seq, cache: this.#outbound.createRtpStream(ssrc) };
      this.#rtpOut.add(ssrc, stream);
    } else {
      this.#rtpOut.use(ssrc, stream);
      index = Math.max(seq, estimateIndex(stream.highestIndex, seq));
      if (index >= SRTP_INDEX_LIMIT) {
        throw new SrtpUsageError("index-exhausted", `SSRC ${ssrc} has used all 2^48 SRTP indices: re-key`);
      }
      if (index > stream.highestIndex) stream.highestIndex = index;
    }
    const roc = Math.floor(index / 65536);
    return this.#outbound.protectRtp(rtp, headerLength, ssrc, roc, seq, stream.cache);
  }

  /** SRTP packet -> RTP packet (RFC 3711 §3.3), or why it was dropped (and counted). */
  unprotect(srtp: Uint8Array): Unprotected {
    const counters = this.counters.rtp;
    const transform = this.#inbound;
    const end = srtp.length - transform.srtpTagLength;
    if (end < RTP_FIXED_HEADER_LENGTH) return dropMalformed(counters, "truncated-trailer", srtp.length);
    const headerLength = rtpHeaderLength(srtp, end);
    if (typeof headerLength !== "number") return dropMalformed(counters, headerLength.code, headerLength.at);
    const ssrc = rtpSsrc(srtp);
    const seq = rtpSequenceNumber(srtp);
    const known = this.#rtpIn.get(ssrc);
    let index = seq;
    if (known !== undefined) {
      index = estimateIndex(known.highestIndex, seq);
      const seen = known.replay.check(index);
      if (seen !== "ok") {
        counters[seen === "duplicate" ? "replay" : "too-old"]++;
        return seen === "duplicate" ? REPLAY : TOO_OLD;
      }
    }
    // an unknown SSRC gets its transform cache now (decryption may use it) and the rest only once authentic
    const cache = known === undefined ? transform.createRtpStream(ssrc) : known.cache;
    const roc = Math.floor(index / 65536);
    const rtp = transform.unprotectRtp(srtp, headerLength, ssrc, roc >>> 0, seq, cache);
    if (rtp === undefined) {
      counters["auth-failed"]++;
      return AUTH_FAILED;
    }
    const badPadding = checkRtpPadding(rtp, headerLength, rtp.length);
    if (badPadding !== undefined) return dropMalformed(counters, badPadding.code, badPadding.at);
    // authenticated: now the state may move (RFC 3711 §3.3.1 "update ROC and s_l", §3.3.2)
    let stream = known;
    if (stream === undefined) {
      stream = { highestIndex: index, replay: new ReplayWindow(this.#replayWindowPackets), cache };
      this.#rtpIn.add(ssrc, stream);
    } else {
      this.#rtpIn.use(ssrc, stream);
      if (index > stream.highestIndex) stream.highestIndex = index;
    }
    stream.replay.accept(index);
    return { ok: true, value: rtp };
  }

  /**
   * RTCP compound packet -> SRTCP packet (RFC 3711 §3.4, RFC 7714 §9), with the next SRTCP index of the
   * sender SSRC. `encrypt: false` sends it authenticated only (E = 0). Throws `SrtpUsageError` if `rtcp`
   * is not RTCP or the SSRC's 2^31 SRTCP indices are used up.
   */
  protectRtcp(rtcp: Uint8Array, options?: { readonly encrypt?: boolean }): Uint8Array {
    const bad = checkRtcpHeader(rtcp, rtcp.length);
    if (bad !== undefined) throw usage(bad);
    const ssrc = rtcpSenderSsrc(rtcp);
    let stream = this.#rtcpOut.get(ssrc);
    if (stream === undefined) {
      stream = { nextIndex: 0 };
      this.#rtcpOut.add(ssrc, stream);
    } else {
      this.#rtcpOut.use(ssrc, stream);
    }
    const index = stream.nextIndex;
    if (index >= SRTCP_INDEX_LIMIT) {
      throw new SrtpUsageError("index-exhausted", `SSRC ${ssrc} has used all 2^31 SRTCP indices: re-key`);
    }
    stream.nextIndex = index + 1;
    return this.#outbound.protectRtcp(rtcp, ssrc, index, options?.encrypt ?? true);
  }

  /** SRTCP packet -> RTCP compound packet, or why it was dropped (and counted). */
  unprotectRtcp(srtcp: Uint8Array): Unprotected {
    const counters = this.counters.rtcp;
    const transform = this.#inbound;
    if (srtcp.length < RTCP_HEADER_LENGTH + transform.srtcpTrailerLength) {
      return dropMalformed(counters, "truncated-trailer", srtcp.length);
    }
    const bad = checkRtcpHeader(srtcp, srtcp.length);
    if (bad !== undefined) return dropMalformed(counters, bad.code, bad.at);
    const ssrc = rtcpSenderSsrc(srtcp);
    const at = transform.esrtcpOffset(srtcp.length);
    const word = ((srtcp[at]! << 24) | (srtcp[at + 1]! << 16) | (srtcp[at + 2]! << 8) | srtcp[at + 3]!) >>> 0;
    const encrypted = word >= 0x80000000;
    const index = word & 0x7fffffff;
    const known = this.#rtcpIn.get(ssrc);
    if (known !== undefined) {
      const seen = known.check(index);
      if (seen !== "ok") {
        counters[seen === "duplicate" ? "replay" : "too-old"]++;
        return seen === "duplicate" ? REPLAY : TOO_OLD;
      }
    }
    const rtcp = transform.unprotectRtcp(srtcp, ssrc, index, encrypted);
    if (rtcp === undefined) {
      counters["auth-failed"]++;
      return AUTH_FAILED;
    }
    const replay = known ?? new ReplayWindow(this.#replayWindowPackets);
    if (known === undefined) this.#rtcpIn.add(ssrc, replay);
    else this.#rtcpIn.use(ssrc, replay);
    replay.accept(index);
    return { ok: true, value: rtcp };
  }

  /** The ROC of an SSRC we receive from (after its last authenticated packet), for diagnostics and tests. */
  remoteRolloverCounter(ssrc: number): number | undefined {
    const s = this.#rtpIn.get(ssrc);
    return s === undefined ? undefined : Math.floor(s.highestIndex / 65536);
  }

  /** The ROC we use for an SSRC we send. */
  localRolloverCounter(ssrc: number): number | undefined {
    const s = this.#rtpOut.get(ssrc);
    return s === undefined ? undefined : Math.floor(s.highestIndex / 65536);
  }

  /** SSRCs remembered, per direction and protocol (bounded by `maxSsrcs`). */
  get ssrcCounts(): { rtpOut: number; rtpIn: number; rtcpOut: number; rtcpIn: number } {
    return {
      rtpOut: this.#rtpOut.size,
      rtpIn: this.#rtpIn.size,
      rtcpOut: this.#rtcpOut.size,
      rtcpIn: this.#rtcpIn.size,
    };
  }
}

function dropMalformed(counters: DropCounters, detail: SrtpMalformedCode, at: number): Unprotected {
  counters.malformed++;
  return { ok: false, error: { code: "malformed", at, detail } };
}

function usage(m: SrtpMalformed): SrtpUsageError {
  return new SrtpUsageError("malformed-input", `not an RTP/RTCP packet: ${m.code} at octet ${m.at}`);
}

import type { Logger } from "pino";
import type { RtoConfig } from "./rto-estimator.js";
import { SctpUsageError } from "./sctp-error.js";

export interface SctpAssociationOptions {
  /** Our SCTP port (RFC 8841 a=sctp-port). Default 5000. */
  readonly localPort?: number;
  /** The peer's SCTP port. Default 5000. */
  readonly remotePort?: number;
  /** Injected randomness: verification tags, initial TSNs, the cookie secret, heartbeat nonces. */
  readonly random: (n: number) => Uint8Array;
  /** Largest message we accept (our a=max-message-size); at most `receiveWindowBytes`. Default 262144. */
  readonly maxReceiveMessageSize?: number;
  /** The peer's a=max-message-size (0 in SDP means "no limit": pass Infinity or a cap). Default 65536. */
  readonly maxSendMessageSize?: number;
  /** Largest SCTP packet we emit (the DTLS record's plaintext). Default 1200. */
  readonly mtu?: number;
  /** Streams we accept (MIS in our INIT). Default 65535. */
  readonly maxInboundStreams?: number;
  /** Streams we ask for (OS in our INIT). Default 65535. */
  readonly maxOutboundStreams?: number;
  /**
   * a_rwnd: receive memory for reassembly and for messages not yet taken with `pollEvent`. Default
   * 1 MiB: four times the default max message (so a message never waits for the window), and enough
   * for 20 MB/s at a 50 ms RTT; what a peer can make us hold stays near it (see `reassemblyLimitBytes`).
   */
  readonly receiveWindowBytes?: number;
  /**
   * Receive memory above which the association aborts with `reassembly-overflow` (a peer that ignores
   * our window). Default 2 × receiveWindowBytes + maxReceiveMessageSize.
   */
  readonly reassemblyLimitBytes?: number;
  /** Bytes queued and in flight, all streams together (Chromium's limit too). Default 16 MiB. */
  readonly sendBufferBytes?: number;
  /** Announce I-DATA (RFC 8260) in Supported Extensions. Default true. */
  readonly announceIData?: boolean;
  /** Announce and use zero checksums over DTLS (RFC 9653, method 1). Default true. */
  readonly zeroChecksum?: boolean;
  /** State Cookie lifespan (RFC 9260 §15 Valid.Cookie.Life). Default 60000. */
  readonly cookieLifetimeMs?: number;
  /** RTO bounds (RFC 9260 §6.3.1). Defaults 1000 / 200 / 60000 ms. */
  readonly rtoInitialMs?: number;
  readonly rtoMinMs?: number;
  readonly rtoMaxMs?: number;
  /** Association.Max.Retrans (RFC 9260 §8.1). Default 10. */
  readonly maxRetransmissions?: number;
  /** Max.Init.Retransmits (RFC 9260 §5.1). Default 8. */
  readonly maxInitRetransmits?: number;
  /** HB.interval (RFC 9260 §8.3). Default 30000. */
  readonly heartbeatIntervalMs?: number;
  /** Longest SACK delay (RFC 9260 §6.2: at most 500 ms, 200 ms recommended). Default 200. */
  readonly delayedAckMs?: number;
  /** Silent unless given. */
  readonly logger?: Logger;
}

/** Options with defaults applied and checked. */
export interface ResolvedOptions {
  readonly localPort: number;
  readonly remotePort: number;
  readonly random: (n: number) => Uint8Array;
  readonly maxReceiveMessageSize: number;
  readonly maxSendMessageSize: number;
  readonly mtu: number;
  readonly maxInboundStreams: number;
  readonly maxOutboundStreams: number;
  readonly receiveWindowBytes: number;
  readonly reassemblyLimitBytes: number;
  readonly sendBufferBytes: number;
  readonly announceIData: boolean;
  readonly zeroChecksum: boolean;
  readonly cookieLifetimeMs: number;
  readonly rto: RtoConfig;
  readonly maxRetransmissions: number;
  readonly maxInitRetransmits: number;
  readonly heartbeatIntervalMs: number;
  readonly delayedAckMs: number;
  readonly logger: Logger | undefined;
}

function int(name: string, v: number | undefined, def: number, min: number, max: number): number {
  const x = v ?? def;
  if (!(Number.isInteger(x) && x >= min && x <= max)) {
    throw new SctpUsageError("invalid-argument", `${name} must be an integer in [${min}, ${max}], got ${x}`);
  }
  return x;
}

function positive(name: string, v: number | undefined, def: number): number {
  const x = v ?? def;
  if (!(x > 0)) throw new SctpUsageError("invalid-argument", `${name} must be positive, got ${x}`);
  return x;
}

export function resolveOptions(o: SctpAssociationOptions): ResolvedOptions {
  if (typeof o.random !== "function") throw new SctpUsageError("invalid-argument", "random is required");
  const maxReceiveMessageSize = int("maxReceiveMessageSize", o.maxReceiveMessageSize, 262144, 1, 2 ** 31);
  const receiveWindowBytes = int("receiveWindowBytes", o.receiveWindowBytes, 1 << 20, 1500, 2 ** 31);
  if (receiveWindowBytes < maxReceiveMessageSize) {
    // A message larger than the window could only come in one zero-window probe per round trip.
    throw new SctpUsageError(
      "invalid-argument",
      `receiveWindowBytes (${receiveWindowBytes}) must be at least maxReceiveMessageSize (${maxReceiveMessageSize})`,
    );
  }
  const sendBufferBytes = int("sendBufferBytes", o.sendBufferBytes, 16 << 20, 1, 2 ** 40);
  const maxSend = o.maxSendMessageSize ?? 65536;
  if (!(maxSend === Number.POSITIVE_INFINITY || (Number.isInteger(maxSend) && maxSend > 0))) {
    throw new SctpUsageError("invalid-argument", `maxSendMessageSize must be a positive integer or Infinity`);
  }
  const rto: RtoConfig = {
    initialMs: positive("rtoInitialMs", o.rtoInitialMs, 1000),
    minMs: positive("rtoMinMs", o.rtoMinMs, 200),
    maxMs: positive("rtoMaxMs", o.rtoMaxMs, 60_000),
  };
  if (rto.minMs > rto.maxMs) throw new SctpUsageError("invalid-argument", "rtoMinMs is above rtoMaxMs");
  return {
    localPort: int("localPort", o.localPort, 5000, 0, 0xffff),
    remotePort: int("remotePort", o.remotePort, 5000, 0, 0xffff),
    random: o.random,
    maxReceiveMessageSize,
    maxSendMessageSize: Math.min(maxSend, sendBufferBytes),
    // 12-byte common header + 20-byte I-DATA header + at least 4 bytes of data; DTLS caps it at 2^14.
    mtu: int("mtu", o.mtu, 1200, 64, 16384),
    maxInboundStreams: int("maxInboundStreams", o.maxInboundStreams, 65535, 1, 65535),
    maxOutboundStreams: int("maxOutboundStreams", o.maxOutboundStreams, 65535, 1, 65535),
    receiveWindowBytes,
    reassemblyLimitBytes: int(
      "reassemblyLimitBytes",
      o.reassemblyLimitBytes,
      2 * receiveWindowBytes + maxReceiveMessageSize,
      receiveWindowBytes,
      2 ** 40,
    ),
    sendBufferBytes,
    announceIData: o.announceIData ?? true,
    zeroChecksum: o.zeroChecksum ?? true,
    cookieLifetimeMs: int("cookieLifetimeMs", o.cookieLifetimeMs, 60_000, 1, 0xffffffff),
    rto,
    maxRetransmissions: int("maxRetransmissions", o.maxRetransmissions, 10, 0, 1000),
    maxInitRetransmits: int("maxInitRetransmits", o.maxInitRetransmits, 8, 0, 1000),
    heartbeatIntervalMs: positive("heartbeatIntervalMs", o.heartbeatIntervalMs, 30_000),
    delayedAckMs: positive("delayedAckMs", o.delayedAckMs, 200),
    logger: o.logger,
  };
}

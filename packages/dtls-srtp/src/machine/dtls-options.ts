import type { DtlsCertificate } from "../crypto/certificate.js";
import { ECDHE_GROUP_CODES, type EcdheGroup } from "../crypto/ecdhe.js";
import type { CertificateFingerprint } from "../crypto/fingerprint.js";
import { type RandomSource, secureRandom } from "../crypto/random.js";
import {
  CIPHER_SUITES,
  type CipherSuiteInfo,
  type CipherSuiteName,
  cipherSuiteByName,
} from "../wire/cipher-suite.js";
import { srtpKeyingMaterialLength } from "../wire/extensions/use-srtp.js";
import { UsageError } from "./dtls-error.js";

export interface DtlsOptions {
  readonly role: "client" | "server";
  /** Our certificate (required for a server; a client without one answers a CertificateRequest empty). */
  readonly certificate?: DtlsCertificate;
  /**
   * Cipher suites in preference order. Default: ECDHE_ECDSA AES_128_GCM_SHA256, AES_256_GCM_SHA384,
   * CHACHA20_POLY1305_SHA256, then the ECDHE_RSA variants. A server uses those its key can sign for.
   */
  readonly cipherSuites?: readonly CipherSuiteName[];
  /** ECDHE groups in preference order; default x25519, secp256r1, secp384r1. */
  readonly namedGroups?: readonly EcdheGroup[];
  /** DTLS-SRTP protection profiles in preference order (RFC 5764); empty or absent: no use_srtp. */
  readonly srtpProfiles?: readonly number[];
  /**
   * use_srtp is offered (client) or accepted (server) as usual, but a peer that does not negotiate it does
   * not fail the handshake: it completes without an SRTP profile (a WebRTC session with only a data
   * channel, RFC 8261). Default false: with `srtpProfiles`, SRTP is required.
   */
  readonly srtpOptional?: boolean;
  /** The peer's certificate must match one of these (SDP a=fingerprint); absent: any certificate. */
  readonly remoteFingerprints?: readonly CertificateFingerprint[];
  /** Server: send a CertificateRequest (mutual auth). Default: true when remoteFingerprints is set. */
  readonly requestClientCertificate?: boolean;
  /** Abort unless RFC 7627 extended master secret is negotiated. Default true. */
  readonly requireExtendedMasterSecret?: boolean;
  /**
   * Server: answer a ClientHello without a valid cookie with a HelloVerifyRequest (RFC 6347 §4.2.1).
   * Default true (standalone server); WebRTC turns it off (ICE already proved the address).
   */
  readonly helloVerifyRequest?: boolean;
  /** HMAC key of the stateless cookie; share it between the endpoints of one server. Default random(32). */
  readonly cookieSecret?: Uint8Array;
  /** Bytes identifying the peer (its address) bound into the cookie. */
  readonly cookieContext?: Uint8Array;
  /** Largest datagram we send, default 1200 (min 256). */
  readonly mtu?: number;
  /** First retransmission timeout, default 1000 ms (RFC 6347 §4.2.4.1); at least 50 ms. */
  readonly initialRetransmitMs?: number;
  /** Cap of the doubling timer, default 60 000 ms. */
  readonly maxRetransmitMs?: number;
  /** Resends of one flight before giving up (handshake-timeout), default 7. */
  readonly maxRetransmissions?: number;
  /** Randomness (client/server randoms, ECDHE keys, cookie secret). Default: the OS CSPRNG. */
  readonly random?: RandomSource;
  /** Receives one NSS key log line per handshake: `CLIENT_RANDOM <client_random> <master_secret>`. */
  readonly keyLog?: (line: string) => void;
}

export interface ResolvedOptions {
  readonly role: "client" | "server";
  readonly certificate: DtlsCertificate | undefined;
  readonly cipherSuites: readonly CipherSuiteInfo[];
  readonly namedGroups: readonly EcdheGroup[];
  readonly srtpProfiles: readonly number[];
  readonly srtpOptional: boolean;
  readonly remoteFingerprints: readonly CertificateFingerprint[] | undefined;
  readonly requestClientCertificate: boolean;
  readonly requireExtendedMasterSecret: boolean;
  readonly helloVerifyRequest: boolean;
  readonly cookieSecret: Uint8Array;
  readonly cookieContext: Uint8Array;
  readonly mtu: number;
  readonly initialRetransmitMs: number;
  readonly maxRetransmitMs: number;
  readonly maxRetransmissions: number;
  readonly random: RandomSource;
  readonly keyLog: ((line: string) => void) | undefined;
}

/** The default cookie context, shared (it is only read). */
const NO_COOKIE_CONTEXT = new Uint8Array(0);

export function resolveOptions(o: DtlsOptions): ResolvedOptions {
  if (o.role !== "client" && o.role !== "server") throw new UsageError(`role must be client or server`);
  if (o.role === "server" && o.certificate === undefined)
    throw new UsageError("a DTLS server needs a certificate");
  const suites = (o.cipherSuites ?? CIPHER_SUITES.map((s) => s.name)).map((name) => {
    const s = cipherSuiteByName(name);
    if (s === undefined) throw new UsageError(`unknown cipher suite ${name}`);
    return s;
  });
  const usable = o.role === "server" ? suites.filter((s) => s.auth === o.certificate?.keyType) : suites;
  if (usable.length === 0) throw new UsageError("no cipher suite fits the certificate's key type");
  const namedGroups = o.namedGroups ?? ["x25519", "secp256r1", "secp384r1"];
  for (const g of namedGroups) {
    if (ECDHE_GROUP_CODES[g] === undefined) throw new UsageError(`unknown named group ${g}`);
  }
  if (namedGroups.length === 0) throw new UsageError("namedGroups is empty");
  const srtpProfiles = o.srtpProfiles ?? [];
  for (const p of srtpProfiles) {
    if (srtpKeyingMaterialLength(p) === undefined) throw new UsageError(`unknown SRTP profile ${p}`);
  }
  const mtu = o.mtu ?? 1200;
  if (!(mtu >= 256 && mtu <= 65507)) throw new UsageError(`mtu ${mtu} out of range 256..65507`);
  const initialRetransmitMs = o.initialRetransmitMs ?? 1000;
  if (!(initialRetransmitMs >= 50)) throw new UsageError("initialRetransmitMs must be at least 50");
  const maxRetransmitMs = Math.max(o.maxRetransmitMs ?? 60_000, initialRetransmitMs);
  const random = o.random ?? secureRandom;
  return {
    role: o.role,
    certificate: o.certificate,
    cipherSuites: usable,
    namedGroups,
    srtpProfiles,
    srtpOptional: o.srtpOptional ?? false,
    remoteFingerprints: o.remoteFingerprints,
    requestClientCertificate: o.requestClientCertificate ?? o.remoteFingerprints !== undefined,
    requireExtendedMasterSecret: o.requireExtendedMasterSecret ?? true,
    helloVerifyRequest: o.helloVerifyRequest ?? true,
    cookieSecret: o.cookieSecret ?? random(32),
    cookieContext: o.cookieContext ?? NO_COOKIE_CONTEXT,
    mtu,
    initialRetransmitMs,
    maxRetransmitMs,
    maxRetransmissions: o.maxRetransmissions ?? 7,
    random,
    keyLog: o.keyLog,
  };
}

import type { DtlsCertificate } from "../crypto/certificate.js";
import { ECDHE_GROUP_CODES, type EcdheGroup } from "../crypto/ecdhe.js";
import type { CertificateFingerprint } from "../crypto/fingerprint.js";
import { KEY_EXCHANGE_GROUP_CODES, type KeyExchangeGroup } from "../crypto/key-exchange.js";
import { type RandomSource, secureRandom } from "../crypto/random.js";
import {
  CIPHER_SUITES,
  type CipherSuiteInfo,
  type CipherSuiteName,
  cipherSuiteByName,
} from "../wire/cipher-suite.js";
import { srtpKeyingMaterialLength } from "../wire/extensions/use-srtp.js";
import {
  TLS13_CIPHER_SUITES,
  type Tls13CipherSuiteInfo,
  type Tls13CipherSuiteName,
  tls13CipherSuiteByName,
} from "../wire/tls13-cipher-suite.js";
import { UsageError } from "./dtls-error.js";
import type { DtlsVersion } from "./version-negotiation.js";

export interface DtlsOptions {
  readonly role: "client" | "server";
  /**
   * The DTLS versions to speak, in preference order: ["1.3", "1.2"] (default: 1.3 when the peer offers it,
   * 1.2 otherwise), ["1.2"] or ["1.3"]. A ClientHello offering none of them gets protocol_version.
   */
  readonly versions?: readonly DtlsVersion[];
  /** Our certificate (required for a server; a client without one answers a CertificateRequest empty). */
  readonly certificate?: DtlsCertificate;
  /**
   * Cipher suites in preference order. Default: ECDHE_ECDSA AES_128_GCM_SHA256, AES_256_GCM_SHA384,
   * CHACHA20_POLY1305_SHA256, then the ECDHE_RSA variants. A server uses those its key can sign for.
   */
  readonly cipherSuites?: readonly CipherSuiteName[];
  /**
   * DTLS 1.3 cipher suites in preference order; default TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384,
   * TLS_CHACHA20_POLY1305_SHA256.
   */
  readonly tls13CipherSuites?: readonly Tls13CipherSuiteName[];
  /**
   * Key exchange groups in preference order; default X25519MLKEM768, x25519, secp256r1, secp384r1. DTLS 1.2
   * uses the ECDHE ones; a DTLS 1.3 client sends key shares for the first group and, when that is the
   * hybrid, for x25519 too (what browsers do).
   */
  readonly namedGroups?: readonly KeyExchangeGroup[];
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
  readonly versions: readonly DtlsVersion[];
  readonly tls13CipherSuites: readonly Tls13CipherSuiteInfo[];
  /** Every group, for DTLS 1.3. */
  readonly groups13: readonly KeyExchangeGroup[];
  readonly certificate: DtlsCertificate | undefined;
  readonly cipherSuites: readonly CipherSuiteInfo[];
  /** The ECDHE groups, for DTLS 1.2. */
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
  const versions = o.versions ?? ["1.3", "1.2"];
  if (versions.length === 0 || versions.some((v) => v !== "1.2" && v !== "1.3"))
    throw new UsageError(`versions must be a non-empty list of "1.3" and "1.2"`);
  const groups13 = o.namedGroups ?? ["X25519MLKEM768", "x25519", "secp256r1", "secp384r1"];
  for (const g of groups13) {
    if (KEY_EXCHANGE_GROUP_CODES[g] === undefined) throw new UsageError(`unknown named group ${g}`);
  }
  if (groups13.length === 0) throw new UsageError("namedGroups is empty");
  const namedGroups = groups13.filter((g): g is EcdheGroup => g in ECDHE_GROUP_CODES);
  if (versions.includes("1.2") && namedGroups.length === 0)
    throw new UsageError("DTLS 1.2 needs an ECDHE group (x25519, secp256r1 or secp384r1)");
  const tls13CipherSuites = (o.tls13CipherSuites ?? TLS13_CIPHER_SUITES.map((s) => s.name)).map((name) => {
    const s = tls13CipherSuiteByName(name);
    if (s === undefined) throw new UsageError(`unknown DTLS 1.3 cipher suite ${name}`);
    return s;
  });
  if (tls13CipherSuites.length === 0) throw new UsageError("tls13CipherSuites is empty");
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
    versions,
    tls13CipherSuites,
    groups13,
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

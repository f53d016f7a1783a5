import {
  type CertificateFingerprint,
  certificateFingerprint,
  type DtlsCertificate,
  generateCertificate,
} from "@tern/dtls-srtp";
import { type IceCredentials, secureRandomU32 } from "@tern/ice";
import type { LocalTransport } from "../sdp/index.js";
import { domError } from "./peer-connection-types.js";

/**
 * The parameters of our local descriptions (RFC 8829 §5.2–5.3: what createOffer/createAnswer put in),
 * from the connection's state, as pure functions.
 */

let sharedCertificate: Promise<DtlsCertificate> | undefined;

/**
 * The certificate of connections that bring none: one self-signed ECDSA P-256 certificate per process,
 * made on first use (as libdatachannel does), so a connection's set-up does not pay for key generation and
 * signing. Its fingerprint identifies this process to every peer; pass `certificates` for one per connection.
 */
export function processCertificate(): Promise<DtlsCertificate> {
  sharedCertificate ??= generateCertificate();
  return sharedCertificate;
}

/** A random SSRC (never 0). */
export function randomSsrc(): number {
  return secureRandomU32() || 1;
}

export function localTransport(
  credentials: IceCredentials,
  cert: DtlsCertificate,
  candidates: readonly string[],
  endOfCandidates: boolean,
): LocalTransport {
  const fp = fingerprintOf(cert);
  return {
    iceUfrag: credentials.ufrag,
    icePwd: credentials.pwd,
    fingerprints: [fp],
    candidates,
    endOfCandidates,
  };
}

export function fingerprintOf(cert: DtlsCertificate): CertificateFingerprint {
  const leaf = cert.chain[0];
  if (!leaf) throw domError("InvalidStateError", "certificate without a leaf");
  return certificateFingerprint(leaf, "sha-256");
}

import {
  type CertificateFingerprint,
  certificateFingerprint,
  type DtlsCertificate,
  generateCertificate,
} from "@tern/dtls-srtp";
import { type IceCredentials, secureRandomU32 } from "@tern/ice";
import type { LocalTransceiver, LocalTransport, SessionDescription } from "../sdp/index.js";
import { domError, type Transceiver } from "./peer-connection-types.js";

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

export function localSender(t: Transceiver, cname: string) {
  return {
    ssrc: t.sender.ssrc,
    rtxSsrc: t.sender.rtxSsrc,
    cname,
    streamIds: [cname],
    trackId: t.sender.track?.id ?? t.mid,
  };
}

export function localTransceiver(t: Transceiver, cname: string): LocalTransceiver {
  return {
    mid: t.mid,
    kind: t.kind,
    direction: t.direction,
    ...(t.sender.track ? { sender: localSender(t, cname) } : {}),
    stopped: t.stopped,
  };
}

/** The mid whose m= section carries the transport: the first of the BUNDLE group we take part in. */
export function transportMid(desc: SessionDescription): string | undefined {
  const group = desc.groups.find((g) => g.semantics === "BUNDLE");
  for (const mid of group?.mids ?? []) {
    const s = desc.media.find((m) => m.mid === mid);
    if (s && s.port !== 0) return mid;
  }
  return undefined;
}

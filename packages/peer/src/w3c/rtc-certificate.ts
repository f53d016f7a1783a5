import {
  certificateFingerprint,
  type DtlsCertificate,
  generateCertificate as generateDtlsCertificate,
} from "@tern/dtls-srtp";

/** W3C webrtc-pc §4.9.2 RTCDtlsFingerprint. */
export interface RTCDtlsFingerprint {
  readonly algorithm: string;
  readonly value: string;
}

/** W3C webrtc-pc §4.9 RTCCertificate: a DTLS certificate and its private key, for `certificates`. */
export class RTCCertificate {
  /** @internal */
  readonly dtls: DtlsCertificate;
  /** When it expires, ms since the epoch. */
  readonly expires: number;

  /** @internal use RTCPeerConnection.generateCertificate */
  constructor(dtls: DtlsCertificate, expires: number) {
    this.dtls = dtls;
    this.expires = expires;
  }

  getFingerprints(): RTCDtlsFingerprint[] {
    const leaf = this.dtls.chain[0];
    if (!leaf) return [];
    const fp = certificateFingerprint(leaf, "sha-256");
    return [{ algorithm: fp.algorithm, value: fp.value.toLowerCase() }];
  }
}

type KeygenAlgorithm =
  | string
  | { readonly name: string; readonly namedCurve?: string; readonly expires?: number };

const DAY_MS = 86_400_000;

/**
 * W3C webrtc-pc §4.9.1 generateCertificate: ECDSA P-256 (what browsers use by default); other algorithms
 * are a NotSupportedError. `expires` (ms) sets the validity, default 30 days.
 */
export async function generateCertificate(keygenAlgorithm: KeygenAlgorithm): Promise<RTCCertificate> {
  const alg = typeof keygenAlgorithm === "string" ? { name: keygenAlgorithm } : keygenAlgorithm;
  if (alg.name.toUpperCase() !== "ECDSA" || (alg.namedCurve !== undefined && alg.namedCurve !== "P-256"))
    throw new DOMException(
      `${alg.name} ${alg.namedCurve ?? ""}: only ECDSA P-256 is supported`,
      "NotSupportedError",
    );
  const expiresMs =
    typeof keygenAlgorithm === "object" && keygenAlgorithm.expires !== undefined
      ? keygenAlgorithm.expires
      : 30 * DAY_MS;
  const dtls = await generateDtlsCertificate({ validityDays: Math.max(1, Math.ceil(expiresMs / DAY_MS)) });
  return new RTCCertificate(dtls, Date.now() + expiresMs);
}

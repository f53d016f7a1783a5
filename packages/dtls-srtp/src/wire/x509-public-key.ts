/**
 * The subject public key of an X.509 certificate (RFC 5280 §4.1), found by walking the DER (ITU-T X.690)
 * down to `tbsCertificate.subjectPublicKeyInfo` — and, for an elliptic-curve key (RFC 5480 §2), its curve
 * and uncompressed point. Nothing else in the certificate is read: WebRTC authenticates a DTLS peer by the
 * fingerprint of the whole DER (RFC 8122 §5), and the key only verifies its handshake signature.
 *
 * Why not `new X509Certificate(der).publicKey`: in node 20 / OpenSSL 3 that costs ~135 µs per certificate
 * (the generic OSSL_DECODER path), a JWK import of the same EC point ~65 µs; a handshake does this once per
 * side. Other key types (RSA) are left to X509Certificate.
 */
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";

export type X509KeyErrorCode = "truncated" | "bad-tag" | "bad-length" | "not-ec" | "unsupported-curve";

export type EcCurve = "P-256" | "P-384";

/** An EC public key as its curve and the affine coordinates of its point. */
export interface EcPublicKey {
  readonly curve: EcCurve;
  readonly x: Uint8Array;
  readonly y: Uint8Array;
}

const SEQUENCE = 0x30;
const CONTEXT_0 = 0xa0;
const OID = 0x06;
const BIT_STRING = 0x03;
/** 1.2.840.10045.2.1 id-ecPublicKey (RFC 5480 §2.1.1) */
const ID_EC_PUBLIC_KEY = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/** RFC 5480 §2.1.1.1: secp256r1 1.2.840.10045.3.1.7, secp384r1 1.3.132.0.34 */
const CURVES: readonly { readonly oid: readonly number[]; readonly curve: EcCurve; readonly size: number }[] =
  [
    { oid: [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07], curve: "P-256", size: 32 },
    { oid: [0x2b, 0x81, 0x04, 0x00, 0x22], curve: "P-384", size: 48 },
  ];

interface Tlv {
  readonly tag: number;
  /** offset of the contents */
  readonly start: number;
  /** offset just past the contents */
  readonly end: number;
}

/** One DER TLV at `at`, inside `[at, limit)`; definite lengths of at most 3 bytes (16 MiB). */
function tlv(b: Uint8Array, at: number, limit: number): Decoded<Tlv, X509KeyErrorCode> {
  if (at + 2 > limit) return decodeFail("truncated", at);
  const tag = b[at] ?? 0;
  let len = b[at + 1] ?? 0;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3) return decodeFail("bad-length", at + 1);
    if (start + n > limit) return decodeFail("truncated", at + 1);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[start + i] ?? 0);
    start += n;
  }
  if (start + len > limit) return decodeFail("truncated", at);
  return decodeOk({ tag, start, end: start + len });
}

function expect(b: Uint8Array, at: number, limit: number, tag: number): Decoded<Tlv, X509KeyErrorCode> {
  const r = tlv(b, at, limit);
  if (r.ok && r.value.tag !== tag) return decodeFail("bad-tag", at);
  return r;
}

function equals(b: Uint8Array, t: Tlv, bytes: readonly number[]): boolean {
  if (t.end - t.start !== bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (b[t.start + i] !== bytes[i]) return false;
  return true;
}

/** The DER of `subjectPublicKeyInfo` inside a certificate, as a view. */
export function decodeSubjectPublicKeyInfo(der: Uint8Array): Decoded<Uint8Array, X509KeyErrorCode> {
  const cert = expect(der, 0, der.length, SEQUENCE);
  if (!cert.ok) return cert;
  const tbs = expect(der, cert.value.start, cert.value.end, SEQUENCE);
  if (!tbs.ok) return tbs;
  let at = tbs.value.start;
  const end = tbs.value.end;
  const first = tlv(der, at, end);
  if (!first.ok) return first;
  if (first.value.tag === CONTEXT_0) at = first.value.end; // version [0] EXPLICIT, absent for v1
  // serialNumber, signature, issuer, validity, subject
  for (let i = 0; i < 5; i++) {
    const field = tlv(der, at, end);
    if (!field.ok) return field;
    at = field.value.end;
  }
  const spki = expect(der, at, end, SEQUENCE);
  if (!spki.ok) return spki;
  return decodeOk(der.subarray(at, spki.value.end));
}

/** The certificate's EC public key: curve and point (RFC 5480 §2.2, uncompressed form only). */
export function decodeEcPublicKey(der: Uint8Array): Decoded<EcPublicKey, X509KeyErrorCode> {
  const found = decodeSubjectPublicKeyInfo(der);
  if (!found.ok) return found;
  const b = found.value;
  const spki = expect(b, 0, b.length, SEQUENCE);
  if (!spki.ok) return spki;
  const algorithm = expect(b, spki.value.start, spki.value.end, SEQUENCE);
  if (!algorithm.ok) return algorithm;
  const algorithmOid = expect(b, algorithm.value.start, algorithm.value.end, OID);
  if (!algorithmOid.ok) return algorithmOid;
  if (!equals(b, algorithmOid.value, ID_EC_PUBLIC_KEY)) return decodeFail("not-ec", algorithmOid.value.start);
  const curveOid = expect(b, algorithmOid.value.end, algorithm.value.end, OID);
  if (!curveOid.ok) return curveOid;
  const curve = CURVES.find((c) => equals(b, curveOid.value, c.oid));
  if (!curve) return decodeFail("unsupported-curve", curveOid.value.start);
  const bits = expect(b, algorithm.value.end, spki.value.end, BIT_STRING);
  if (!bits.ok) return bits;
  const { start, end } = bits.value;
  // BIT STRING: 0 unused bits, then 0x04 || X || Y
  if (end - start !== 2 + 2 * curve.size || b[start] !== 0 || b[start + 1] !== 0x04) {
    return decodeFail("unsupported-curve", start);
  }
  const x = b.subarray(start + 2, start + 2 + curve.size);
  const y = b.subarray(start + 2 + curve.size, end);
  return decodeOk({ curve: curve.curve, x, y });
}

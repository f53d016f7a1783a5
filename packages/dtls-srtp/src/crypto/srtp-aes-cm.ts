import { timingSafeEqual } from "node:crypto";
import { AesCmKeystream, AesCmKeystreamWindow, wordsOf } from "./srtp-aes-cm-keystream.js";
import { HmacSha1 } from "./srtp-hmac-sha1.js";
import type { SrtpDerivedKeys } from "./srtp-key-derivation.js";
import { sharedOutputSlab, xorInto } from "./srtp-output-slab.js";
import type { SrtpTransform } from "./srtp-transform.js";

const HMAC_AT = HmacSha1.MESSAGE_OFFSET;

/**
 * Where `unprotect*` computes the tag to compare with the received one, shared by every transform (the
 * compare follows the computation synchronously), with one view per tag length in use.
 */
const EXPECTED_TAG = new Uint8Array(20);
const expectedTagViews: (Uint8Array | undefined)[] = [];
function expectedTag(length: number): Uint8Array {
  let view = expectedTagViews[length];
  if (view === undefined) {
    view = EXPECTED_TAG.subarray(0, length);
    expectedTagViews[length] = view;
  }
  return view;
}

/**
 * AES_CM_128 encryption (RFC 3711 §4.1.1) with HMAC-SHA1 authentication (§4.2.1), for SRTP (§3.3: the tag
 * covers header || encrypted payload || ROC) and SRTCP (§3.4: the tag covers header || encrypted part ||
 * E||SRTCP index; the trailer is E||index then tag). Used by SRTP_AES128_CM_HMAC_SHA1_80 and _32.
 */
export class AesCmTransform implements SrtpTransform<AesCmKeystreamWindow> {
  readonly srtpTagLength: number;
  readonly srtcpTrailerLength: number;
  readonly #srtcpTagLength: number;
  readonly #rtpKeystream: AesCmKeystream;
  readonly #rtcpKeystream: AesCmKeystream;
  readonly #rtpMac: HmacSha1;
  readonly #rtcpMac: HmacSha1;
  readonly #slab = sharedOutputSlab();

  constructor(keys: SrtpDerivedKeys, srtpTagLength: number, srtcpTagLength: number) {
    this.srtpTagLength = srtpTagLength;
    this.#srtcpTagLength = srtcpTagLength;
    this.srtcpTrailerLength = 4 + srtcpTagLength;
    // one buffer for the four keys' material: HMAC pads for SRTP and SRTCP, then the two AES keys
    const pads = HmacSha1.PADS_LENGTH;
    const material = new Uint8Array(2 * pads + 2 * 16);
    this.#rtpMac = new HmacSha1(keys.srtp.authKey, material, 0);
    this.#rtcpMac = new HmacSha1(keys.srtcp.authKey, material, pads);
    this.#rtpKeystream = new AesCmKeystream(keys.srtp.cipherKey, keys.srtp.cipherSalt, material, 2 * pads);
    this.#rtcpKeystream = new AesCmKeystream(
      keys.srtcp.cipherKey,
      keys.srtcp.cipherSalt,
      material,
      2 * pads + 16,
    );
  }

  createRtpStream(ssrc: number): AesCmKeystreamWindow {
    return new AesCmKeystreamWindow(this.#rtpKeystream, ssrc);
  }

  protectRtp(
    rtp: Uint8Array,
    headerLength: number,
    _ssrc: number,
    roc: number,
    seq: number,
    stream: AesCmKeystreamWindow,
  ): Uint8Array {
    const length = rtp.length;
    const out = this.#slab.alloc(length + this.srtpTagLength);
    out.set(rtp);
    this.#xorPayload(out, headerLength, length, stream, roc * 65536 + seq);
    // tag over header || ciphertext || ROC
    const scratch = this.#rtpMac.reserve(length + 4);
    scratch.set(out.subarray(0, length), HMAC_AT);
    writeUint32(scratch, HMAC_AT + length, roc);
    this.#rtpMac.sign(length + 4, out, length, this.srtpTagLength);
    return out;
  }

  unprotectRtp(
    srtp: Uint8Array,
    headerLength: number,
    _ssrc: number,
    roc: number,
    seq: number,
    stream: AesCmKeystreamWindow,
  ): Uint8Array | undefined {
    const end = srtp.length - this.srtpTagLength;
    const scratch = this.#rtpMac.reserve(end + 4);
    scratch.set(srtp.subarray(0, end), HMAC_AT);
    writeUint32(scratch, HMAC_AT + end, roc);
    this.#rtpMac.sign(end + 4, EXPECTED_TAG, 0, this.srtpTagLength);
    if (!timingSafeEqual(expectedTag(this.srtpTagLength), srtp.subarray(end))) return undefined;
    const out = this.#slab.alloc(end);
    out.set(scratch.subarray(HMAC_AT, HMAC_AT + end));
    this.#xorPayload(out, headerLength, end, stream, roc * 65536 + seq);
    return out;
  }

  #xorPayload(out: Uint8Array, from: number, to: number, window: AesCmKeystreamWindow, index: number): void {
    const length = to - from;
    if (length <= 0) return;
    const at = window.locate(index, length);
    const slab = this.#slab;
    xorInto(
      out,
      slab.coversWords(out) ? slab.words : undefined,
      from,
      window.bytes,
      window.words,
      at,
      length,
    );
  }

  protectRtcp(rtcp: Uint8Array, ssrc: number, index: number, encrypt: boolean): Uint8Array {
    const length = rtcp.length;
    const out = this.#slab.alloc(length + this.srtcpTrailerLength);
    out.set(rtcp);
    if (encrypt) this.#xorRtcp(out, length, ssrc, index);
    writeUint32(out, length, ((encrypt ? 0x80000000 : 0) | index) >>> 0);
    const scratch = this.#rtcpMac.reserve(length + 4);
    scratch.set(out.subarray(0, length + 4), HMAC_AT);
    this.#rtcpMac.sign(length + 4, out, length + 4, this.#srtcpTagLength);
    return out;
  }

  esrtcpOffset(length: number): number {
    return length - this.srtcpTrailerLength;
  }

  unprotectRtcp(srtcp: Uint8Array, ssrc: number, index: number, encrypted: boolean): Uint8Array | undefined {
    const authEnd = srtcp.length - this.#srtcpTagLength;
    const scratch = this.#rtcpMac.reserve(authEnd);
    scratch.set(srtcp.subarray(0, authEnd), HMAC_AT);
    this.#rtcpMac.sign(authEnd, EXPECTED_TAG, 0, this.#srtcpTagLength);
    if (!timingSafeEqual(expectedTag(this.#srtcpTagLength), srtcp.subarray(authEnd))) return undefined;
    const end = authEnd - 4;
    const out = this.#slab.alloc(end);
    out.set(srtcp.subarray(0, end));
    if (encrypted) this.#xorRtcp(out, end, ssrc, index);
    return out;
  }

  /** Encrypts or decrypts octets [8, end) of an RTCP packet (RFC 3711 §3.4: all but the first header). */
  #xorRtcp(out: Uint8Array, end: number, ssrc: number, index: number): void {
    const length = end - 8;
    if (length <= 0) return;
    const keystream = this.#rtcpKeystream.generate(ssrc, index, 1, (length + 15) & ~15);
    const slab = this.#slab;
    xorInto(out, slab.coversWords(out) ? slab.words : undefined, 8, keystream, wordsOf(keystream), 0, length);
  }
}

function writeUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = value >>> 16;
  out[at + 2] = value >>> 8;
  out[at + 3] = value;
}

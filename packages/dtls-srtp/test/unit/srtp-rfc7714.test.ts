import { describe, expect, it } from "vitest";
import { AesGcmTransform } from "../../src/crypto/srtp-aes-gcm.js";
import type { SrtpDerivedKeys } from "../../src/crypto/srtp-key-derivation.js";
import { SrtpContext } from "../../src/machine/srtp-context.js";
import type { SrtpProfileName } from "../../src/wire/srtp-protection-profile.js";
import { block, field, readVectorFile, section, toHex } from "./srtp-vector-file.js";

const rtpText = readVectorFile("srtp-rfc7714-section-16.txt");
const rtcpText = readVectorFile("srtcp-rfc7714-section-17.txt");

/** RFC 7714 §16–17 give session keys: both directions keyed with them, key derivation skipped. */
function sessionKeys(lines: readonly string[]): SrtpDerivedKeys {
  const k = { cipherKey: field(lines, "Key"), cipherSalt: field(lines, "salt"), authKey: new Uint8Array(0) };
  return { srtp: k, srtcp: k };
}
function context(lines: readonly string[]): SrtpContext {
  const keys = sessionKeys(lines);
  const profile: SrtpProfileName =
    keys.srtp.cipherKey.length === 16 ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AEAD_AES_256_GCM";
  return new SrtpContext(profile, { local: keys, remote: keys });
}

describe("RFC 7714 §16: SRTP AEAD_AES_GCM", () => {
  for (const heading of ["16.1.1.", "16.2.1."]) {
    it(`${heading} encrypts and tags the RFC's packet into the RFC's octets`, () => {
      const s = section(rtpText, heading);
      const out = context(s).protect(block(s, "Encrypting the following packet"));
      expect(toHex(out)).toBe(toHex(block(s, "Encrypted and tagged packet")));
    });
  }
  for (const heading of ["16.1.2.", "16.2.2."]) {
    it(`${heading} verifies and decrypts the RFC's packet`, () => {
      const s = section(rtpText, heading);
      const protectedPacket = block(s, "Decrypting the following packet");
      const r = context(s).unprotect(protectedPacket);
      if (!r.ok) throw new Error(r.error.code);
      expect(toHex(r.value.subarray(0, 12))).toBe(toHex(protectedPacket.subarray(0, 12)));
      expect(toHex(r.value.subarray(12))).toBe(toHex(block(s, "Verified and tagged packet")));
    });
  }
  it("16.1.2: one flipped bit anywhere (header, cipher, tag) is rejected", () => {
    const s = section(rtpText, "16.1.2.");
    const protectedPacket = block(s, "Decrypting the following packet");
    for (const at of [1, 11, 12, 30, protectedPacket.length - 1]) {
      const bad = Uint8Array.from(protectedPacket);
      bad[at]! ^= 0x04;
      const ctx = context(s);
      const r = ctx.unprotect(bad);
      expect(r.ok).toBe(false);
      expect(ctx.counters.rtp["auth-failed"]).toBe(1);
    }
  });
  it("the IV matches §8.1's (checked through the vector's own IV line)", () => {
    const s = section(rtpText, "16.1.1.");
    const salt = field(s, "salt");
    // (00 00 || SSRC 5501a0b2 || ROC 0 || SEQ f17b) XOR salt
    const raw = Uint8Array.from([0, 0, 0x55, 0x01, 0xa0, 0xb2, 0, 0, 0, 0, 0xf1, 0x7b]);
    expect(toHex(raw.map((b, i) => b ^ salt[i]!))).toBe(toHex(field(s, "IV")));
  });
});

describe("RFC 7714 §17: SRTCP AEAD_AES_GCM (SRTCP index 000005d4)", () => {
  const INDEX = 0x5d4;
  it("17.1 encrypts and tags (E = 1): header || cipher || tag || ESRTCP word", () => {
    const s = section(rtcpText, "17.1.");
    const plain = block(s, "Encrypting the following packet");
    const out = new AesGcmTransform(sessionKeys(s)).protectRtcp(plain, 0x4d617273, INDEX, true);
    expect(toHex(out)).toBe(toHex(block(s, "Encrypted and tagged packet")));
    // and back through a context
    const r = context(s).unprotectRtcp(out);
    expect(r.ok && toHex(r.value)).toBe(toHex(plain));
  });
  it("17.2 verifies and decrypts under AES-256", () => {
    const s = section(rtcpText, "17.2.");
    const r = context(s).unprotectRtcp(block(s, "Decrypting the following packet"));
    if (!r.ok) throw new Error(r.error.code);
    expect(toHex(r.value)).toBe(toHex(block(s, "Verified and decrypted packet")));
  });
  it("17.3 tags only (E = 0): the whole packet is AAD", () => {
    const s = section(rtcpText, "17.3.");
    const plain = block(s, "Tagging the following packet");
    const out = new AesGcmTransform(sessionKeys(s)).protectRtcp(plain, 0x4d617273, INDEX, false);
    expect(toHex(out)).toBe(toHex(block(s, "Tagged packet")));
  });
  it("17.4 verifies a tag-only packet under AES-256 and returns it unchanged", () => {
    const s = section(rtcpText, "17.4.");
    const packet = block(s, "Verifying the following packet");
    const ctx = context(s);
    const r = ctx.unprotectRtcp(packet);
    if (!r.ok) throw new Error(r.error.code);
    expect(toHex(r.value)).toBe(toHex(block(s, "Verified packet")));
    // flipping the E flag changes the AAD: rejected
    const flipped = Uint8Array.from(packet);
    flipped[flipped.length - 4]! ^= 0x80;
    expect(context(s).unprotectRtcp(flipped).ok).toBe(false);
  });
});

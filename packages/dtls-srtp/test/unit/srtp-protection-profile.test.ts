import { describe, expect, it } from "vitest";
import { estimateIndex } from "../../src/machine/srtp-rollover.js";
import {
  keyingMaterialLength,
  SRTP_PROTECTION_PROFILES,
  splitKeyingMaterial,
  srtpProfileByCode,
} from "../../src/wire/srtp-protection-profile.js";
import { checkRtpPadding, rtpHeaderLength } from "../../src/wire/srtp-rtp-header.js";
import { bytes, makeRtp } from "./srtp-test-packets.js";

describe("SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2)", () => {
  it("matches the IANA DTLS-SRTP registry code points and the RFC parameters", () => {
    expect(
      Object.entries(SRTP_PROTECTION_PROFILES).map(([n, p]) => [
        n,
        p.code,
        p.cipherKeyLength,
        p.cipherSaltLength,
      ]),
    ).toEqual([
      ["SRTP_AES128_CM_HMAC_SHA1_80", 0x0001, 16, 14],
      ["SRTP_AES128_CM_HMAC_SHA1_32", 0x0002, 16, 14],
      ["SRTP_AEAD_AES_128_GCM", 0x0007, 16, 12],
      ["SRTP_AEAD_AES_256_GCM", 0x0008, 32, 12],
    ]);
    expect(srtpProfileByCode(7)).toBe("SRTP_AEAD_AES_128_GCM");
    expect(srtpProfileByCode(0x0005)).toBeUndefined();
  });

  it("keyingMaterialLength is 2 * (key + salt)", () => {
    expect(keyingMaterialLength("SRTP_AES128_CM_HMAC_SHA1_80")).toBe(60);
    expect(keyingMaterialLength("SRTP_AES128_CM_HMAC_SHA1_32")).toBe(60);
    expect(keyingMaterialLength("SRTP_AEAD_AES_128_GCM")).toBe(56);
    expect(keyingMaterialLength("SRTP_AEAD_AES_256_GCM")).toBe(88);
  });

  it("splits client_key | server_key | client_salt | server_salt by role (RFC 5764 §4.2)", () => {
    const m = Uint8Array.from({ length: 88 }, (_, i) => i);
    const client = splitKeyingMaterial("SRTP_AEAD_AES_256_GCM", m, "client");
    expect(client.local.masterKey).toEqual(m.subarray(0, 32));
    expect(client.remote.masterKey).toEqual(m.subarray(32, 64));
    expect(client.local.masterSalt).toEqual(m.subarray(64, 76));
    expect(client.remote.masterSalt).toEqual(m.subarray(76, 88));
    const server = splitKeyingMaterial("SRTP_AEAD_AES_256_GCM", m, "server");
    expect(server.local).toEqual(client.remote);
    expect(server.remote).toEqual(client.local);
    m.fill(0); // copies: the caller may wipe the material
    expect(client.local.masterKey[1]).toBe(1);
    expect(() => splitKeyingMaterial("SRTP_AES128_CM_HMAC_SHA1_80", m, "client")).toThrow(RangeError);
  });
});

describe("RFC 3711 Appendix A index estimation", () => {
  it.each([
    // [highest index, SEQ, expected index]
    [0, 5, 5],
    [100, 99, 99],
    [65535, 0, 65536], // wrap forward
    [65536 + 2, 65534, 65534], // late packet from before the wrap: ROC - 1
    [40000, 100, 65536 + 100], // s_l ≥ 2^15, SEQ far behind: ROC + 1
    [40000, 7300, 7300], // within 2^15 behind: same ROC
    [10, 65000, -536], // before ROC 0: negative (too old)
    [3 * 65536 + 30000, 62767, 3 * 65536 + 62767],
  ])("highest %i, SEQ %i -> %i", (highest, seq, expected) => {
    expect(estimateIndex(highest, seq)).toBe(expected);
  });
});

describe("RTP header bounds", () => {
  it("measures CSRCs and extensions, and never reads past the end", () => {
    const p = makeRtp({ seq: 1, ssrc: 2, csrcs: [1, 2, 3], extensionWords: 2, payload: bytes(10) });
    expect(rtpHeaderLength(p, p.length)).toBe(12 + 12 + 4 + 8);
    for (let end = 0; end < 36; end++) expect(typeof rtpHeaderLength(p, end)).toBe("object");
    expect(rtpHeaderLength(p, 36)).toBe(36);
  });
  it("checks padding: count ≥ 1 and within the payload", () => {
    const p = makeRtp({ seq: 1, ssrc: 2, payload: bytes(4), padding: 4 });
    expect(checkRtpPadding(p, 12, p.length)).toBeUndefined();
    p[p.length - 1] = 9;
    expect(checkRtpPadding(p, 12, p.length)).toEqual({ code: "bad-padding", at: p.length - 1 });
    p[p.length - 1] = 0;
    expect(checkRtpPadding(p, 12, p.length)?.code).toBe("bad-padding");
  });
});

import { describe, expect, it } from "vitest";
import { AesCmKeystream } from "../../src/crypto/srtp-aes-cm-keystream.js";
import { deriveSrtpSessionKeys, SRTP_KDF_LABEL, srtpKdf } from "../../src/crypto/srtp-key-derivation.js";
import { field, readVectorFile, section, toHex, unhex } from "./srtp-vector-file.js";

const text = readVectorFile("srtp-rfc3711-appendix-b.txt");

describe("RFC 3711 Appendix B.2: AES-CM keystream", () => {
  const b2 = section(text, "B.2.");
  const key = field(b2, "Session Key");
  // "F0F1…FCFD0000 (already shifted)": the 112-bit salt is its first 14 octets
  const salt = field(b2, "Session Salt").subarray(0, 14);
  const rows = b2
    .map((l) => l.trim().match(/^([0-9A-F]{32})\s+([0-9A-F]{32})$/))
    .filter((m): m is RegExpMatchArray => m !== null);

  it("has the six table rows", () => expect(rows).toHaveLength(6));

  it("reproduces the keystream blocks at the start and the end of the 65282-block segment", () => {
    const blocks = 65282;
    const keystream = new AesCmKeystream(key, salt).generate(0, 0, 1, blocks * 16);
    expect(keystream.length).toBe(blocks * 16);
    for (const [, counter, expected] of rows as [string, string, string][]) {
      const j = Number.parseInt(counter.slice(28), 16);
      expect(toHex(keystream.subarray(j * 16, j * 16 + 16)).toUpperCase(), `block ${j}`).toBe(expected);
    }
  });

  it("places SSRC and index where §4.1.1 says (counter block = salt ^ SSRC<<64 ^ index<<16 + j)", () => {
    // IV for SSRC 0x01020304, index 0x0000a1b2c3d4 vs. the zero IV with a salt pre-XORed by hand
    const ssrc = 0x01020304;
    const index = 0xa1b2c3d4;
    const shifted = Uint8Array.from(salt);
    for (const [i, b] of [
      [4, 1],
      [5, 2],
      [6, 3],
      [7, 4],
      [10, 0xa1],
      [11, 0xb2],
      [12, 0xc3],
      [13, 0xd4],
    ] as const)
      shifted[i]! ^= b;
    const a = new AesCmKeystream(key, salt).generate(ssrc, index, 1, 64);
    const b = new AesCmKeystream(key, shifted).generate(0, 0, 1, 64);
    expect(toHex(a)).toBe(toHex(b));
  });
});

describe("RFC 3711 Appendix B.3: key derivation", () => {
  const b3 = section(text, "B.3.");
  const masterKey = field(b3, "master key");
  const masterSalt = field(b3, "master salt");
  const authRows = b3
    .map((l) => l.trim().match(/^([0-9A-F]{28,32})\s+[0-9A-F]{32}$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => m[1] as string);

  it("derives the cipher key, cipher salt and the 94-octet auth key", () => {
    expect(toHex(srtpKdf(masterKey, masterSalt, SRTP_KDF_LABEL.srtpEncryption, 16))).toBe(
      toHex(field(b3, "cipher key")),
    );
    expect(toHex(srtpKdf(masterKey, masterSalt, SRTP_KDF_LABEL.srtpSalt, 14))).toBe(
      toHex(field(b3, "cipher salt")),
    );
    expect(authRows).toHaveLength(6);
    expect(toHex(srtpKdf(masterKey, masterSalt, SRTP_KDF_LABEL.srtpAuthentication, 94))).toBe(
      toHex(unhex(authRows.join(""))),
    );
  });

  it("deriveSrtpSessionKeys gives the same SRTP keys (auth key = first 160 bits for HMAC-SHA1)", () => {
    const keys = deriveSrtpSessionKeys("SRTP_AES128_CM_HMAC_SHA1_80", masterKey, masterSalt);
    expect(toHex(keys.srtp.cipherKey)).toBe(toHex(field(b3, "cipher key")));
    expect(toHex(keys.srtp.cipherSalt)).toBe(toHex(field(b3, "cipher salt")));
    expect(toHex(keys.srtp.authKey)).toBe(toHex(unhex(authRows.join("")).subarray(0, 20)));
    // SRTCP keys use labels 3..5 (RFC 3711 §4.3.2): different from the SRTP ones
    expect(toHex(keys.srtcp.cipherKey)).toBe(toHex(srtpKdf(masterKey, masterSalt, 3, 16)));
    expect(toHex(keys.srtcp.cipherKey)).not.toBe(toHex(keys.srtp.cipherKey));
    expect(keys.srtcp.authKey).toHaveLength(20);
  });
});

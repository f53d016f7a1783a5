import { describe, expect, it } from "vitest";
import { longTermKey, shortTermKey } from "../../src/crypto/stun-integrity.js";
import {
  decodeStunMessage,
  encodeStunMessage,
  getAttribute,
  verifyMessageIntegrity,
} from "../../src/wire/stun-message.js";
import { StunMethod } from "../../src/wire/stun-message-types.js";
import {
  RFC5769_LONG_TERM,
  RFC5769_LONG_TERM_REQUEST,
  RFC5769_PASSWORD,
  RFC5769_SAMPLE_IPV4_RESPONSE,
  RFC5769_SAMPLE_IPV6_RESPONSE,
  RFC5769_SAMPLE_REQUEST,
} from "../vectors/rfc5769.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function decodeOrFail(bytes: Uint8Array) {
  const d = decodeStunMessage(bytes);
  if (!d.ok) throw new Error(`decode failed: ${d.error.code} at ${d.error.at}`);
  return d.value;
}

describe("RFC 5769 test vectors", () => {
  const key = shortTermKey(RFC5769_PASSWORD);

  it("§2.1 sample request: decodes, verifies MESSAGE-INTEGRITY and FINGERPRINT, re-encodes byte for byte", () => {
    const m = decodeOrFail(RFC5769_SAMPLE_REQUEST);
    expect(m.method).toBe(StunMethod.Binding);
    expect(m.class).toBe("request");
    expect(hex(m.transactionId)).toBe("b7e7a701bc34d686fa87dfae");
    expect(m.attributes.map((a) => a.type)).toEqual([
      "software",
      "priority",
      "ice-controlled",
      "username",
      "message-integrity",
      "fingerprint",
    ]);
    expect(getAttribute(m, "software")?.value).toBe("STUN test client");
    expect(getAttribute(m, "priority")?.value).toBe(0x6e0001ff);
    expect(getAttribute(m, "ice-controlled")?.value).toBe(0x932ff9b151263b36n);
    expect(getAttribute(m, "username")?.value).toBe("evtj:h6vY");
    expect(getAttribute(m, "fingerprint")?.value).toBe(0xe57a3bcf);
    expect(verifyMessageIntegrity(m, key)).toBe("ok");
    expect(verifyMessageIntegrity(m, shortTermKey("wrong"))).toBe("bad");
    expect(hex(encodeStunMessage(m, { integrityKey: key, fingerprint: true, paddingByte: 0x20 }))).toBe(
      hex(RFC5769_SAMPLE_REQUEST),
    );
  });

  it("§2.2 sample IPv4 response: XOR-MAPPED-ADDRESS 192.0.2.1:32853", () => {
    const m = decodeOrFail(RFC5769_SAMPLE_IPV4_RESPONSE);
    expect(m.class).toBe("success");
    expect(getAttribute(m, "software")?.value).toBe("test vector");
    expect(getAttribute(m, "xor-mapped-address")?.value).toEqual({ address: "192.0.2.1", port: 32853 });
    expect(verifyMessageIntegrity(m, key)).toBe("ok");
    expect(hex(encodeStunMessage(m, { integrityKey: key, paddingByte: 0x20 }))).toBe(
      hex(RFC5769_SAMPLE_IPV4_RESPONSE),
    );
  });

  it("§2.3 sample IPv6 response: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853", () => {
    const m = decodeOrFail(RFC5769_SAMPLE_IPV6_RESPONSE);
    expect(getAttribute(m, "xor-mapped-address")?.value).toEqual({
      address: "2001:db8:1234:5678:11:2233:4455:6677",
      port: 32853,
    });
    expect(verifyMessageIntegrity(m, key)).toBe("ok");
    expect(hex(encodeStunMessage(m, { integrityKey: key, paddingByte: 0x20 }))).toBe(
      hex(RFC5769_SAMPLE_IPV6_RESPONSE),
    );
  });

  it("§2.4 long-term credential request: MD5(username:realm:password) key verifies, re-encodes", () => {
    const m = decodeOrFail(RFC5769_LONG_TERM_REQUEST);
    const { username, password, realm, nonce } = RFC5769_LONG_TERM;
    expect(getAttribute(m, "username")?.value).toBe(username);
    expect(getAttribute(m, "realm")?.value).toBe(realm);
    expect(getAttribute(m, "nonce")?.value).toBe(nonce);
    expect(getAttribute(m, "fingerprint")).toBeUndefined();
    const ltk = longTermKey(username, realm, password);
    expect(verifyMessageIntegrity(m, ltk)).toBe("ok");
    expect(verifyMessageIntegrity(m, longTermKey(username, realm, "The\u00adM\u00aatrIX"))).toBe("bad");
    expect(hex(encodeStunMessage(m, { integrityKey: ltk }))).toBe(hex(RFC5769_LONG_TERM_REQUEST));
  });

  it("a flipped byte anywhere before FINGERPRINT is caught as fingerprint-mismatch", () => {
    for (const at of [0x19, 0x30, RFC5769_SAMPLE_REQUEST.length - 9]) {
      const bad = RFC5769_SAMPLE_REQUEST.slice();
      bad[at] = (bad[at] ?? 0) ^ 0x01;
      const d = decodeStunMessage(bad);
      expect(d.ok ? "ok" : d.error.code).toBe("fingerprint-mismatch");
    }
  });
});

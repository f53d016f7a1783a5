import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { shortTermKey } from "../../src/crypto/stun-integrity.js";
import { StunErrorCode } from "../../src/wire/error-code.js";
import { decodeIpAddress, encodeIpAddress, ipFamily } from "../../src/wire/ip-address.js";
import { StunEncodeError } from "../../src/wire/stun-encode-error.js";
import {
  decodeStunMessage,
  encodeStunMessage,
  getAttribute,
  isStunMessage,
  MAX_STUN_ATTRIBUTES,
  stunErrorResponse,
  stunSuccessResponse,
  unknownComprehensionRequired,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
} from "../../src/wire/stun-message.js";
import {
  type DecodedStunMessage,
  type StunAttribute,
  type StunMessage,
  StunMethod,
} from "../../src/wire/stun-message-types.js";

const txid = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const fromHex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));

function decodeOrFail(bytes: Uint8Array): DecodedStunMessage {
  const d = decodeStunMessage(bytes);
  if (!d.ok) throw new Error(`decode failed: ${d.error.code} at ${d.error.at}`);
  return d.value;
}

function errorOf(bytes: Uint8Array): string {
  const d = decodeStunMessage(bytes);
  return d.ok ? "ok" : `${d.error.code}@${d.error.at}`;
}

function request(attributes: readonly StunAttribute[]): StunMessage {
  return { method: StunMethod.Binding, class: "request", transactionId: txid, attributes };
}

/** A hand-built message: header for `body` (length from the body), then the body bytes. */
function withBody(body: string, type = "0001"): Uint8Array {
  const b = fromHex(body);
  const len = b.length.toString(16).padStart(4, "0");
  return fromHex(`${type}${len}2112a442${hex(txid)}${hex(b)}`);
}

describe("STUN attributes round-trip (RFC 8489 §14, RFC 8445 §16.1, RFC 8656 §18)", () => {
  const cases: StunAttribute[] = [
    { type: "mapped-address", value: { address: "192.0.2.1", port: 32853 } },
    { type: "mapped-address", value: { address: "2001:db8::1", port: 1 } },
    { type: "xor-mapped-address", value: { address: "198.51.100.7", port: 65535 } },
    { type: "xor-mapped-address", value: { address: "2001:db8:1234:5678:11:2233:4455:6677", port: 0 } },
    { type: "xor-mapped-address", value: { address: "::ffff:127.0.0.1", port: 3478 } },
    { type: "xor-peer-address", value: { address: "10.0.0.1", port: 5000 } },
    { type: "xor-relayed-address", value: { address: "fe80::1", port: 5001 } },
    { type: "alternate-server", value: { address: "203.0.113.9", port: 3479 } },
    { type: "username", value: "evtj:h6vY" },
    { type: "realm", value: "example.org" },
    { type: "nonce", value: "f//499k954d6OL34oL9FSTvy64sA" },
    { type: "software", value: "tern ✓" },
    { type: "alternate-domain", value: "stun.example.org" },
    { type: "error-code", code: 420, reason: "Unknown Attribute" },
    { type: "error-code", code: 699, reason: "" },
    { type: "unknown-attributes", value: [0x0031, 0x0032, 0x7fff] },
    { type: "priority", value: 0xffffffff },
    { type: "use-candidate" },
    { type: "ice-controlled", value: 0xffffffffffffffffn },
    { type: "ice-controlling", value: 1n },
    { type: "lifetime", value: 600 },
    { type: "channel-number", value: 0x4000 },
    { type: "data", value: Uint8Array.of(1, 2, 3, 4, 5) },
    { type: "requested-transport", value: 17 },
    { type: "requested-address-family", value: 2 },
    { type: "dont-fragment" },
    { type: "even-port", reserve: true },
    { type: "even-port", reserve: false },
    { type: "reservation-token", value: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) },
    { type: "unknown", code: 0x7f01, raw: Uint8Array.of(9, 8, 7) },
    { type: "unknown", code: 0xc001, raw: new Uint8Array(0) },
  ];
  for (const attr of cases) {
    it(`${attr.type} ${JSON.stringify(attr, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`, () => {
      const bytes = encodeStunMessage(request([attr]));
      expect(bytes.length % 4).toBe(0);
      const m = decodeOrFail(bytes);
      expect(m.attributes).toEqual([attr]);
      expect(hex(encodeStunMessage(m))).toBe(hex(bytes));
    });
  }

  it("XOR-MAPPED-ADDRESS puts the xor'd port and address on the wire (RFC 8489 §14.2)", () => {
    const bytes = encodeStunMessage(
      request([{ type: "xor-mapped-address", value: { address: "192.0.2.1", port: 32853 } }]),
    );
    expect(hex(bytes.subarray(20))).toBe("00200008" + "0001a147" + "e112a643");
    const v6 = encodeStunMessage(
      request([{ type: "xor-mapped-address", value: { address: "::", port: 0 } }]),
    );
    // The all-zero IPv6 address xors to cookie ‖ transaction id.
    expect(hex(v6.subarray(24))).toBe(`00022112` + `2112a442${hex(txid)}`);
  });

  it("message type interleaves class bits with method bits (RFC 8489 §5)", () => {
    const types = (["request", "indication", "success", "error"] as const).map((c) =>
      hex(encodeStunMessage({ method: 0xfff, class: c, transactionId: txid, attributes: [] }).subarray(0, 2)),
    );
    expect(types).toEqual(["3eef", "3eff", "3fef", "3fff"]);
    const m = decodeOrFail(
      encodeStunMessage({ method: StunMethod.Refresh, class: "error", transactionId: txid, attributes: [] }),
    );
    expect([m.method, m.class]).toEqual([StunMethod.Refresh, "error"]);
  });
});

describe("integrity and fingerprint", () => {
  const key = shortTermKey("VOkJxbRl1RmTxUk/WvJxBt");
  const sha = shortTermKey("another key");

  it("MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256, FINGERPRINT are appended in RFC 8489 order and verify", () => {
    const bytes = encodeStunMessage(request([{ type: "username", value: "a:b" }]), {
      integrityKey: key,
      integritySha256Key: sha,
      fingerprint: true,
    });
    const m = decodeOrFail(bytes);
    expect(m.attributes.map((a) => a.type)).toEqual([
      "username",
      "message-integrity",
      "message-integrity-sha256",
      "fingerprint",
    ]);
    expect(verifyMessageIntegrity(m, key)).toBe("ok");
    expect(verifyMessageIntegritySha256(m, sha)).toBe("ok");
    expect(verifyMessageIntegrity(m, sha)).toBe("bad");
    expect(verifyMessageIntegritySha256(m, key)).toBe("bad");
    expect(hex(encodeStunMessage(m, { integrityKey: key, integritySha256Key: sha }))).toBe(hex(bytes));
  });

  it("reports missing integrity", () => {
    const m = decodeOrFail(encodeStunMessage(request([]), { fingerprint: true }));
    expect(verifyMessageIntegrity(m, key)).toBe("missing");
    expect(verifyMessageIntegritySha256(m, key)).toBe("missing");
  });

  it("a tampered attribute before MESSAGE-INTEGRITY fails verification", () => {
    const bytes = encodeStunMessage(request([{ type: "username", value: "abcd" }]), { integrityKey: key });
    bytes[24] = 0x41; // "a" -> "A"
    expect(verifyMessageIntegrity(decodeOrFail(bytes), key)).toBe("bad");
  });

  it("accepts a truncated (16-byte) MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6)", () => {
    // What a sender truncating to 16 bytes would do: HMAC over the header whose Length counts the
    // 20-byte attribute, keep the leading 16 bytes.
    const header = fromHex(`0001 0014 2112a442 ${hex(txid)}`);
    const mac = createHmac("sha256", sha).update(header).digest().subarray(0, 16);
    const m = decodeOrFail(withBody(`001c0010${hex(mac)}`));
    expect(getAttribute(m, "message-integrity-sha256")?.value.length).toBe(16);
    expect(verifyMessageIntegritySha256(m, sha)).toBe("ok");
    expect(verifyMessageIntegritySha256(m, key)).toBe("bad");
  });

  it("ignores attributes after MESSAGE-INTEGRITY except FINGERPRINT (RFC 8489 §14.5)", () => {
    const signed = encodeStunMessage(request([{ type: "username", value: "u:v" }]), { integrityKey: key });
    const tail = fromHex("80220004" + "74657374"); // SOFTWARE "test" after MI
    const withTail = withBody(hex(signed.subarray(20)) + hex(tail));
    const m = decodeOrFail(withTail);
    expect(m.attributes.map((a) => a.type)).toEqual(["username", "message-integrity"]);
    expect(verifyMessageIntegrity(m, key)).toBe("ok");
  });

  it("a placeholder MESSAGE-INTEGRITY without a key is a usage error", () => {
    expect(() =>
      encodeStunMessage(request([{ type: "message-integrity", value: new Uint8Array(20) }])),
    ).toThrow(StunEncodeError);
  });
});

describe("error responses and 420 detection", () => {
  it("builds a 420 with UNKNOWN-ATTRIBUTES for unknown comprehension-required attributes only", () => {
    const req = decodeOrFail(
      encodeStunMessage(
        request([
          { type: "unknown", code: 0x0031, raw: Uint8Array.of(1) },
          { type: "unknown", code: 0x8031, raw: Uint8Array.of(2) },
          { type: "unknown", code: 0x0031, raw: Uint8Array.of(3) },
          { type: "unknown", code: 0x7ffe, raw: new Uint8Array(0) },
        ]),
      ),
    );
    const unknown = unknownComprehensionRequired(req);
    expect(unknown).toEqual([0x0031, 0x7ffe]);
    const res = stunErrorResponse(req, StunErrorCode.UnknownAttribute, "Unknown Attribute", [
      { type: "unknown-attributes", value: unknown },
    ]);
    const back = decodeOrFail(encodeStunMessage(res, { fingerprint: true }));
    expect(back.class).toBe("error");
    expect(hex(back.transactionId)).toBe(hex(txid));
    expect(getAttribute(back, "error-code")).toEqual({
      type: "error-code",
      code: 420,
      reason: "Unknown Attribute",
    });
    expect(getAttribute(back, "unknown-attributes")?.value).toEqual([0x0031, 0x7ffe]);
  });

  it("a message of known attributes has no unknown comprehension-required ones", () => {
    expect(
      unknownComprehensionRequired(request([{ type: "priority", value: 1 }, { type: "use-candidate" }])),
    ).toEqual([]);
  });

  it("success response keeps method and transaction id", () => {
    const res = stunSuccessResponse(request([]), [{ type: "software", value: "x" }]);
    expect(res).toMatchObject({ method: StunMethod.Binding, class: "success", transactionId: txid });
  });

  it("ERROR-CODE encodes class and number separately (RFC 8489 §14.8)", () => {
    const bytes = encodeStunMessage(stunErrorResponse(request([]), 438, "Stale Nonce"));
    expect(hex(bytes.subarray(20, 28))).toBe("0009000f" + "0000" + "0426");
    expect(() => encodeStunMessage(stunErrorResponse(request([]), 200, "OK"))).toThrow(StunEncodeError);
  });
});

describe("malformed input gives typed errors, never throws", () => {
  it("header problems", () => {
    expect(errorOf(new Uint8Array(0))).toBe("too-short@0");
    expect(errorOf(new Uint8Array(19))).toBe("too-short@19");
    expect(errorOf(fromHex(`8001 0000 2112a442 ${hex(txid)}`))).toBe("not-stun@0");
    expect(errorOf(fromHex(`0001 0000 2112a443 ${hex(txid)}`))).toBe("bad-cookie@4");
    expect(errorOf(fromHex(`0001 0002 2112a442 ${hex(txid)} 0000`))).toBe("bad-length@2");
    expect(errorOf(fromHex(`0001 0008 2112a442 ${hex(txid)} 00240004`))).toBe("bad-length@2");
    expect(errorOf(fromHex(`0001 0000 2112a442 ${hex(txid)} 00240004`))).toBe("bad-length@2");
  });

  it("attribute framing problems", () => {
    expect(errorOf(withBody("00240008 00000001"))).toBe("attribute-truncated@20");
    expect(errorOf(withBody("00060001 61000000 0006ffff"))).toBe("attribute-truncated@28");
    const many = "80ff0000".repeat(MAX_STUN_ATTRIBUTES + 1);
    expect(errorOf(withBody(many))).toBe(`too-many-attributes@${20 + 4 * MAX_STUN_ATTRIBUTES}`);
    expect(errorOf(withBody("80ff0000".repeat(MAX_STUN_ATTRIBUTES)))).toBe("ok");
  });

  it("attribute value problems", () => {
    expect(errorOf(withBody("00240003 01020300"))).toBe("attribute-malformed@24"); // PRIORITY ≠ 4 bytes
    expect(errorOf(withBody("00010008 00030001 01020304"))).toBe("attribute-malformed@25"); // family 3
    expect(errorOf(withBody("00200008 00020001 01020304"))).toBe("attribute-malformed@25"); // IPv6 in 8 bytes
    expect(errorOf(withBody("00250004 00000000"))).toBe("attribute-malformed@24"); // USE-CANDIDATE with value
    expect(errorOf(withBody("00090004 00000700"))).toBe("attribute-malformed@26"); // class 7
    expect(errorOf(withBody("00090004 00000364"))).toBe("attribute-malformed@26"); // number 100
    expect(errorOf(withBody("00060002 c3280000"))).toBe("attribute-malformed@24"); // invalid UTF-8
    expect(errorOf(withBody("000a0003 00010000"))).toBe("attribute-malformed@26"); // odd UNKNOWN-ATTRIBUTES
    expect(errorOf(withBody("00080010 " + "00".repeat(16)))).toBe("attribute-malformed@24"); // MI ≠ 20
    expect(errorOf(withBody("001c000c " + "00".repeat(12)))).toBe("attribute-malformed@24"); // MI-SHA256 < 16
  });

  it("FINGERPRINT must verify and be last", () => {
    const good = encodeStunMessage(request([{ type: "username", value: "u" }]), { fingerprint: true });
    const bad = good.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
    expect(errorOf(bad)).toBe(`fingerprint-mismatch@${good.length - 8}`);
    const notLast = withBody(hex(good.subarray(20)) + "80220000");
    expect(errorOf(notLast)).toBe(`attribute-malformed@${good.length}`);
    expect(errorOf(withBody("80280008 0000000000000000"))).toBe("attribute-malformed@20");
  });

  it("isStunMessage follows RFC 7983 demux and the header checks", () => {
    const good = encodeStunMessage(request([]));
    expect(isStunMessage(good)).toBe(true);
    expect(isStunMessage(good.subarray(0, 19))).toBe(false);
    const dtls = good.slice();
    dtls[0] = 22; // a DTLS record (RFC 7983: 20..63)
    expect(isStunMessage(dtls)).toBe(false);
    const cookie = good.slice();
    cookie[7] = 0;
    expect(isStunMessage(cookie)).toBe(false);
    expect(isStunMessage(Uint8Array.of(...good, 0, 0, 0, 0))).toBe(false);
  });

  it("encode rejects what it cannot represent", () => {
    const bad = (a: StunAttribute) => () => encodeStunMessage(request([a]));
    expect(bad({ type: "xor-mapped-address", value: { address: "example.org", port: 1 } })).toThrow(
      StunEncodeError,
    );
    expect(bad({ type: "mapped-address", value: { address: "1.2.3.4", port: 70000 } })).toThrow(
      StunEncodeError,
    );
    expect(bad({ type: "priority", value: -1 })).toThrow(StunEncodeError);
    expect(bad({ type: "username", value: "x".repeat(509) })).toThrow(StunEncodeError);
    expect(() => encodeStunMessage({ ...request([]), transactionId: new Uint8Array(11) })).toThrow(
      StunEncodeError,
    );
    expect(() => encodeStunMessage({ ...request([]), method: 0x1000 })).toThrow(StunEncodeError);
  });
});

describe("IP address codec (RFC 4291 §2.2 in, RFC 5952 out)", () => {
  const canonical: [string, string][] = [
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["2001:DB8::", "2001:db8::"],
    ["::", "::"],
    ["::1", "::1"],
    ["1:0:0:2:0:0:0:3", "1:0:0:2::3"],
    ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
    ["0:0:0:0:0:ffff:c000:0201", "::ffff:192.0.2.1"],
    ["::192.0.2.1", "::c000:201"],
    ["fe80::1:2", "fe80::1:2"],
  ];
  for (const [input, out] of canonical) {
    it(`${input} -> ${out}`, () => {
      const b = encodeIpAddress(input);
      expect(b?.length).toBe(16);
      expect(decodeIpAddress(b ?? new Uint8Array(0))).toBe(out);
    });
  }
  it("IPv4", () => {
    expect(hex(encodeIpAddress("192.0.2.255") ?? new Uint8Array(0))).toBe("c00002ff");
    expect(decodeIpAddress(Uint8Array.of(10, 0, 0, 1))).toBe("10.0.0.1");
    expect(ipFamily("10.0.0.1")).toBe(4);
    expect(ipFamily("::1")).toBe(6);
  });
  it("rejects non-literals", () => {
    for (const bad of [
      "",
      "1.2.3",
      "1.2.3.256",
      "01.2.3.4",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      ":::",
      "fe80::1%eth0",
      "12345::",
      "g::",
      "::1.2.3.4:5",
      "1:2:3:4:5:6:7::8",
      "localhost",
    ]) {
      expect(encodeIpAddress(bad), bad).toBeUndefined();
    }
    expect(decodeIpAddress(new Uint8Array(5))).toBeUndefined();
  });
});

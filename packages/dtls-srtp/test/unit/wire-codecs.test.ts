import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeAlert, encodeAlert } from "../../src/wire/alert.js";
import { decodeCertificate, encodeCertificate } from "../../src/wire/certificate.js";
import { decodeCertificateRequest, encodeCertificateRequest } from "../../src/wire/certificate-request.js";
import { decodeChangeCipherSpec } from "../../src/wire/change-cipher-spec.js";
import { decodeClientHello, encodeClientHello } from "../../src/wire/client-hello.js";
import { decodeExtensions, encodeExtensions } from "../../src/wire/extensions/extension.js";
import { decodeHandshakeFragments, encodeHandshakeFragment } from "../../src/wire/handshake.js";
import { decodeHelloVerifyRequest, encodeHelloVerifyRequest } from "../../src/wire/hello-verify-request.js";
import { decodeRecord, decodeRecords, encodeRecord } from "../../src/wire/record.js";
import { decodeServerHello, encodeServerHello } from "../../src/wire/server-hello.js";
import { decodeServerKeyExchange, encodeServerKeyExchange } from "../../src/wire/server-key-exchange.js";

const hex = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ""), "hex"));
const vectors = join(import.meta.dirname, "../vectors");

describe("record header (RFC 6347 §4.1)", () => {
  it("decodes the Chromium capture's first record header", () => {
    // test/vectors/chromium-156-clienthello.datagrams.hex, line 1: 16 feff 0000 000000000000 04a3
    const line =
      readFileSync(join(vectors, "chromium-156-clienthello.datagrams.hex"), "utf8").split("\n")[0] ?? "";
    const d = decodeRecord(hex(line));
    if (!d.ok) throw new Error(d.error.code);
    expect(d.value.record).toMatchObject({ contentType: 22, version: 0xfeff, epoch: 0, sequenceNumber: 0 });
    expect(d.value.record.fragment.length).toBe(0x4a3);
  });

  it("48-bit sequence numbers round-trip; several records per datagram; truncation is an error value", () => {
    const r1 = encodeRecord({
      contentType: 23,
      version: 0xfefd,
      epoch: 0xffff,
      sequenceNumber: 2 ** 48 - 1,
      fragment: hex("aabb"),
    });
    expect([...r1.subarray(0, 13)]).toEqual([
      23, 0xfe, 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 2,
    ]);
    const r2 = encodeRecord({
      contentType: 21,
      version: 0xfefd,
      epoch: 1,
      sequenceNumber: 5,
      fragment: hex("0100"),
    });
    const both = new Uint8Array([...r1, ...r2]);
    const { records, error } = decodeRecords(both);
    expect(error).toBeUndefined();
    expect(records.map((r) => r.sequenceNumber)).toEqual([2 ** 48 - 1, 5]);
    expect(decodeRecords(both.subarray(0, both.length - 1)).error).toBe("truncated-fragment");
    expect(decodeRecord(both.subarray(0, 5))).toEqual({
      ok: false,
      error: { code: "truncated-header", at: 0 },
    });
  });
});

describe("handshake header (RFC 6347 §4.2.2)", () => {
  it("round-trips a fragment and rejects a fragment past the message end", () => {
    const f = { msgType: 1, length: 10, messageSeq: 3, fragmentOffset: 4, fragment: hex("010203") };
    const bytes = encodeHandshakeFragment(f);
    expect([...bytes.subarray(0, 12)]).toEqual([1, 0, 0, 10, 0, 3, 0, 0, 4, 0, 0, 3]);
    const d = decodeHandshakeFragments(bytes);
    expect(d.ok && d.value).toEqual([f]);
    const bad = encodeHandshakeFragment({ ...f, fragmentOffset: 8 });
    expect(decodeHandshakeFragments(bad).ok).toBe(false);
  });
});

describe("ClientHello / ServerHello", () => {
  it("the browsers' ClientHellos re-encode byte for byte (unknown extensions kept raw, in order)", () => {
    const chromium = hex(readFileSync(join(vectors, "chromium-156-clienthello.body.hex"), "utf8"));
    const firefox = hex(readFileSync(join(vectors, "firefox-153-clienthello.body.hex"), "utf8")).subarray(12);
    for (const body of [chromium, firefox]) {
      const d = decodeClientHello(body);
      if (!d.ok) throw new Error(d.error.code);
      expect(d.value.extensions.some((e) => e.type === "unknown")).toBe(true);
      expect(encodeClientHello(d.value)).toEqual(body);
    }
  });

  it("ServerHello with use_srtp, EMS, renegotiation_info round-trips; supported_versions has the server form", () => {
    const sh = {
      serverVersion: 0xfefd,
      random: new Uint8Array(32).fill(9),
      sessionId: new Uint8Array(0),
      cipherSuite: 0xc02b,
      compressionMethod: 0,
      extensions: [
        { type: "renegotiation_info" as const, renegotiatedConnection: new Uint8Array(0) },
        { type: "extended_master_secret" as const },
        { type: "use_srtp" as const, profiles: [7], mki: new Uint8Array(0) },
        { type: "supported_versions" as const, versions: [0xfefd] },
      ],
    };
    const bytes = encodeServerHello(sh);
    const d = decodeServerHello(bytes);
    expect(d.ok && d.value).toEqual(sh);
    // use_srtp (RFC 5764 §4.1.1): 000e 0005 | 0002 0007 | 00
    expect(Buffer.from(bytes).toString("hex")).toContain("000e00050002000700");
  });

  it("rejects duplicate extensions and trailing garbage inside an extension", () => {
    const dup = encodeExtensions(
      [{ type: "extended_master_secret" }, { type: "unknown", code: 23, data: new Uint8Array(0) }],
      "client_hello",
    );
    expect(decodeExtensions(dup, "client_hello")).toMatchObject({
      ok: false,
      error: { code: "duplicate-extension" },
    });
    // extended_master_secret with a body
    expect(decodeExtensions(hex("0017000100"), "client_hello")).toMatchObject({
      ok: false,
      error: { code: "bad-extension" },
    });
  });
});

describe("other handshake messages", () => {
  it("HelloVerifyRequest, Certificate, ServerKeyExchange, CertificateRequest round-trip", () => {
    const hvr = { serverVersion: 0xfeff, cookie: new Uint8Array(32).fill(3) };
    expect(decodeHelloVerifyRequest(encodeHelloVerifyRequest(hvr))).toEqual({ ok: true, value: hvr });
    const cert = { certificateList: [hex("3003020101"), hex("300100")] };
    expect(decodeCertificate(encodeCertificate(cert))).toEqual({ ok: true, value: cert });
    expect(decodeCertificate(hex("000000"))).toEqual({ ok: true, value: { certificateList: [] } });
    const ske = {
      namedCurve: 29,
      publicKey: new Uint8Array(32).fill(1),
      signatureScheme: 0x0403,
      signature: hex("3006"),
    };
    expect(decodeServerKeyExchange(encodeServerKeyExchange(ske))).toEqual({ ok: true, value: ske });
    expect(decodeServerKeyExchange(hex("01"))).toMatchObject({
      ok: false,
      error: { code: "unsupported-curve-type" },
    });
    const cr = {
      certificateTypes: [64, 1],
      signatureSchemes: [0x0403, 0x0804],
      certificateAuthorities: [hex("3000")],
    };
    expect(decodeCertificateRequest(encodeCertificateRequest(cr))).toEqual({ ok: true, value: cr });
  });

  it("Alert and ChangeCipherSpec", () => {
    expect(decodeAlert(encodeAlert({ level: 2, description: 42 }))).toEqual({
      ok: true,
      value: { level: 2, description: 42 },
    });
    expect(decodeAlert(hex("02")).ok).toBe(false);
    expect(decodeChangeCipherSpec(hex("01")).ok).toBe(true);
    expect(decodeChangeCipherSpec(hex("02")).ok).toBe(false);
  });
});

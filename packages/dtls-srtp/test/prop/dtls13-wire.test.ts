/**
 * fast-check over the DTLS 1.3 codecs: arbitrary bytes never throw (failures point inside the input), and
 * valid structures round-trip value for value and byte for byte, their mutations never throwing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeAck, encodeAck } from "../../src/wire/ack.js";
import type { Decoded } from "../../src/wire/decoded.js";
import { decodeEncryptedExtensions, encodeEncryptedExtensions } from "../../src/wire/encrypted-extensions.js";
import type { Extension } from "../../src/wire/extensions/extension.js";
import { decodeInnerPlaintext, encodeInnerPlaintext } from "../../src/wire/inner-plaintext.js";
import { decodeKeyUpdate, encodeKeyUpdate } from "../../src/wire/key-update.js";
import { encodeRecord } from "../../src/wire/record.js";
import {
  decodeServerHello,
  encodeServerHello,
  HELLO_RETRY_REQUEST_RANDOM,
} from "../../src/wire/server-hello.js";
import { decodeTls13Certificate, encodeTls13Certificate } from "../../src/wire/tls13-certificate.js";
import {
  decodeTls13CertificateRequest,
  encodeTls13CertificateRequest,
} from "../../src/wire/tls13-certificate-request.js";
import { decodeDatagram13, encodeUnifiedHeader } from "../../src/wire/unified-header.js";

const u16 = fc.integer({ min: 0, max: 0xffff });
const opaque = (max: number) => fc.uint8Array({ maxLength: max });
const bytes = fc.uint8Array({ maxLength: 300 });

function neverThrows<T>(decode: (b: Uint8Array) => Decoded<T>) {
  fc.assert(
    fc.property(bytes, (b) => {
      const d = decode(b);
      if (!d.ok) expect(d.error.at).toBeLessThanOrEqual(b.length);
    }),
    { numRuns: 300 },
  );
}

function validRoundTrips<T>(
  arb: fc.Arbitrary<T>,
  encode: (v: T) => Uint8Array,
  decode: (b: Uint8Array) => Decoded<T>,
) {
  fc.assert(
    fc.property(arb, fc.nat(), fc.integer({ min: 0, max: 255 }), (v, at, x) => {
      const wire = encode(v);
      const d = decode(wire);
      expect(d).toEqual({ ok: true, value: v });
      if (d.ok) expect(encode(d.value)).toEqual(wire);
      const mutated = wire.slice();
      if (mutated.length > 0) mutated[at % mutated.length] = x;
      decode(mutated);
      decode(wire.subarray(0, at % (wire.length + 1)));
    }),
    { numRuns: 150 },
  );
}

const entry = fc.record({ group: u16, keyExchange: fc.uint8Array({ minLength: 1, maxLength: 60 }) });
const signatureAlgorithms = fc
  .array(u16, { minLength: 1, maxLength: 8 })
  .map((schemes): Extension => ({ type: "signature_algorithms", schemes }));
const useSrtp = fc
  .record({ profiles: fc.array(u16, { minLength: 1, maxLength: 4 }), mki: opaque(8) })
  .map((e): Extension => ({ type: "use_srtp", ...e }));
const unknown = fc
  .record({ code: fc.integer({ min: 0x4000, max: 0xfe00 }), data: opaque(30) })
  .map((e): Extension => ({ type: "unknown", ...e }));
const eeExtensions = fc.uniqueArray(fc.oneof(signatureAlgorithms, useSrtp, unknown), {
  maxLength: 4,
  selector: (e) => (e.type === "unknown" ? e.code : e.type),
});

describe("DTLS 1.3 decoders never throw on arbitrary bytes", () => {
  it("ServerHello / HelloRetryRequest", () => neverThrows(decodeServerHello));
  it("EncryptedExtensions", () => neverThrows(decodeEncryptedExtensions));
  it("Certificate (1.3)", () => neverThrows(decodeTls13Certificate));
  it("CertificateRequest (1.3)", () => neverThrows(decodeTls13CertificateRequest));
  it("KeyUpdate", () => neverThrows(decodeKeyUpdate));
  it("ACK", () => neverThrows(decodeAck));
  it("DTLSInnerPlaintext", () => neverThrows(decodeInnerPlaintext));
  it("datagrams of DTLSPlaintext and DTLSCiphertext records", () =>
    fc.assert(fc.property(bytes, (b) => void decodeDatagram13(b))));
});

describe("valid DTLS 1.3 structures round-trip", () => {
  it("ServerHello with key_share (server form) and supported_versions", () =>
    validRoundTrips(
      fc.record({
        serverVersion: u16,
        random: fc.uint8Array({ minLength: 32, maxLength: 32 }),
        sessionId: opaque(32),
        cipherSuite: u16,
        compressionMethod: fc.integer({ min: 0, max: 255 }),
        extensions: fc.tuple(entry, u16).map(([serverShare, v]): Extension[] => [
          { type: "supported_versions", versions: [v] },
          { type: "key_share", form: "server_hello", serverShare },
        ]),
      }),
      encodeServerHello,
      decodeServerHello,
    ));
  it("HelloRetryRequest with selected_group and cookie", () =>
    validRoundTrips(
      fc.record({
        serverVersion: u16,
        random: fc.constant(HELLO_RETRY_REQUEST_RANDOM),
        sessionId: opaque(32),
        cipherSuite: u16,
        compressionMethod: fc.constant(0),
        extensions: fc
          .tuple(u16, fc.uint8Array({ minLength: 1, maxLength: 80 }))
          .map(([g, cookie]): Extension[] => [
            { type: "key_share", form: "hello_retry_request", selectedGroup: g },
            { type: "cookie", cookie },
          ]),
      }),
      encodeServerHello,
      decodeServerHello,
    ));
  it("EncryptedExtensions", () =>
    validRoundTrips(
      fc.record({ extensions: eeExtensions }),
      encodeEncryptedExtensions,
      decodeEncryptedExtensions,
    ));
  it("Certificate (1.3)", () =>
    validRoundTrips(
      fc.record({
        certificateRequestContext: opaque(10),
        certificateList: fc.array(
          fc.record({ certData: fc.uint8Array({ minLength: 1, maxLength: 60 }), extensions: opaque(10) }),
          { maxLength: 3 },
        ),
      }),
      encodeTls13Certificate,
      decodeTls13Certificate,
    ));
  it("CertificateRequest (1.3)", () =>
    validRoundTrips(
      fc.record({ certificateRequestContext: opaque(10), extensions: eeExtensions }),
      encodeTls13CertificateRequest,
      decodeTls13CertificateRequest,
    ));
  it("KeyUpdate", () =>
    validRoundTrips(fc.record({ updateRequested: fc.boolean() }), encodeKeyUpdate, decodeKeyUpdate));
  it("ACK", () =>
    validRoundTrips(
      fc.record({
        recordNumbers: fc.array(
          fc.record({ epoch: u16, sequenceNumber: fc.integer({ min: 0, max: 2 ** 48 - 1 }) }),
          { maxLength: 8 },
        ),
      }),
      encodeAck,
      decodeAck,
    ));
  it("DTLSInnerPlaintext (padding is dropped; the content type is the last non-zero byte)", () =>
    fc.assert(
      fc.property(
        opaque(60),
        fc.integer({ min: 1, max: 255 }),
        fc.nat({ max: 20 }),
        (content, contentType, padding) => {
          const d = decodeInnerPlaintext(encodeInnerPlaintext({ contentType, content }, padding));
          expect(d).toEqual({ ok: true, value: { contentType, content } });
        },
      ),
    ));
  it("a datagram mixing DTLSPlaintext and unified-header records splits back into them", () => {
    const plain = fc
      .record({
        contentType: fc.constantFrom(21, 22, 26),
        sequenceNumber: fc.nat({ max: 1000 }),
        fragment: opaque(40),
      })
      .map((r) => ({ form: "plaintext" as const, bytes: encodeRecord({ ...r, version: 0xfefd, epoch: 0 }) }));
    const cipher = fc
      .record({
        epoch: fc.integer({ min: 1, max: 9 }),
        seq: u16,
        body: fc.uint8Array({ minLength: 16, maxLength: 60 }),
      })
      .map((r) => ({
        form: "ciphertext" as const,
        bytes: new Uint8Array([...encodeUnifiedHeader(r.epoch, r.seq, r.body.length), ...r.body]),
      }));
    fc.assert(
      fc.property(fc.array(fc.oneof(plain, cipher), { minLength: 1, maxLength: 5 }), (parts) => {
        const d = decodeDatagram13(new Uint8Array(parts.flatMap((p) => [...p.bytes])));
        expect(d.error).toBeUndefined();
        expect(d.records.map((r) => r.form)).toEqual(parts.map((p) => p.form));
      }),
    );
  });
});

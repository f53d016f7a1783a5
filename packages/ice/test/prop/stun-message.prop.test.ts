import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeIpAddress, encodeIpAddress } from "../../src/wire/ip-address.js";
import { decodeStunMessage, encodeStunMessage, verifyMessageIntegrity } from "../../src/wire/stun-message.js";
import type { StunAttribute, StunClass, StunMessage } from "../../src/wire/stun-message-types.js";
import { StunAttrType } from "../../src/wire/stun-message-types.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => decodeIpAddress(b) ?? "0.0.0.0");
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => decodeIpAddress(b) ?? "::");
const addr = fc.record({ address: fc.oneof(ipv4, ipv6), port: fc.integer({ min: 0, max: 0xffff }) });
const text = (maxLength: number) => fc.string({ unit: "binary", maxLength }).filter((s) => s.isWellFormed());
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: 0xffffffffffffffffn });
const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const knownCodes = new Set<number>(Object.values(StunAttrType));

const attribute: fc.Arbitrary<StunAttribute> = fc.oneof(
  addr.map((value) => ({ type: "mapped-address", value }) as const),
  addr.map((value) => ({ type: "xor-mapped-address", value }) as const),
  addr.map((value) => ({ type: "xor-peer-address", value }) as const),
  addr.map((value) => ({ type: "xor-relayed-address", value }) as const),
  addr.map((value) => ({ type: "alternate-server", value }) as const),
  text(120).map((value) => ({ type: "username", value }) as const),
  text(120).map((value) => ({ type: "realm", value }) as const),
  text(120).map((value) => ({ type: "nonce", value }) as const),
  text(120).map((value) => ({ type: "software", value }) as const),
  text(60).map((value) => ({ type: "alternate-domain", value }) as const),
  fc
    .record({ code: fc.integer({ min: 300, max: 699 }), reason: text(100) })
    .map((v) => ({ type: "error-code", ...v }) as const),
  fc
    .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 8 })
    .map((value) => ({ type: "unknown-attributes", value }) as const),
  u32.map((value) => ({ type: "priority", value }) as const),
  fc.constant({ type: "use-candidate" } as const),
  u64.map((value) => ({ type: "ice-controlled", value }) as const),
  u64.map((value) => ({ type: "ice-controlling", value }) as const),
  u32.map((value) => ({ type: "lifetime", value }) as const),
  fc.integer({ min: 0, max: 0xffff }).map((value) => ({ type: "channel-number", value }) as const),
  bytes(64).map((value) => ({ type: "data", value }) as const),
  fc.integer({ min: 0, max: 255 }).map((value) => ({ type: "requested-transport", value }) as const),
  fc.integer({ min: 0, max: 255 }).map((value) => ({ type: "requested-address-family", value }) as const),
  fc.constant({ type: "dont-fragment" } as const),
  fc.boolean().map((reserve) => ({ type: "even-port", reserve }) as const),
  fc
    .uint8Array({ minLength: 8, maxLength: 8 })
    .map((value) => ({ type: "reservation-token", value }) as const),
  fc
    .record({
      code: fc.integer({ min: 0, max: 0xffff }).filter((c) => !knownCodes.has(c)),
      raw: bytes(32),
    })
    .map((v) => ({ type: "unknown", ...v }) as const),
);

const message: fc.Arbitrary<StunMessage> = fc.record({
  method: fc.integer({ min: 0, max: 0xfff }),
  class: fc.constantFrom<StunClass>("request", "indication", "success", "error"),
  transactionId: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  attributes: fc.array(attribute, { maxLength: 12 }),
});

const options = fc.record({
  integrityKey: fc.option(bytes(32), { nil: undefined }),
  fingerprint: fc.boolean(),
});

describe("STUN codec properties", () => {
  it("decoding arbitrary bytes never throws", () => {
    fc.assert(
      fc.property(bytes(200), (data) => {
        decodeStunMessage(data);
      }),
      { numRuns: 2000 },
    );
  });

  it("decoding arbitrary bytes behind a valid header never throws", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 50 }).map((b) => b.subarray(0, b.length & ~3)),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        (body, tid) => {
          const header = Uint8Array.of(
            0,
            1,
            body.length >> 8,
            body.length & 0xff,
            0x21,
            0x12,
            0xa4,
            0x42,
            ...tid,
          );
          decodeStunMessage(Uint8Array.of(...header, ...body));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("valid messages encode -> decode -> encode to identical bytes, and integrity verifies", () => {
    fc.assert(
      fc.property(message, options, (msg, opts) => {
        const bytes = encodeStunMessage(msg, opts);
        const d = decodeStunMessage(bytes);
        if (!d.ok) throw new Error(`decode failed: ${d.error.code}@${d.error.at}`);
        expect(hex(encodeStunMessage(d.value, opts))).toBe(hex(bytes));
        expect(d.value.method).toBe(msg.method);
        expect(d.value.class).toBe(msg.class);
        if (opts.integrityKey !== undefined)
          expect(verifyMessageIntegrity(d.value, opts.integrityKey)).toBe("ok");
      }),
      { numRuns: 500 },
    );
  });

  it("mutated valid messages never throw", () => {
    fc.assert(
      fc.property(
        message,
        options,
        fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(),
        (msg, opts, flips, cut) => {
          const bytes = encodeStunMessage(msg, opts).slice();
          for (const f of flips) {
            const i = f.at % bytes.length;
            bytes[i] = (bytes[i] ?? 0) ^ f.xor;
          }
          const d = decodeStunMessage(bytes);
          if (d.ok && opts.integrityKey !== undefined) verifyMessageIntegrity(d.value, opts.integrityKey);
          decodeStunMessage(bytes.subarray(0, cut % (bytes.length + 1)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("IP addresses round-trip bytes -> text -> bytes", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ minLength: 4, maxLength: 4 }),
          fc.uint8Array({ minLength: 16, maxLength: 16 }),
        ),
        (b) => {
          const text = decodeIpAddress(b);
          expect(hex(encodeIpAddress(text ?? "") ?? new Uint8Array(0))).toBe(hex(b));
        },
      ),
    );
  });
});

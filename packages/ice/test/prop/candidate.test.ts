import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Candidate, formatCandidate, parseCandidate } from "../../src/wire/candidate.js";

const TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~".split("");
const ICE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/".split("");
const VCHARS = Array.from({ length: 0x7e - 0x20 }, (_, i) => String.fromCharCode(0x21 + i));

const token = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 12 });
const vcharValue = fc.string({ unit: fc.constantFrom(...VCHARS), minLength: 1, maxLength: 16 });

const address = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.uuid().map((u) => `${u}.local`),
  fc.domain(),
);

const candidate: fc.Arbitrary<Candidate> = fc
  .record({
    foundation: fc.string({ unit: fc.constantFrom(...ICE_CHARS), minLength: 1, maxLength: 32 }),
    component: fc.integer({ min: 1, max: 256 }),
    transport: fc.constantFrom("udp", "tcp", "dccp", "x-quic"),
    priority: fc.integer({ min: 0, max: 0xffffffff }),
    address,
    port: fc.integer({ min: 0, max: 65535 }),
    type: fc.constantFrom("host", "srflx", "prflx", "relay" as const),
    relatedAddress: fc.option(address, { nil: undefined }),
    relatedPort: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
    tcpType: fc.option(fc.constantFrom("active", "passive", "so"), { nil: undefined }),
    extensions: fc.array(
      fc.record({
        name: token.filter((n) => n !== "raddr" && n !== "rport" && n !== "tcptype"),
        value: vcharValue,
      }),
      { maxLength: 20 },
    ),
  })
  .map((r) => {
    const { relatedAddress, relatedPort, tcpType, ...rest } = r;
    return {
      ...rest,
      ...(relatedAddress !== undefined ? { relatedAddress } : {}),
      ...(relatedPort !== undefined ? { relatedPort } : {}),
      ...(tcpType !== undefined ? { tcpType } : {}),
    };
  });

/** Lines close to valid ones, so the parser is exercised past its first checks. */
const nearCandidateLine = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "typ",
        "host",
        "srflx",
        "raddr",
        "rport",
        "tcptype",
        "udp",
        "UDP",
        "1",
        "65536",
        "::1",
        "a.local",
      ),
      fc.string({ maxLength: 8 }),
      fc.nat().map(String),
    ),
    { maxLength: 40 },
  )
  .chain((parts) =>
    fc
      .constantFrom("", "a=candidate:", "candidate:", " a=candidate:")
      .map((prefix) => prefix + parts.join(" ")),
  );

describe("candidate codec properties", () => {
  it("parseCandidate never throws on arbitrary strings", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 1200 }),
          fc.string({ unit: "binary", maxLength: 300 }),
          nearCandidateLine,
        ),
        (s) => {
          const r = parseCandidate(s);
          expect(typeof r.ok).toBe("boolean");
          if (!r.ok) {
            expect(r.error.at).toBeGreaterThanOrEqual(0);
            expect(r.error.at).toBeLessThanOrEqual(s.length);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("format then parse gives back the same Candidate", () => {
    fc.assert(
      fc.property(candidate, (c) => {
        const r = parseCandidate(formatCandidate(c));
        expect(r).toEqual({ ok: true, value: c });
      }),
      { numRuns: 1000 },
    );
  });

  it("format(parse(x)) re-parses to the same Candidate for valid lines in any accepted spelling", () => {
    fc.assert(
      fc.property(
        candidate,
        fc.constantFrom("a=", ""),
        fc.constantFrom("\r\n", "", " "),
        fc.boolean(),
        (c, prefix, suffix, upper) => {
          let line = prefix + formatCandidate(c) + suffix;
          if (upper) line = line.replace(` ${c.transport} `, ` ${c.transport.toUpperCase()} `);
          const first = parseCandidate(line);
          if (!first.ok) throw new Error(`${first.error.code} at ${first.error.at}: ${line}`);
          const again = parseCandidate(formatCandidate(first.value));
          expect(again).toEqual(first);
          expect(first.value.transport).toBe(
            upper && c.transport !== "udp" && c.transport !== "tcp" ? c.transport.toUpperCase() : c.transport,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

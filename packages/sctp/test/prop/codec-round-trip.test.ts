import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeDcepMessage, encodeDcepMessage } from "../../src/wire/dcep.js";
import { decodeWebRtcMessage, encodeWebRtcMessage } from "../../src/wire/ppid.js";
import {
  decodeSctpPacket,
  encodeSctpPacket,
  encodeSctpPacketInto,
  sctpPacketLength,
} from "../../src/wire/sctp-packet.js";
import { dcepMessage, sctpPacket } from "./chunk-arbitraries.js";

const runs = { numRuns: 1000 };

describe("generated valid structures round-trip byte-identically", () => {
  it("SCTP packets: encode → decode gives the value back; re-encoding gives the same octets", () => {
    fc.assert(
      fc.property(sctpPacket, (packet) => {
        const bytes = encodeSctpPacket(packet);
        expect(bytes.length).toBe(sctpPacketLength(packet.chunks));
        const r = decodeSctpPacket(bytes);
        if (!r.ok) throw new Error(`${r.error.code} at ${r.error.at}`);
        expect(r.value.chunks).toEqual(packet.chunks);
        expect(r.value).toMatchObject({
          sourcePort: packet.sourcePort,
          destinationPort: packet.destinationPort,
          verificationTag: packet.verificationTag,
        });
        expect(Buffer.from(encodeSctpPacket(r.value)).equals(Buffer.from(bytes))).toBe(true);
      }),
      runs,
    );
  });

  it("encodeSctpPacketInto at any offset writes what encodeSctpPacket returns", () => {
    fc.assert(
      fc.property(sctpPacket, fc.nat(13), fc.boolean(), (packet, offset, zeroChecksum) => {
        const expected = encodeSctpPacket(packet, { zeroChecksum });
        const out = new Uint8Array(offset + expected.length + 5).fill(0x5a);
        expect(encodeSctpPacketInto(out, offset, packet, { zeroChecksum })).toBe(expected.length);
        expect(
          Buffer.from(out.subarray(offset, offset + expected.length)).equals(Buffer.from(expected)),
        ).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("DCEP messages", () => {
    fc.assert(
      fc.property(dcepMessage, (m) => {
        const bytes = encodeDcepMessage(m);
        const r = decodeDcepMessage(bytes);
        expect(r).toEqual({ ok: true, value: m });
        if (r.ok) expect(Buffer.from(encodeDcepMessage(r.value)).equals(Buffer.from(bytes))).toBe(true);
      }),
      runs,
    );
  });

  it("WebRTC user messages through their PPIDs, empty ones included", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("string" as const, "binary" as const),
        fc.uint8Array({ maxLength: 40 }),
        (kind, data) => {
          const { ppid, userData } = encodeWebRtcMessage(kind, data);
          expect(userData.length).toBeGreaterThan(0);
          expect(decodeWebRtcMessage(ppid, userData)).toEqual({
            ok: true,
            value: { kind, data, partial: false },
          });
        },
      ),
      runs,
    );
  });
});

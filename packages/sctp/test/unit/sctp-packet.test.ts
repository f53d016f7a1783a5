import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Chunk } from "../../src/wire/chunk.js";
import { readSctpChecksum, sctpPacketCrc32c, writeSctpChecksum } from "../../src/wire/crc32c.js";
import { decodeDcepMessage } from "../../src/wire/dcep.js";
import { UsageError } from "../../src/wire/decoded.js";
import {
  decodeSctpPacket,
  encodeSctpPacket,
  encodeSctpPacketInto,
  type SctpPacketFields,
  sctpPacketLength,
} from "../../src/wire/sctp-packet.js";
import { framedPacket, rfcHex, toHex } from "./rfc-hex.js";

interface Captured {
  readonly packets: readonly { readonly name: string; readonly source: string; readonly hex: string }[];
}
const captured = JSON.parse(
  readFileSync(new URL("../vectors/captured-packets.json", import.meta.url), "utf8"),
) as Captured;
const packetNamed = (name: string) =>
  Uint8Array.from(Buffer.from(captured.packets.find((p) => p.name === name)?.hex ?? "", "hex"));

describe("captured packets from other stacks", () => {
  it.each(captured.packets)("$name: its CRC32c checks, and it re-encodes to the same octets", ({ hex }) => {
    const bytes = Uint8Array.from(Buffer.from(hex, "hex"));
    const r = decodeSctpPacket(bytes);
    if (!r.ok) throw new Error(`${r.error.code} at ${r.error.at}`);
    expect(toHex(encodeSctpPacket(r.value))).toBe(hex);
  });

  it("Chromium's INIT, field by field", () => {
    const r = decodeSctpPacket(packetNamed("chromium-init"));
    expect(r.ok && r.value).toMatchObject({
      sourcePort: 5000,
      destinationPort: 5000,
      verificationTag: 0,
      chunks: [
        {
          type: "init",
          initiateTag: 0xce1579a2,
          aRwnd: 131072,
          numberOfOutboundStreams: 1024,
          numberOfInboundStreams: 2048,
          initialTsn: 0x945795c0,
          parameters: [
            { type: "forward-tsn-supported" },
            { type: "supported-extensions", chunkTypes: [0xc0, 0x0f, 0xc1, 0x80, 0x82] },
            { type: "unknown", parameterType: 0x8002, action: "skip" }, // Random (RFC 4895)
            { type: "unknown", parameterType: 0x8004, action: "skip" }, // Requested HMAC Algorithm
            { type: "unknown", parameterType: 0x8003, action: "skip" }, // Chunk List
          ],
        },
      ],
    });
  });

  it("a COOKIE ECHO bundled with the DATA chunk of a DCEP DATA_CHANNEL_OPEN", () => {
    const r = decodeSctpPacket(packetNamed("cookie-echo-and-dcep-open"));
    if (!r.ok) throw new Error(r.error.code);
    const [echo, data] = r.value.chunks;
    expect(echo?.type === "cookie-echo" && echo.cookie.length).toBe(32);
    if (data?.type !== "data") throw new Error("no DATA");
    expect(data).toMatchObject({
      beginning: true,
      ending: true,
      unordered: false,
      streamId: 1,
      ssn: 0,
      ppid: 50,
    });
    expect(decodeDcepMessage(data.userData)).toEqual({
      ok: true,
      value: {
        type: "data-channel-open",
        channelType: 0,
        priority: 0,
        reliabilityParameter: 0,
        label: "foo",
        protocol: "",
      },
    });
  });
});

describe("the common header and the checksum, RFC 9260 §3.1, §6.8", () => {
  const packet = rfcHex(`
    13 88 13 89   # Source Port Number = 5000 | Destination Port Number = 5001
    de ad be ef   # Verification Tag
    00 00 00 00   # Checksum (set below)
    0b 00 00 04   # COOKIE ACK
  `);
  writeSctpChecksum(packet, sctpPacketCrc32c(packet));

  it("decodes the ports, the tag and the checksum", () => {
    expect(decodeSctpPacket(packet)).toEqual({
      ok: true,
      value: {
        sourcePort: 5000,
        destinationPort: 5001,
        verificationTag: 0xdeadbeef,
        checksum: readSctpChecksum(packet),
        chunks: [{ type: "cookie-ack" }],
      },
    });
  });

  it("a packet inside a larger buffer (a view at any offset) decodes the same", () => {
    for (let offset = 1; offset < 8; offset++) {
      const outer = new Uint8Array(offset + packet.length + 3);
      outer.set(packet, offset);
      expect(decodeSctpPacket(outer.subarray(offset, offset + packet.length))).toEqual(
        decodeSctpPacket(packet),
      );
    }
  });

  it("one flipped bit anywhere fails the CRC32c", () => {
    for (let i = 0; i < packet.length; i++) {
      const bad = packet.slice();
      bad[i] = (bad[i] as number) ^ 0x10;
      expect(decodeSctpPacket(bad)).toEqual({ ok: false, error: { code: "bad-checksum", at: 8 } });
    }
  });

  it("RFC 9653: a zero checksum is accepted only when we said we accept it", () => {
    const zero = packet.slice();
    zero.fill(0, 8, 12);
    expect(decodeSctpPacket(zero)).toEqual({ ok: false, error: { code: "bad-checksum", at: 8 } });
    expect(decodeSctpPacket(zero, { acceptZeroChecksum: true })).toMatchObject({
      ok: true,
      value: { checksum: 0 },
    });
    // a correct CRC is accepted either way; a wrong non-zero one never
    expect(decodeSctpPacket(packet, { acceptZeroChecksum: true }).ok).toBe(true);
    const wrong = packet.slice();
    wrong[8] = (wrong[8] as number) ^ 1;
    expect(decodeSctpPacket(wrong, { acceptZeroChecksum: true }).ok).toBe(false);
  });

  it("verifyChecksum: false skips the check", () => {
    const wrong = packet.slice();
    wrong[8] = (wrong[8] as number) ^ 1;
    expect(decodeSctpPacket(wrong, { verifyChecksum: false }).ok).toBe(true);
  });
});

describe("packet framing failures", () => {
  const noCrc = { verifyChecksum: false } as const;
  it.each([
    ["shorter than the common header", "13 88 13 88 00 00 00 00 00 00 00", "packet-truncated", 11],
    ["a common header alone", "13 88 13 88 00 00 00 00 00 00 00 00", "no-chunks", 12],
    ["3 octets after the header", "13 88 13 88 00 00 00 00 00 00 00 00  0b 00 00", "chunk-truncated", 12],
    ["a Chunk Length of 3", "13 88 13 88 00 00 00 00 00 00 00 00  0b 00 00 03", "chunk-length-invalid", 14],
    ["a Chunk Length of 0", "13 88 13 88 00 00 00 00 00 00 00 00  00 00 00 00", "chunk-length-invalid", 14],
    [
      "a Chunk Length past the packet",
      "13 88 13 88 00 00 00 00 00 00 00 00  0b 00 00 08",
      "chunk-truncated",
      12,
    ],
    [
      "2 stray octets after a chunk",
      "13 88 13 88 00 00 00 00 00 00 00 00  0b 00 00 04  00 00",
      "chunk-truncated",
      16,
    ],
  ])("%s", (_name, hex, code, at) => {
    expect(decodeSctpPacket(rfcHex(hex), noCrc)).toEqual({ ok: false, error: { code, at } });
  });

  it("the last chunk's padding may be missing", () => {
    const r = decodeSctpPacket(
      framedPacket(rfcHex("00 03 00 11  00 00 00 01  00 00 00 00  00 00 00 35  ff")),
    );
    expect(r.ok && r.value.chunks[0]).toMatchObject({ type: "data", userData: Uint8Array.of(0xff) });
  });

  it("RFC 9260 §3.2: decoding stops after an unknown chunk whose upper bits say stop", () => {
    const r = decodeSctpPacket(
      framedPacket(rfcHex("0b 00 00 04  7f 00 00 04  ff ff ff ff ff")), // COOKIE ACK, 0x7F, garbage
    );
    expect(r.ok && r.value.chunks).toEqual([
      { type: "cookie-ack" },
      { type: "unknown", chunkType: 0x7f, flags: 0, raw: rfcHex("7f 00 00 04"), action: "stop-and-report" },
    ]);
  });

  it("and goes on after one whose upper bits say skip", () => {
    const r = decodeSctpPacket(framedPacket(rfcHex("84 00 00 05  00 00 00 00  0b 00 00 04"))); // PAD, COOKIE ACK
    expect(r.ok && r.value.chunks.map((c) => c.type)).toEqual(["unknown", "cookie-ack"]);
  });
});

describe("encoding packets", () => {
  const data = (tsn: number, userData: Uint8Array): Chunk => ({
    type: "data",
    immediate: false,
    unordered: false,
    beginning: true,
    ending: true,
    tsn,
    streamId: 1,
    ssn: tsn,
    ppid: 53,
    userData,
  });
  const packet: SctpPacketFields = {
    sourcePort: 5000,
    destinationPort: 5000,
    verificationTag: 0x11223344,
    chunks: [
      { type: "sack", cumulativeTsnAck: 9, aRwnd: 1 << 20, gapAckBlocks: [], duplicateTsns: [] },
      data(10, Uint8Array.of(1)),
      data(11, Uint8Array.of(1, 2, 3, 4, 5)),
    ],
  };

  it("bundles chunks, each padded, with the CRC32c set", () => {
    const bytes = encodeSctpPacket(packet);
    expect(bytes.length).toBe(12 + 16 + 20 + 24);
    expect(sctpPacketLength(packet.chunks)).toBe(bytes.length);
    expect(readSctpChecksum(bytes)).toBe(sctpPacketCrc32c(bytes));
    expect(toHex(bytes.subarray(44, 48))).toBe("01000000"); // the first DATA's user data and its padding
    const r = decodeSctpPacket(bytes);
    expect(r.ok && r.value.chunks).toEqual(packet.chunks);
  });

  it("encodeSctpPacketInto writes into a caller's buffer at an offset and touches nothing else", () => {
    const out = new Uint8Array(200).fill(0xaa);
    const n = encodeSctpPacketInto(out, 17, packet);
    expect(n).toBe(72);
    expect(toHex(out.subarray(17, 17 + n))).toBe(toHex(encodeSctpPacket(packet)));
    expect(out.subarray(0, 17).every((x) => x === 0xaa)).toBe(true);
    expect(out.subarray(17 + n).every((x) => x === 0xaa)).toBe(true);
  });

  it("padding between parameters counts from each parameter, not from the start of the caller's buffer", () => {
    // An ERROR with a 5-octet cause (padded to 8) then another: written at an offset that is not a multiple
    // of 4, the padding once ran to the next multiple of 4 of the buffer and overwrote the second cause.
    const error: SctpPacketFields = {
      ...packet,
      chunks: [
        {
          type: "error",
          errorCauses: [
            { type: "protocol-violation", additionalInformation: Uint8Array.of(0x78) },
            { type: "invalid-stream-identifier", streamId: 7 },
          ],
        },
      ],
    };
    for (let offset = 0; offset < 4; offset++) {
      const out = new Uint8Array(64).fill(0x5a);
      const n = encodeSctpPacketInto(out, offset, error);
      expect(toHex(out.subarray(offset, offset + n))).toBe(toHex(encodeSctpPacket(error)));
    }
  });

  it("zeroChecksum writes 0 in the Checksum field (RFC 9653)", () => {
    const bytes = encodeSctpPacket(packet, { zeroChecksum: true });
    expect(readSctpChecksum(bytes)).toBe(0);
    expect(decodeSctpPacket(bytes).ok).toBe(false);
    expect(decodeSctpPacket(bytes, { acceptZeroChecksum: true }).ok).toBe(true);
  });

  it("misuse throws UsageError: no chunks, no room, a chunk over 65535 octets, a raw chunk that lies", () => {
    expect(() => encodeSctpPacket({ ...packet, chunks: [] })).toThrow(UsageError);
    expect(() => encodeSctpPacketInto(new Uint8Array(71), 0, packet)).toThrow(UsageError);
    expect(() => encodeSctpPacket({ ...packet, chunks: [data(1, new Uint8Array(65520))] })).toThrow(
      UsageError,
    );
    expect(encodeSctpPacket({ ...packet, chunks: [data(1, new Uint8Array(65519))] }).length).toBe(12 + 65536);
    expect(() =>
      encodeSctpPacket({
        ...packet,
        chunks: [{ type: "unknown", chunkType: 0x84, flags: 0, raw: rfcHex("84 00 00 08"), action: "skip" }],
      }),
    ).toThrow(UsageError);
  });
});

import { describe, expect, it } from "vitest";
import {
  DataChannelType,
  dataChannelOrdered,
  dataChannelReliability,
  dataChannelType,
  decodeDcepMessage,
  encodeDcepMessage,
} from "../../src/wire/dcep.js";
import { UsageError } from "../../src/wire/decoded.js";
import { decodeWebRtcMessage, encodeWebRtcMessage, Ppid } from "../../src/wire/ppid.js";
import { rfcHex, toHex } from "./rfc-hex.js";

describe("DCEP, RFC 8832 §5", () => {
  const open = rfcHex(`
    03 01 01 00   # Message Type = DATA_CHANNEL_OPEN | Channel Type = PARTIAL_RELIABLE_REXMIT | Priority = 256
    00 00 00 03   # Reliability Parameter = 3 retransmissions
    00 04 00 04   # Label Length = 4 | Protocol Length = 4
    63 68 61 74   # Label "chat"
    6a 73 6f 6e   # Protocol "json"
  `);

  it("§5.1 DATA_CHANNEL_OPEN", () => {
    const r = decodeDcepMessage(open);
    expect(r).toEqual({
      ok: true,
      value: {
        type: "data-channel-open",
        channelType: DataChannelType.DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT,
        priority: 256,
        reliabilityParameter: 3,
        label: "chat",
        protocol: "json",
      },
    });
    if (!r.ok || r.value.type !== "data-channel-open") throw new Error("not an open");
    expect(dataChannelOrdered(r.value.channelType)).toBe(true);
    expect(dataChannelReliability(r.value)).toEqual({ kind: "max-retransmits", maxRetransmits: 3 });
    expect(toHex(encodeDcepMessage(r.value))).toBe(toHex(open));
  });

  it("§5.2 DATA_CHANNEL_ACK is one octet", () => {
    expect(decodeDcepMessage(Uint8Array.of(0x02))).toEqual({ ok: true, value: { type: "data-channel-ack" } });
    expect(toHex(encodeDcepMessage({ type: "data-channel-ack" }))).toBe("02");
  });

  it("labels and protocols are UTF-8, unpadded", () => {
    const m = {
      type: "data-channel-open",
      channelType: DataChannelType.DATA_CHANNEL_RELIABLE_UNORDERED,
      priority: 512,
      reliabilityParameter: 0,
      label: "café ☕",
      protocol: "",
    } as const;
    const bytes = encodeDcepMessage(m);
    expect(bytes.length).toBe(12 + 9);
    expect(toHex(bytes.subarray(8, 12))).toBe("00090000");
    expect(decodeDcepMessage(bytes)).toEqual({ ok: true, value: m });
  });

  it("Channel Types: ordering and reliability both ways", () => {
    expect(dataChannelType(true, "reliable")).toBe(0x00);
    expect(dataChannelType(false, "reliable")).toBe(0x80);
    expect(dataChannelType(true, "max-retransmits")).toBe(0x01);
    expect(dataChannelType(false, "max-retransmits")).toBe(0x81);
    expect(dataChannelType(true, "max-packet-life-time")).toBe(0x02);
    expect(dataChannelType(false, "max-packet-life-time")).toBe(0x82);
    const timed = {
      type: "data-channel-open",
      channelType: 0x82,
      priority: 0,
      reliabilityParameter: 1500,
      label: "",
      protocol: "",
    } as const;
    expect(dataChannelOrdered(0x82)).toBe(false);
    expect(dataChannelReliability(timed)).toEqual({
      kind: "max-packet-life-time",
      maxPacketLifeTimeMs: 1500,
    });
  });

  it.each([
    ["an empty message", "", "dcep-empty", 0],
    ["an unknown Message Type", "04", "dcep-unknown-message-type", 0],
    ["an OPEN shorter than 12 octets", "03 00 01 00 00 00 00 00 00 00 00", "dcep-truncated", 11],
    ["a Label Length past the end", "03 00 01 00 00 00 00 00 00 05 00 00 61 62", "dcep-truncated", 14],
    ["an unknown Channel Type", "03 03 01 00 00 00 00 00 00 00 00 00", "dcep-unknown-channel-type", 1],
    ["a label that is not UTF-8", "03 00 01 00 00 00 00 00 00 01 00 00 ff", "dcep-label-not-utf8", 12],
    [
      "a protocol that is not UTF-8",
      "03 00 01 00 00 00 00 00 00 00 00 02 c3 28",
      "dcep-protocol-not-utf8",
      12,
    ],
  ])("refuses %s", (_name, hex, code, at) => {
    expect(decodeDcepMessage(rfcHex(hex))).toEqual({ ok: false, error: { code, at } });
  });

  it("a label over 65535 octets of UTF-8 cannot be encoded", () => {
    expect(() =>
      encodeDcepMessage({
        type: "data-channel-open",
        channelType: 0,
        priority: 256,
        reliabilityParameter: 0,
        label: "é".repeat(40000),
        protocol: "",
      }),
    ).toThrow(UsageError);
  });
});

describe("PPIDs, RFC 8831 §8 and the empty messages of §6.6", () => {
  it("strings and binary", () => {
    const text = new TextEncoder().encode("hi");
    expect(encodeWebRtcMessage("string", text)).toEqual({ ppid: 51, userData: text });
    expect(encodeWebRtcMessage("binary", text)).toEqual({ ppid: 53, userData: text });
    expect(decodeWebRtcMessage(51, text)).toEqual({
      ok: true,
      value: { kind: "string", data: text, partial: false },
    });
    expect(decodeWebRtcMessage(53, text)).toEqual({
      ok: true,
      value: { kind: "binary", data: text, partial: false },
    });
  });

  it("an empty message goes as one zero octet with PPID 56 / 57, and comes back empty", () => {
    const s = encodeWebRtcMessage("string", new Uint8Array(0));
    const b = encodeWebRtcMessage("binary", new Uint8Array(0));
    expect(s).toEqual({ ppid: Ppid.StringEmpty, userData: Uint8Array.of(0) });
    expect(b).toEqual({ ppid: Ppid.BinaryEmpty, userData: Uint8Array.of(0) });
    expect(decodeWebRtcMessage(56, Uint8Array.of(0))).toEqual({
      ok: true,
      value: { kind: "string", data: new Uint8Array(0), partial: false },
    });
    expect(decodeWebRtcMessage(57, Uint8Array.of(0))).toMatchObject({ ok: true, value: { kind: "binary" } });
  });

  it("the deprecated partial PPIDs 52 and 54 are understood and marked", () => {
    expect(decodeWebRtcMessage(52, Uint8Array.of(1))).toMatchObject({
      value: { kind: "binary", partial: true },
    });
    expect(decodeWebRtcMessage(54, Uint8Array.of(1))).toMatchObject({
      value: { kind: "string", partial: true },
    });
  });

  it("DCEP (50) and undefined PPIDs are not user messages", () => {
    for (const ppid of [0, 50, 55, 58, 0xffffffff]) {
      expect(decodeWebRtcMessage(ppid, Uint8Array.of(1))).toEqual({
        ok: false,
        error: { code: "not-a-message-ppid", at: 0 },
      });
    }
  });
});

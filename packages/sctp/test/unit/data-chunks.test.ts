import { describe, expect, it } from "vitest";
import { decodeSctpPacket } from "../../src/wire/sctp-packet.js";
import { chunkDecodeError, decodeOneChunk, encodeOneChunk, framedPacket, rfcHex, toHex } from "./rfc-hex.js";

describe("DATA, RFC 9260 §3.3.1", () => {
  const bytes = rfcHex(`
    00 0b 00 13   # Type = 0 | Res, I=1 U=0 B=1 E=1 | Length = 19
    00 00 00 2a   # TSN = 42
    00 07 00 03   # Stream Identifier S = 7 | Stream Sequence Number n = 3
    00 00 00 33   # Payload Protocol Identifier = 51
    61 62 63 00   # User Data "abc", then one octet of chunk padding
  `);

  it("decodes every field", () => {
    const c = decodeOneChunk(bytes);
    expect(c).toEqual({
      type: "data",
      immediate: true,
      unordered: false,
      beginning: true,
      ending: true,
      tsn: 42,
      streamId: 7,
      ssn: 3,
      ppid: 51,
      userData: new TextEncoder().encode("abc"),
    });
  });

  it("encodes to the same octets, padding zeroed", () => {
    expect(toHex(encodeOneChunk(decodeOneChunk(bytes)))).toBe(toHex(bytes));
  });

  it.each([
    [0x01, "ending"],
    [0x02, "beginning"],
    [0x04, "unordered"],
    [0x08, "immediate"],
  ] as const)("flag bit 0x%s is %s, alone", (bit, name) => {
    const b = bytes.slice();
    b[1] = bit;
    const c = decodeOneChunk(b);
    if (c.type !== "data") throw new Error(c.type);
    expect({
      immediate: c.immediate,
      unordered: c.unordered,
      beginning: c.beginning,
      ending: c.ending,
    }).toEqual({
      immediate: name === "immediate",
      unordered: name === "unordered",
      beginning: name === "beginning",
      ending: name === "ending",
    });
    expect(encodeOneChunk(c)[1]).toBe(bit);
  });

  it("the user data is a view into the packet, not a copy", () => {
    const packet = framedPacket(bytes);
    const r = decodeSctpPacket(packet);
    if (!r.ok) throw new Error(r.error.code);
    const c = r.value.chunks[0];
    if (c?.type !== "data") throw new Error("not data");
    expect(c.userData.buffer).toBe(packet.buffer);
    expect(c.userData.byteOffset).toBe(packet.byteOffset + 12 + 16);
  });

  it("a DATA chunk without user data decodes (refusing it is the machine's job)", () => {
    const c = decodeOneChunk(rfcHex("00 03 00 10  00 00 00 01  00 00 00 00  00 00 00 35"));
    expect(c.type === "data" && c.userData.length).toBe(0);
  });

  it("a Length under 16 is refused", () => {
    expect(chunkDecodeError(rfcHex("00 03 00 0c  00 00 00 01  00 00 00 00"))).toEqual({
      code: "chunk-length-invalid",
      at: 2,
    });
  });
});

describe("I-DATA, RFC 8260 §2.1", () => {
  const first = rfcHex(`
    40 06 00 17   # Type = 64 | Res, I=0 U=1 B=1 E=0 | Length = 23
    00 00 00 64   # TSN = 100
    00 05 00 00   # Stream Identifier = 5 | Reserved
    00 00 00 02   # Message Identifier = 2
    00 00 00 35   # Payload Protocol Identifier = 53 (B is set)
    01 02 03 00   # User Data, then one octet of padding
  `);
  const second = rfcHex(`
    40 05 00 16   # Type = 64 | Res, U=1 B=0 E=1 | Length = 22
    00 00 00 65   # TSN = 101
    00 05 00 00   # Stream Identifier = 5 | Reserved
    00 00 00 02   # Message Identifier = 2
    00 00 00 01   # Fragment Sequence Number = 1 (B is clear)
    04 05 00 00   # User Data, then two octets of padding
  `);

  it("the fifth word is the PPID on the first fragment", () => {
    expect(decodeOneChunk(first)).toEqual({
      type: "i-data",
      immediate: false,
      unordered: true,
      beginning: true,
      ending: false,
      tsn: 100,
      streamId: 5,
      mid: 2,
      ppid: 53,
      fsn: 0,
      userData: Uint8Array.of(1, 2, 3),
    });
  });

  it("and the FSN on the others", () => {
    expect(decodeOneChunk(second)).toMatchObject({ beginning: false, ending: true, mid: 2, ppid: 0, fsn: 1 });
  });

  it("both encode to the same octets", () => {
    expect(toHex(encodeOneChunk(decodeOneChunk(first)))).toBe(toHex(first));
    expect(toHex(encodeOneChunk(decodeOneChunk(second)))).toBe(toHex(second));
  });

  it("a Length under 20 is refused", () => {
    expect(chunkDecodeError(rfcHex("40 03 00 10  00 00 00 01  00 00 00 00  00 00 00 00"))?.code).toBe(
      "chunk-length-invalid",
    );
  });
});

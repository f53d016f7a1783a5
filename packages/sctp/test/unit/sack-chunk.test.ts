import { describe, expect, it } from "vitest";
import { chunkDecodeError, decodeOneChunk, encodeOneChunk, rfcHex, toHex } from "./rfc-hex.js";

describe("SACK, RFC 9260 §3.3.4", () => {
  const sack = rfcHex(`
    03 00 00 24   # Type = 3 | Chunk Flags | Chunk Length = 36
    00 00 03 e8   # Cumulative TSN Ack = 1000
    00 01 00 00   # a_rwnd = 65536
    00 02 00 03   # Number of Gap Ack Blocks = 2 | Number of Duplicate TSNs = 3
    00 02 00 03   # Gap Ack Block #1 Start = 2 | End = 3 (TSNs 1002–1003)
    00 05 00 05   # Gap Ack Block #2 Start = 5 | End = 5 (TSN 1005)
    00 00 03 e5   # Duplicate TSN 1 = 997
    00 00 03 e6   # Duplicate TSN 2 = 998
    00 00 03 e7   # Duplicate TSN 3 = 999
  `);

  it("decodes the gap blocks (offsets from the Cumulative TSN Ack) and the duplicates", () => {
    expect(decodeOneChunk(sack)).toEqual({
      type: "sack",
      cumulativeTsnAck: 1000,
      aRwnd: 65536,
      gapAckBlocks: [
        { start: 2, end: 3 },
        { start: 5, end: 5 },
      ],
      duplicateTsns: [997, 998, 999],
    });
  });

  it("encodes to the same octets", () => {
    expect(toHex(encodeOneChunk(decodeOneChunk(sack)))).toBe(toHex(sack));
  });

  it("a SACK without blocks or duplicates is 16 octets", () => {
    const plain = rfcHex("03 00 00 10  ff ff ff ff  00 00 00 00  00 00 00 00");
    expect(decodeOneChunk(plain)).toEqual({
      type: "sack",
      cumulativeTsnAck: 0xffffffff,
      aRwnd: 0,
      gapAckBlocks: [],
      duplicateTsns: [],
    });
    expect(toHex(encodeOneChunk(decodeOneChunk(plain)))).toBe(toHex(plain));
  });

  it("counts that need more octets than the chunk holds are refused before anything is allocated", () => {
    const lying = sack.slice();
    lying[12] = 0xff; // 65280 + 2 gap blocks claimed in a 36-octet chunk
    expect(chunkDecodeError(lying)).toEqual({ code: "sack-counts-exceed-length", at: 12 });
    const oneTooMany = sack.slice();
    oneTooMany[15] = 4; // 4 duplicates: 4 octets short
    expect(chunkDecodeError(oneTooMany)?.code).toBe("sack-counts-exceed-length");
  });

  it("a Chunk Length under 16 is refused", () => {
    expect(chunkDecodeError(rfcHex("03 00 00 0c  00 00 00 01  00 00 10 00"))?.code).toBe(
      "chunk-length-invalid",
    );
  });
});

import { describe, expect, it } from "vitest";
import { chunkDecodeError, decodeOneChunk, encodeOneChunk, rfcHex, toHex } from "./rfc-hex.js";

describe("FORWARD TSN, RFC 3758 §3.2", () => {
  const chunk = rfcHex(`
    c0 00 00 10   # Type = 192 | Flags = 0x00 | Length = 16
    00 00 00 64   # New Cumulative TSN = 100
    00 01 00 05   # Stream-1 = 1 | Stream Sequence-1 = 5
    00 02 00 07   # Stream-2 = 2 | Stream Sequence-2 = 7
  `);

  it("decodes the New Cumulative TSN and the skipped streams", () => {
    expect(decodeOneChunk(chunk)).toEqual({
      type: "forward-tsn",
      newCumulativeTsn: 100,
      streams: [
        { streamId: 1, ssn: 5 },
        { streamId: 2, ssn: 7 },
      ],
    });
    expect(toHex(encodeOneChunk(decodeOneChunk(chunk)))).toBe(toHex(chunk));
  });

  it("without streams it is 8 octets; under 8 it is refused", () => {
    expect(decodeOneChunk(rfcHex("c0 00 00 08  ff ff ff ff"))).toEqual({
      type: "forward-tsn",
      newCumulativeTsn: 0xffffffff,
      streams: [],
    });
    expect(chunkDecodeError(rfcHex("c0 00 00 04"))?.code).toBe("chunk-length-invalid");
  });
});

describe("I-FORWARD-TSN, RFC 8260 §2.3.1", () => {
  const chunk = rfcHex(`
    c2 00 00 18   # Type = 194 | Flags = 0x00 | Length = 24
    00 00 00 64   # New Cumulative TSN = 100
    00 01 00 01   # Stream Identifier = 1 | Reserved, U = 1
    00 00 00 05   # Message Identifier = 5
    00 02 00 00   # Stream Identifier = 2 | Reserved, U = 0
    00 00 00 07   # Message Identifier = 7
  `);

  it("decodes the skipped MIDs per stream and ordering", () => {
    expect(decodeOneChunk(chunk)).toEqual({
      type: "i-forward-tsn",
      newCumulativeTsn: 100,
      streams: [
        { streamId: 1, unordered: true, mid: 5 },
        { streamId: 2, unordered: false, mid: 7 },
      ],
    });
    expect(toHex(encodeOneChunk(decodeOneChunk(chunk)))).toBe(toHex(chunk));
  });

  it("under 8 octets it is refused", () => {
    expect(chunkDecodeError(rfcHex("c2 00 00 04"))?.code).toBe("chunk-length-invalid");
  });
});

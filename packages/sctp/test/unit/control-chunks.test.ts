import { describe, expect, it } from "vitest";
import { chunkDecodeError, decodeOneChunk, encodeOneChunk, rfcHex, toHex } from "./rfc-hex.js";

function roundTrips(bytes: Uint8Array): void {
  expect(toHex(encodeOneChunk(decodeOneChunk(bytes)))).toBe(toHex(bytes));
}

describe("HEARTBEAT and HEARTBEAT ACK, RFC 9260 §3.3.5–3.3.6", () => {
  const heartbeat = rfcHex(`
    04 00 00 0d   # Type = 4 | Chunk Flags | Heartbeat Length = 13
    00 01 00 09   # Heartbeat Info Type = 1 | HB Info Length = 9
    01 02 03 04   # Sender-Specific Heartbeat Info
    05 00 00 00   #   (5 octets), then 3 octets of padding
  `);

  it("decodes the Sender-Specific Heartbeat Info", () => {
    expect(decodeOneChunk(heartbeat)).toEqual({
      type: "heartbeat",
      heartbeatInfo: Uint8Array.of(1, 2, 3, 4, 5),
    });
    roundTrips(heartbeat);
  });

  it("HEARTBEAT ACK (type 5) has the same layout", () => {
    const ack = heartbeat.slice();
    ack[0] = 5;
    expect(decodeOneChunk(ack)).toEqual({
      type: "heartbeat-ack",
      heartbeatInfo: Uint8Array.of(1, 2, 3, 4, 5),
    });
    roundTrips(ack);
  });

  it.each([
    ["no parameter", "04 00 00 04", "heartbeat-info-missing"],
    ["another parameter type", "04 00 00 08  00 02 00 04", "heartbeat-info-missing"],
    ["an HB Info Length of 2", "04 00 00 08  00 01 00 02", "parameter-length-invalid"],
    ["an HB Info Length past the chunk", "04 00 00 08  00 01 00 10", "parameter-truncated"],
  ])("refuses %s", (_name, hex, code) => {
    expect(chunkDecodeError(rfcHex(hex))?.code).toBe(code);
  });
});

describe("ABORT, RFC 9260 §3.3.7", () => {
  const abort = rfcHex(`
    06 01 00 11   # Type = 6 | Reserved, T = 1 | Length = 17
    00 0c 00 07   # Cause Code = 12 User-Initiated Abort | Cause Length = 7
    62 79 65 00   #   Upper Layer Abort Reason "bye", then 1 octet of padding
    00 0d 00 05   # Cause Code = 13 Protocol Violation | Cause Length = 5
    78 00 00 00   #   Additional Information "x", then 3 octets of chunk padding
  `);

  it("decodes the T bit and the error causes", () => {
    expect(decodeOneChunk(abort)).toEqual({
      type: "abort",
      verificationTagReflected: true,
      errorCauses: [
        { type: "user-initiated-abort", upperLayerAbortReason: new TextEncoder().encode("bye") },
        { type: "protocol-violation", additionalInformation: new TextEncoder().encode("x") },
      ],
    });
    roundTrips(abort);
  });

  it("an ABORT without causes and T = 0 is 4 octets", () => {
    const bare = rfcHex("06 00 00 04");
    expect(decodeOneChunk(bare)).toEqual({ type: "abort", verificationTagReflected: false, errorCauses: [] });
    roundTrips(bare);
  });
});

describe("SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE, RFC 9260 §3.3.8, §3.3.9, §3.3.13", () => {
  it("SHUTDOWN carries the Cumulative TSN Ack", () => {
    const b = rfcHex("07 00 00 08  00 00 03 e8  # Type = 7 | Length = 8 | Cumulative TSN Ack = 1000");
    expect(decodeOneChunk(b)).toEqual({ type: "shutdown", cumulativeTsnAck: 1000 });
    roundTrips(b);
    expect(chunkDecodeError(rfcHex("07 00 00 04"))?.code).toBe("chunk-length-invalid");
  });

  it("SHUTDOWN ACK is a bare header", () => {
    const b = rfcHex("08 00 00 04");
    expect(decodeOneChunk(b)).toEqual({ type: "shutdown-ack" });
    roundTrips(b);
  });

  it("SHUTDOWN COMPLETE carries the T bit", () => {
    const reflected = rfcHex("0e 01 00 04  # Type = 14 | Reserved, T = 1 | Length = 4");
    expect(decodeOneChunk(reflected)).toEqual({ type: "shutdown-complete", verificationTagReflected: true });
    roundTrips(reflected);
    const plain = rfcHex("0e 00 00 04");
    expect(decodeOneChunk(plain)).toEqual({ type: "shutdown-complete", verificationTagReflected: false });
    roundTrips(plain);
  });
});

describe("COOKIE ECHO and COOKIE ACK, RFC 9260 §3.3.11–3.3.12", () => {
  it("COOKIE ECHO carries the cookie whole", () => {
    const b = rfcHex(`
      0a 00 00 0a   # Type = 10 | Chunk Flags | Length = 10
      01 02 03 04   # Cookie
      05 06 00 00   #   (6 octets), then 2 octets of padding
    `);
    expect(decodeOneChunk(b)).toEqual({ type: "cookie-echo", cookie: Uint8Array.of(1, 2, 3, 4, 5, 6) });
    roundTrips(b);
  });

  it("COOKIE ACK is a bare header", () => {
    const b = rfcHex("0b 00 00 04");
    expect(decodeOneChunk(b)).toEqual({ type: "cookie-ack" });
    roundTrips(b);
  });
});

describe("unknown chunk types, RFC 9260 §3.2", () => {
  it.each([
    [0x3f, "stop"],
    [0x7f, "stop-and-report"],
    [0x84, "skip"],
    [0xc5, "skip-and-report"],
  ] as const)("type 0x%s is kept raw, and its upper two bits say %s", (chunkType, action) => {
    const raw = rfcHex(`${chunkType.toString(16)} 5a 00 07  01 02 03`);
    const padded = rfcHex(`${chunkType.toString(16)} 5a 00 07  01 02 03 00`);
    expect(decodeOneChunk(padded)).toEqual({ type: "unknown", chunkType, flags: 0x5a, raw, action });
    roundTrips(padded);
  });
});

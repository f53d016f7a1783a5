import { describe, expect, it } from "vitest";
import { chunkDecodeError, decodeOneChunk, encodeOneChunk, rfcHex, toHex } from "./rfc-hex.js";

describe("INIT, RFC 9260 §3.3.2, with its parameters (§3.3.2.1, RFC 5061, RFC 3758, RFC 9653)", () => {
  const init = rfcHex(`
    01 00 00 36   # Type = 1 | Chunk Flags | Chunk Length = 54 (the last parameter's padding not counted)
    12 34 56 78   # Initiate Tag
    00 10 00 00   # a_rwnd = 1048576
    ff ff 04 00   # Number of Outbound Streams = 65535 | Number of Inbound Streams = 1024
    aa bb cc dd   # Initial TSN
    80 08 00 08   # Supported Extensions (RFC 5061 §4.2.7), Length = 8
    82 c0 40 c2   #   RE-CONFIG, FORWARD-TSN, I-DATA, I-FORWARD-TSN
    c0 00 00 04   # Forward-TSN-Supported (RFC 3758 §3.1)
    80 01 00 08   # Zero Checksum Acceptable (RFC 9653 §3), Length = 8
    00 00 00 01   #   EDMID = 1, SCTP over DTLS
    c1 23 00 05   # an unknown parameter 0xC123 (upper bits 11: skip and report), Length = 5
    aa 00 00 00   #   its value, then 3 octets of padding (counted: not the last parameter)
    00 0c 00 06   # Supported Address Types, Length = 6
    00 05 00 00   #   IPv4 Address (5), then 2 octets of padding (the chunk's)
  `);

  it("decodes every field and parameter", () => {
    expect(decodeOneChunk(init)).toEqual({
      type: "init",
      initiateTag: 0x12345678,
      aRwnd: 1048576,
      numberOfOutboundStreams: 65535,
      numberOfInboundStreams: 1024,
      initialTsn: 0xaabbccdd,
      parameters: [
        { type: "supported-extensions", chunkTypes: [130, 192, 64, 194] },
        { type: "forward-tsn-supported" },
        { type: "zero-checksum-acceptable", errorDetectionMethod: 1 },
        { type: "unknown", parameterType: 0xc123, raw: rfcHex("c1 23 00 05 aa"), action: "skip-and-report" },
        { type: "supported-address-types", addressTypes: [5] },
      ],
    });
  });

  it("encodes to the same octets: parameters padded, the Chunk Length without the last padding", () => {
    expect(toHex(encodeOneChunk(decodeOneChunk(init)))).toBe(toHex(init));
  });

  it("a peer that counts the last parameter's padding in the Chunk Length decodes the same", () => {
    const b = init.slice();
    b[3] = 0x38;
    expect(decodeOneChunk(b)).toEqual(decodeOneChunk(init));
  });

  it.each([
    [0x0123, "stop"],
    [0x4123, "stop-and-report"],
    [0x8123, "skip"],
    [0xc123, "skip-and-report"],
  ] as const)("unknown parameter 0x%s: the upper two bits say %s (§3.2.1)", (type, action) => {
    const c = decodeOneChunk(
      rfcHex(`01 00 00 18  00 00 00 01  00 00 10 00  00 01 00 01  00 00 00 01
              ${type.toString(16).padStart(4, "0")} 00 04`),
    );
    expect(c.type === "init" && c.parameters[0]).toMatchObject({
      type: "unknown",
      parameterType: type,
      action,
    });
  });

  const header = "01 00 LL LL  00 00 00 01  00 00 10 00  00 01 00 01  00 00 00 01";
  const withParams = (params: string) => {
    const p = rfcHex(params);
    const len = (20 + p.length).toString(16).padStart(4, "0");
    return rfcHex(header.replace("LL LL", len) + params);
  };

  it.each([
    ["IPv4 Address of Length 7", "00 05 00 07 0a 00 00", "parameter-length-invalid"],
    ["IPv6 Address of Length 8", "00 06 00 08 00 00 00 00", "parameter-length-invalid"],
    ["Forward-TSN-Supported of Length 8", "c0 00 00 08 00 00 00 00", "parameter-length-invalid"],
    ["Zero Checksum Acceptable of Length 4", "80 01 00 04", "parameter-length-invalid"],
    ["Cookie Preservative of Length 4", "00 09 00 04", "parameter-length-invalid"],
    ["Supported Address Types of odd value length", "00 0c 00 07 00 05 00 00", "parameter-length-invalid"],
    ["a parameter Length of 3", "80 08 00 03 00 00 00 00", "parameter-length-invalid"],
    ["a parameter longer than the chunk", "00 07 00 10 00 00 00 00", "parameter-truncated"],
    ["two stray octets after the parameters", "c0 00 00 04 00 00", "parameter-truncated"],
  ])("refuses %s", (_name, params, code) => {
    expect(chunkDecodeError(withParams(params))?.code).toBe(code);
  });

  it("refuses a Chunk Length under 20", () => {
    expect(chunkDecodeError(rfcHex("01 00 00 10  00 00 00 01  00 00 10 00  00 01 00 01"))?.code).toBe(
      "chunk-length-invalid",
    );
  });

  it("IPv4, IPv6, Cookie Preservative and Host Name Address parameters", () => {
    const c = decodeOneChunk(
      withParams(`
        00 05 00 08  c0 a8 00 01                          # IPv4 Address 192.168.0.1
        00 06 00 14  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01   # IPv6 Address 2001:db8::1
        00 09 00 08  00 00 27 10                          # Cookie Preservative, 10000 ms
        00 0b 00 06  61 00 00 00                          # Host Name Address "a\\0"
      `),
    );
    expect(c.type === "init" && c.parameters).toEqual([
      { type: "ipv4-address", address: Uint8Array.of(192, 168, 0, 1) },
      { type: "ipv6-address", address: rfcHex("20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01") },
      { type: "cookie-preservative", suggestedCookieLifeSpanIncrementMs: 10000 },
      { type: "host-name-address", hostName: Uint8Array.of(0x61, 0) },
    ]);
    const expected =
      withParams(`00 05 00 08  c0 a8 00 01  00 06 00 14  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
                                 00 09 00 08  00 00 27 10  00 0b 00 06  61 00 00 00`);
    expected[3] = 62; // 64 octets, less the Host Name Address's two octets of padding
    expect(toHex(encodeOneChunk(c))).toBe(toHex(expected));
  });
});

describe("INIT ACK, RFC 9260 §3.3.3", () => {
  const initAck = rfcHex(`
    02 00 00 2c   # Type = 2 | Chunk Flags | Chunk Length = 44
    87 65 43 21   # Initiate Tag
    00 02 00 00   # a_rwnd = 131072
    00 10 00 20   # OS = 16 | MIS = 32
    00 00 00 07   # Initial TSN
    00 08 00 09   # Unrecognized Parameter, Length = 9
    c1 23 00 05   #   the INIT's parameter 0xC123, whole
    aa 00 00 00   #   and 3 octets of padding
    00 07 00 0c   # State Cookie, Length = 12
    01 02 03 04   #   the cookie
    05 06 07 08
  `);

  it("decodes the State Cookie and the Unrecognized Parameter", () => {
    expect(decodeOneChunk(initAck)).toEqual({
      type: "init-ack",
      initiateTag: 0x87654321,
      aRwnd: 131072,
      numberOfOutboundStreams: 16,
      numberOfInboundStreams: 32,
      initialTsn: 7,
      parameters: [
        { type: "unrecognized-parameter", unrecognizedParameter: rfcHex("c1 23 00 05 aa") },
        { type: "state-cookie", cookie: rfcHex("01 02 03 04 05 06 07 08") },
      ],
    });
  });

  it("encodes to the same octets", () => {
    expect(toHex(encodeOneChunk(decodeOneChunk(initAck)))).toBe(toHex(initAck));
  });
});

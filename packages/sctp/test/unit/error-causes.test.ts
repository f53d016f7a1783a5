import { describe, expect, it } from "vitest";
import type { ErrorCause } from "../../src/wire/error-cause.js";
import { chunkDecodeError, decodeOneChunk, encodeOneChunk, rfcHex, toHex } from "./rfc-hex.js";

/** An ERROR chunk (RFC 9260 §3.3.10, type 9) around one cause given as hex. */
function errorChunk(cause: string): Uint8Array {
  const c = rfcHex(cause);
  const length = 4 + c.length;
  const padded = new Uint8Array((length + 3) & ~3);
  padded.set([9, 0, length >> 8, length & 0xff]);
  padded.set(c, 4);
  return padded;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

const causes: readonly [string, string, ErrorCause][] = [
  [
    "§3.3.10.1 Invalid Stream Identifier",
    "00 01 00 08  00 07 00 00  # Stream Identifier = 7 | (Reserved)",
    { type: "invalid-stream-identifier", streamId: 7 },
  ],
  [
    "§3.3.10.2 Missing Mandatory Parameter",
    "00 02 00 0c  00 00 00 02  00 07 00 09  # Number of missing params = 2 | State Cookie | 9",
    { type: "missing-mandatory-parameter", missingParameterTypes: [7, 9] },
  ],
  [
    "§3.3.10.3 Stale Cookie Error",
    "00 03 00 08  00 00 27 10  # Measure of Staleness = 10000 µs",
    { type: "stale-cookie-error", measureOfStalenessUs: 10000 },
  ],
  ["§3.3.10.4 Out of Resource", "00 04 00 04", { type: "out-of-resource" }],
  [
    "§3.3.10.5 Unresolvable Address",
    "00 05 00 0c  00 05 00 08 c0 a8 00 01  # an IPv4 Address parameter",
    { type: "unresolvable-address", unresolvableAddress: rfcHex("00 05 00 08 c0 a8 00 01") },
  ],
  [
    "§3.3.10.6 Unrecognized Chunk Type",
    "00 06 00 08  ee 00 00 04  # the unrecognized chunk, whole",
    { type: "unrecognized-chunk-type", unrecognizedChunk: rfcHex("ee 00 00 04") },
  ],
  ["§3.3.10.7 Invalid Mandatory Parameter", "00 07 00 04", { type: "invalid-mandatory-parameter" }],
  [
    "§3.3.10.8 Unrecognized Parameters",
    "00 08 00 0c  c1 23 00 05 aa 00 00 00",
    { type: "unrecognized-parameters", unrecognizedParameters: rfcHex("c1 23 00 05 aa 00 00 00") },
  ],
  ["§3.3.10.9 No User Data", "00 09 00 08  00 00 00 2a  # TSN = 42", { type: "no-user-data", tsn: 42 }],
  [
    "§3.3.10.10 Cookie Received While Shutting Down",
    "00 0a 00 04",
    { type: "cookie-received-while-shutting-down" },
  ],
  [
    "§3.3.10.11 Restart of an Association with New Addresses",
    "00 0b 00 0c  00 05 00 08 0a 00 00 01",
    {
      type: "restart-of-an-association-with-new-addresses",
      newAddressTlvs: rfcHex("00 05 00 08 0a 00 00 01"),
    },
  ],
  [
    "§3.3.10.12 User-Initiated Abort",
    "00 0c 00 07  62 79 65",
    { type: "user-initiated-abort", upperLayerAbortReason: utf8("bye") },
  ],
  [
    "§3.3.10.13 Protocol Violation",
    "00 0d 00 05  78",
    { type: "protocol-violation", additionalInformation: utf8("x") },
  ],
  [
    "an unknown cause code, kept raw",
    "01 00 00 06  01 02",
    { type: "unknown", causeCode: 0x100, raw: rfcHex("01 00 00 06 01 02") },
  ],
];

describe("error causes in an ERROR chunk, RFC 9260 §3.3.10", () => {
  it.each(causes)("%s", (_name, hex, cause) => {
    const chunk = errorChunk(hex);
    expect(decodeOneChunk(chunk)).toEqual({ type: "error", errorCauses: [cause] });
    expect(toHex(encodeOneChunk(decodeOneChunk(chunk)))).toBe(toHex(chunk));
  });

  it("several causes, each padded but the last", () => {
    const chunk = rfcHex(`
      09 00 00 11   # Type = 9 | Chunk Flags | Length = 17
      00 01 00 08   # Invalid Stream Identifier
      00 07 00 00
      00 0d 00 05   # Protocol Violation, "x"
      78 00 00 00
    `);
    expect(decodeOneChunk(chunk)).toEqual({
      type: "error",
      errorCauses: [
        { type: "invalid-stream-identifier", streamId: 7 },
        { type: "protocol-violation", additionalInformation: utf8("x") },
      ],
    });
    expect(toHex(encodeOneChunk(decodeOneChunk(chunk)))).toBe(toHex(chunk));
  });

  it.each([
    ["an Invalid Stream Identifier of Length 6", "00 01 00 06 00 07", "parameter-length-invalid"],
    ["a Stale Cookie Error of Length 4", "00 03 00 04", "parameter-length-invalid"],
    ["a No User Data of Length 12", "00 09 00 0c 00 00 00 01 00 00 00 00", "parameter-length-invalid"],
    [
      "more missing params counted than the cause holds",
      "00 02 00 0c 00 00 00 05 00 07 00 09",
      "parameter-length-invalid",
    ],
    ["a Cause Length of 2", "00 04 00 02", "parameter-length-invalid"],
  ])("refuses %s", (_name, hex, code) => {
    expect(chunkDecodeError(errorChunk(hex))?.code).toBe(code);
  });
});

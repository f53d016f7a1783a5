import { describe, expect, it } from "vitest";
import { chunkDecodeError, decodeOneChunk, encodeOneChunk, rfcHex, toHex } from "./rfc-hex.js";

function roundTrips(bytes: Uint8Array): void {
  expect(toHex(encodeOneChunk(decodeOneChunk(bytes)))).toBe(toHex(bytes));
}

describe("RE-CONFIG, RFC 6525 §3.1, and its parameters (§4)", () => {
  it("§4.1 Outgoing SSN Reset Request", () => {
    const b = rfcHex(`
      82 00 00 16   # Type = 130 | Chunk Flags | Chunk Length = 22
      00 0d 00 12   # Parameter Type = 13 | Parameter Length = 16 + 2 * 1
      00 00 00 01   # Re-configuration Request Sequence Number = 1
      00 00 00 00   # Re-configuration Response Sequence Number = 0
      00 00 00 63   # Sender's Last Assigned TSN = 99
      00 04 00 00   # Stream Number 1 = 4, then 2 octets of padding
    `);
    expect(decodeOneChunk(b)).toEqual({
      type: "re-config",
      parameters: [
        {
          type: "outgoing-ssn-reset-request",
          requestSequenceNumber: 1,
          responseSequenceNumber: 0,
          sendersLastAssignedTsn: 99,
          streamIds: [4],
        },
      ],
    });
    roundTrips(b);
  });

  it("§4.1 + §4.2: an outgoing request for all streams with an incoming request", () => {
    const b = rfcHex(`
      82 00 00 20   # Type = 130 | Chunk Length = 32
      00 0d 00 10   # Outgoing SSN Reset Request, no stream numbers (all streams)
      00 00 00 02
      00 00 00 01
      00 00 00 64
      00 0e 00 0c   # Incoming SSN Reset Request (type 14), Length = 8 + 2 * 2
      00 00 00 03   # Re-configuration Request Sequence Number = 3
      00 03 00 05   # Stream Numbers 3 and 5
    `);
    expect(decodeOneChunk(b)).toEqual({
      type: "re-config",
      parameters: [
        {
          type: "outgoing-ssn-reset-request",
          requestSequenceNumber: 2,
          responseSequenceNumber: 1,
          sendersLastAssignedTsn: 100,
          streamIds: [],
        },
        { type: "incoming-ssn-reset-request", requestSequenceNumber: 3, streamIds: [3, 5] },
      ],
    });
    roundTrips(b);
  });

  it("§4.3 SSN/TSN Reset Request", () => {
    const b = rfcHex("82 00 00 0c  00 0f 00 08  00 00 00 09");
    expect(decodeOneChunk(b)).toEqual({
      type: "re-config",
      parameters: [{ type: "ssn-tsn-reset-request", requestSequenceNumber: 9 }],
    });
    roundTrips(b);
  });

  it("§4.4 Re-configuration Response, without and with the next TSNs", () => {
    const short = rfcHex(`
      82 00 00 10   # Type = 130 | Chunk Length = 16
      00 10 00 0c   # Parameter Type = 16 | Parameter Length = 12
      00 00 00 01   # Re-configuration Response Sequence Number = 1
      00 00 00 01   # Result = 1, Success - Performed
    `);
    expect(decodeOneChunk(short)).toEqual({
      type: "re-config",
      parameters: [{ type: "reconfiguration-response", responseSequenceNumber: 1, result: 1 }],
    });
    roundTrips(short);
    const long = rfcHex(`
      82 00 00 18   # Chunk Length = 24
      00 10 00 14   # Parameter Length = 20
      00 00 00 02   # Response Sequence Number = 2
      00 00 00 06   # Result = 6, In progress
      00 00 01 00   # Sender's Next TSN = 256
      00 00 02 00   # Receiver's Next TSN = 512
    `);
    expect(decodeOneChunk(long)).toEqual({
      type: "re-config",
      parameters: [
        {
          type: "reconfiguration-response",
          responseSequenceNumber: 2,
          result: 6,
          sendersNextTsn: 256,
          receiversNextTsn: 512,
        },
      ],
    });
    roundTrips(long);
  });

  it("§4.5 and §4.6 Add Outgoing / Incoming Streams Requests", () => {
    const b = rfcHex(`
      82 00 00 1c   # Chunk Length = 28
      00 11 00 0c   # Add Outgoing Streams Request (17), Length = 12
      00 00 00 04   # Request Sequence Number = 4
      00 10 00 00   # Number of new streams = 16 | Reserved
      00 12 00 0c   # Add Incoming Streams Request (18)
      00 00 00 05
      00 02 00 00
    `);
    expect(decodeOneChunk(b)).toEqual({
      type: "re-config",
      parameters: [
        { type: "add-outgoing-streams-request", requestSequenceNumber: 4, numberOfNewStreams: 16 },
        { type: "add-incoming-streams-request", requestSequenceNumber: 5, numberOfNewStreams: 2 },
      ],
    });
    roundTrips(b);
  });

  it("an unknown parameter is kept raw", () => {
    const b = rfcHex("82 00 00 0a  80 77 00 06  01 02 00 00");
    expect(decodeOneChunk(b)).toEqual({
      type: "re-config",
      parameters: [
        { type: "unknown", parameterType: 0x8077, raw: rfcHex("80 77 00 06 01 02"), action: "skip" },
      ],
    });
    roundTrips(b);
  });

  it.each([
    ["an Outgoing SSN Reset Request of Length 12", "00 0d 00 0c 00 00 00 01 00 00 00 00 00 00 00 00"],
    [
      "an Outgoing SSN Reset Request of odd Length",
      "00 0d 00 11 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00",
    ],
    ["an SSN/TSN Reset Request of Length 12", "00 0f 00 0c 00 00 00 01 00 00 00 00"],
    ["a Re-configuration Response of Length 16", "00 10 00 10 00 00 00 01 00 00 00 01 00 00 00 00"],
    ["an Add Outgoing Streams Request of Length 8", "00 11 00 08 00 00 00 01"],
  ])("refuses %s", (_name, param) => {
    const p = rfcHex(param);
    const chunk = new Uint8Array(4 + p.length);
    chunk.set([0x82, 0, 0, 4 + p.length]);
    chunk.set(p, 4);
    expect(chunkDecodeError(chunk)?.code).toBe("parameter-length-invalid");
  });
});

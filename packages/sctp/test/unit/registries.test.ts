import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ChunkType } from "../../src/wire/chunk-header.js";
import { DataChannelType, DcepMessageType } from "../../src/wire/dcep.js";
import { CauseCode } from "../../src/wire/error-cause.js";
import { ParameterType } from "../../src/wire/init-parameters.js";
import { Ppid } from "../../src/wire/ppid.js";

interface Registries {
  readonly chunkTypes: Record<string, string>;
  readonly parameterTypes: Record<string, string>;
  readonly causeCodes: Record<string, string>;
  readonly webrtcPpids: Record<string, string>;
}
const iana = JSON.parse(
  readFileSync(new URL("../vectors/iana-sctp-registries.json", import.meta.url), "utf8"),
) as Registries;

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Every constant of ours names the IANA row at its value, and every row has a constant. */
function crossCheck(ours: Record<string, number>, registry: Record<string, string>): void {
  for (const [name, value] of Object.entries(ours)) {
    const row = registry[String(value)];
    expect(row, `${name} = ${value} is not in the registry`).toBeDefined();
    expect(squash(row ?? ""), `${name} = ${value} is "${row}" in the registry`).toContain(squash(name));
  }
  const values = new Set(Object.values(ours));
  for (const [value, row] of Object.entries(registry)) {
    expect(values.has(Number(value)), `no constant for ${value} "${row}"`).toBe(true);
  }
}

describe("registries cross-checked against IANA", () => {
  it("Chunk Types", () => crossCheck(ChunkType, iana.chunkTypes));
  it("Chunk Parameter Types", () => crossCheck(ParameterType, iana.parameterTypes));
  it("Error Cause Codes", () => crossCheck(CauseCode, iana.causeCodes));
  it("WebRTC PPIDs", () => crossCheck(Ppid, iana.webrtcPpids));

  it("DCEP Message Types and Channel Types (RFC 8832 §8.2.1, §5.1)", () => {
    expect(DcepMessageType).toEqual({ DATA_CHANNEL_ACK: 0x02, DATA_CHANNEL_OPEN: 0x03 });
    expect(Object.values(DataChannelType).sort((a, b) => a - b)).toEqual([
      0x00, 0x01, 0x02, 0x80, 0x81, 0x82,
    ]);
  });
});

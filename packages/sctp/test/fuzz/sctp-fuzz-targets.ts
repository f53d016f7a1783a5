/**
 * Fuzz targets of @tern/sctp (`pnpm fuzz`, replayed by `pnpm test`): the packet decoder (every chunk,
 * parameter and error cause under it), the DCEP decoder, and a live SctpAssociation driven into each
 * state by a real peer association, then fed hostile packets between the real ones.
 * Seeds: the Chromium-captured packets in `test/vectors/captured-packets.json` and the packets of a real
 * association recorded at load time, in each state.
 */
import { readFileSync } from "node:fs";
import { FuzzInvariantError, type FuzzTarget } from "@tern/test-support";
import {
  DataChannelType,
  decodeDcepMessage,
  decodeSctpPacket,
  encodeDcepMessage,
  encodeSctpPacket,
} from "../../src/index.js";
import { liveSeeds, runLiveAssociation } from "./sctp-live-association.js";

interface CapturedPackets {
  readonly packets: readonly { readonly name: string; readonly hex: string }[];
}

const CAPTURED: readonly Uint8Array[] = (
  JSON.parse(
    readFileSync(new URL("../vectors/captured-packets.json", import.meta.url), "utf8"),
  ) as CapturedPackets
).packets.map((p) => new Uint8Array(Buffer.from(p.hex, "hex")));

// ---- structural equality (decoded values hold Uint8Array views) ------------------------------------------

/** Deep equality of decoded values: plain objects, arrays, Uint8Array contents, primitives. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    );
  }
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null) {
    const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
    return (
      ka.length === kb.length &&
      ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return Number.isNaN(a) && Number.isNaN(b);
}

// ---- sctp-packet ---------------------------------------------------------------------------------------

/**
 * Decodes the bytes three ways (CRC32c checked; a zero checksum accepted; no checksum check, so mutated
 * chunks reach the chunk decoders). What decodes re-encodes, and the re-encoded packet decodes (with its
 * fresh CRC32c) to the same header and chunks.
 */
function runSctpPacket(input: Uint8Array): void {
  decodeSctpPacket(input);
  decodeSctpPacket(input, { acceptZeroChecksum: true });
  const d = decodeSctpPacket(input, { verifyChecksum: false });
  if (!d.ok) return;
  const again = decodeSctpPacket(encodeSctpPacket(d.value));
  if (!again.ok)
    throw new FuzzInvariantError(
      `a re-encoded packet does not decode: ${again.error.code} at ${again.error.at}`,
    );
  const { checksum: _a, ...first } = d.value;
  const { checksum: _b, ...second } = again.value;
  if (!sameValue(first, second)) throw new FuzzInvariantError("a re-encoded packet decodes to another value");
}

/** The captured packets, and their chunks alone under a zero checksum (the RFC 9653 path). */
function packetSeeds(): Uint8Array[] {
  const zero = CAPTURED.map((p) => {
    const z = p.slice();
    z.fill(0, 8, 12);
    return z;
  });
  return [...CAPTURED, ...zero, ...liveSeeds().packets];
}

// ---- dcep ----------------------------------------------------------------------------------------------

/** DATA_CHANNEL_OPEN / ACK: what decodes re-encodes and decodes to the same message. */
function runDcep(input: Uint8Array): void {
  const d = decodeDcepMessage(input);
  if (!d.ok) return;
  const again = decodeDcepMessage(encodeDcepMessage(d.value));
  if (!again.ok)
    throw new FuzzInvariantError(`a re-encoded DCEP message does not decode: ${again.error.code}`);
  if (!sameValue(again.value, d.value))
    throw new FuzzInvariantError("a re-encoded DCEP message decodes to another value");
}

function dcepSeeds(): Uint8Array[] {
  const opens = [
    { channelType: DataChannelType.DATA_CHANNEL_RELIABLE, priority: 256, reliabilityParameter: 0 },
    {
      channelType: DataChannelType.DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT_UNORDERED,
      priority: 128,
      reliabilityParameter: 3,
    },
    {
      channelType: DataChannelType.DATA_CHANNEL_PARTIAL_RELIABLE_TIMED,
      priority: 1024,
      reliabilityParameter: 1500,
    },
  ];
  return [
    encodeDcepMessage({ type: "data-channel-ack" }),
    ...opens.map((o, i) =>
      encodeDcepMessage({
        type: "data-channel-open",
        ...o,
        label: ["chat", "", "ünï ✓"][i] ?? "",
        protocol: i === 0 ? "json" : "",
      }),
    ),
  ];
}

export function fuzzTargets(): FuzzTarget[] {
  return [
    { name: "sctp-packet", run: runSctpPacket, seeds: packetSeeds },
    { name: "dcep", run: runDcep, seeds: dcepSeeds, maxInputBytes: 1024 },
    {
      name: "sctp-association-live",
      run: runLiveAssociation,
      seeds: () => liveSeeds().inputs,
      maxInputBytes: 8192,
    },
  ];
}

import fc from "fast-check";
import type { Chunk, UnknownChunk } from "../../src/wire/chunk.js";
import { unrecognizedAction } from "../../src/wire/chunk-header.js";
import type { DcepMessage } from "../../src/wire/dcep.js";
import type { ErrorCause } from "../../src/wire/error-cause.js";
import type { InitParameter, UnknownParameter } from "../../src/wire/init-parameters.js";
import type { ReconfigParameter } from "../../src/wire/reconfig-parameters.js";
import type { SctpPacketFields } from "../../src/wire/sctp-packet.js";

/**
 * Valid structures, in the canonical form the decoder returns (I-DATA's unused PPID/FSN word 0, raw
 * TLVs whose headers agree with their fields, `action` from the type), so that a generated value
 * encodes, decodes to itself, and re-encodes to the same octets.
 */

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });

function tlv(type: number, value: Uint8Array): Uint8Array {
  const raw = new Uint8Array(4 + value.length);
  raw.set([type >> 8, type & 0xff, raw.length >> 8, raw.length & 0xff]);
  raw.set(value, 4);
  return raw;
}

const unknownParameterOf = (known: readonly number[]): fc.Arbitrary<UnknownParameter> =>
  fc
    .record({ parameterType: u16.filter((t) => !known.includes(t)), value: bytes(24) })
    .map(({ parameterType, value }) => ({
      type: "unknown",
      parameterType,
      raw: tlv(parameterType, value),
      action: unrecognizedAction(parameterType, 16),
    }));

const KNOWN_INIT_PARAMETERS = [5, 6, 7, 8, 9, 11, 12, 0x8001, 0x8008, 0xc000];
export const initParameter: fc.Arbitrary<InitParameter> = fc.oneof(
  fc.record({
    type: fc.constant("ipv4-address" as const),
    address: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  }),
  fc.record({
    type: fc.constant("ipv6-address" as const),
    address: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  }),
  fc.record({ type: fc.constant("state-cookie" as const), cookie: bytes(64) }),
  fc.record({ type: fc.constant("unrecognized-parameter" as const), unrecognizedParameter: bytes(16) }),
  fc.record({ type: fc.constant("cookie-preservative" as const), suggestedCookieLifeSpanIncrementMs: u32 }),
  fc.record({ type: fc.constant("host-name-address" as const), hostName: bytes(16) }),
  fc.record({
    type: fc.constant("supported-address-types" as const),
    addressTypes: fc.array(u16, { maxLength: 4 }),
  }),
  fc.record({
    type: fc.constant("supported-extensions" as const),
    chunkTypes: fc.array(u8, { maxLength: 8 }),
  }),
  fc.constant({ type: "forward-tsn-supported" as const }),
  fc.record({ type: fc.constant("zero-checksum-acceptable" as const), errorDetectionMethod: u32 }),
  unknownParameterOf(KNOWN_INIT_PARAMETERS),
);

const KNOWN_CAUSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
export const errorCause: fc.Arbitrary<ErrorCause> = fc.oneof(
  fc.record({ type: fc.constant("invalid-stream-identifier" as const), streamId: u16 }),
  fc.record({
    type: fc.constant("missing-mandatory-parameter" as const),
    missingParameterTypes: fc.array(u16, { maxLength: 5 }),
  }),
  fc.record({ type: fc.constant("stale-cookie-error" as const), measureOfStalenessUs: u32 }),
  fc.constant({ type: "out-of-resource" as const }),
  fc.record({ type: fc.constant("unresolvable-address" as const), unresolvableAddress: bytes(20) }),
  fc.record({ type: fc.constant("unrecognized-chunk-type" as const), unrecognizedChunk: bytes(20) }),
  fc.constant({ type: "invalid-mandatory-parameter" as const }),
  fc.record({ type: fc.constant("unrecognized-parameters" as const), unrecognizedParameters: bytes(20) }),
  fc.record({ type: fc.constant("no-user-data" as const), tsn: u32 }),
  fc.constant({ type: "cookie-received-while-shutting-down" as const }),
  fc.record({
    type: fc.constant("restart-of-an-association-with-new-addresses" as const),
    newAddressTlvs: bytes(20),
  }),
  fc.record({ type: fc.constant("user-initiated-abort" as const), upperLayerAbortReason: bytes(20) }),
  fc.record({ type: fc.constant("protocol-violation" as const), additionalInformation: bytes(20) }),
  fc
    .record({ causeCode: u16.filter((c) => !KNOWN_CAUSES.includes(c)), value: bytes(12) })
    .map(({ causeCode, value }) => ({ type: "unknown" as const, causeCode, raw: tlv(causeCode, value) })),
);

const KNOWN_RECONFIG_PARAMETERS = [13, 14, 15, 16, 17, 18];
export const reconfigParameter: fc.Arbitrary<ReconfigParameter> = fc.oneof(
  fc.record({
    type: fc.constant("outgoing-ssn-reset-request" as const),
    requestSequenceNumber: u32,
    responseSequenceNumber: u32,
    sendersLastAssignedTsn: u32,
    streamIds: fc.array(u16, { maxLength: 6 }),
  }),
  fc.record({
    type: fc.constant("incoming-ssn-reset-request" as const),
    requestSequenceNumber: u32,
    streamIds: fc.array(u16, { maxLength: 6 }),
  }),
  fc.record({ type: fc.constant("ssn-tsn-reset-request" as const), requestSequenceNumber: u32 }),
  fc.record({
    type: fc.constant("reconfiguration-response" as const),
    responseSequenceNumber: u32,
    result: u32,
  }),
  fc.record({
    type: fc.constant("reconfiguration-response" as const),
    responseSequenceNumber: u32,
    result: u32,
    sendersNextTsn: u32,
    receiversNextTsn: u32,
  }),
  fc.record({
    type: fc.constantFrom("add-outgoing-streams-request" as const, "add-incoming-streams-request" as const),
    requestSequenceNumber: u32,
    numberOfNewStreams: u16,
  }),
  unknownParameterOf(KNOWN_RECONFIG_PARAMETERS),
);

const flagsOfData = {
  immediate: fc.boolean(),
  unordered: fc.boolean(),
  beginning: fc.boolean(),
  ending: fc.boolean(),
};

/** Chunk types the wire layer decodes into their own shapes; anything else is kept raw. */
export const DECODED_CHUNK_TYPES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 64, 130, 192, 194];

export const unknownChunk: fc.Arbitrary<UnknownChunk> = fc
  .record({ chunkType: u8.filter((t) => !DECODED_CHUNK_TYPES.includes(t)), flags: u8, value: bytes(24) })
  .map(({ chunkType, flags, value }) => {
    const raw = new Uint8Array(4 + value.length);
    raw.set([chunkType, flags, raw.length >> 8, raw.length & 0xff]);
    raw.set(value, 4);
    return { type: "unknown", chunkType, flags, raw, action: unrecognizedAction(chunkType, 8) };
  });

const initFields = {
  initiateTag: u32,
  aRwnd: u32,
  numberOfOutboundStreams: u16,
  numberOfInboundStreams: u16,
  initialTsn: u32,
  parameters: fc.array(initParameter, { maxLength: 6 }),
};

export const chunk: fc.Arbitrary<Chunk> = fc.oneof(
  fc.record({
    type: fc.constant("data" as const),
    ...flagsOfData,
    tsn: u32,
    streamId: u16,
    ssn: u16,
    ppid: u32,
    userData: bytes(80),
  }),
  fc
    .record({ ...flagsOfData, tsn: u32, streamId: u16, mid: u32, word: u32, userData: bytes(80) })
    .map(({ word, ...c }) => ({
      type: "i-data" as const,
      ...c,
      ppid: c.beginning ? word : 0,
      fsn: c.beginning ? 0 : word,
    })),
  fc.record({ type: fc.constant("init" as const), ...initFields }),
  fc.record({ type: fc.constant("init-ack" as const), ...initFields }),
  fc.record({
    type: fc.constant("sack" as const),
    cumulativeTsnAck: u32,
    aRwnd: u32,
    gapAckBlocks: fc.array(fc.record({ start: u16, end: u16 }), { maxLength: 8 }),
    duplicateTsns: fc.array(u32, { maxLength: 8 }),
  }),
  fc.record({
    type: fc.constantFrom("heartbeat" as const, "heartbeat-ack" as const),
    heartbeatInfo: bytes(48),
  }),
  fc.record({
    type: fc.constant("abort" as const),
    verificationTagReflected: fc.boolean(),
    errorCauses: fc.array(errorCause, { maxLength: 4 }),
  }),
  fc.record({ type: fc.constant("shutdown" as const), cumulativeTsnAck: u32 }),
  fc.constant({ type: "shutdown-ack" as const }),
  fc.record({ type: fc.constant("error" as const), errorCauses: fc.array(errorCause, { maxLength: 4 }) }),
  fc.record({ type: fc.constant("cookie-echo" as const), cookie: bytes(64) }),
  fc.constant({ type: "cookie-ack" as const }),
  fc.record({ type: fc.constant("shutdown-complete" as const), verificationTagReflected: fc.boolean() }),
  fc.record({
    type: fc.constant("forward-tsn" as const),
    newCumulativeTsn: u32,
    streams: fc.array(fc.record({ streamId: u16, ssn: u16 }), { maxLength: 6 }),
  }),
  fc.record({
    type: fc.constant("i-forward-tsn" as const),
    newCumulativeTsn: u32,
    streams: fc.array(fc.record({ streamId: u16, unordered: fc.boolean(), mid: u32 }), { maxLength: 6 }),
  }),
  fc.record({
    type: fc.constant("re-config" as const),
    parameters: fc.array(reconfigParameter, { minLength: 1, maxLength: 2 }),
  }),
  unknownChunk,
);

const stops = (c: Chunk) => c.type === "unknown" && (c.action === "stop" || c.action === "stop-and-report");

/**
 * A packet of 1–6 chunks. An unknown chunk whose type says "stop" ends decoding (RFC 9260 §3.2), so it
 * only comes last.
 */
export const sctpPacket: fc.Arbitrary<SctpPacketFields> = fc.record({
  sourcePort: u16,
  destinationPort: u16,
  verificationTag: u32,
  chunks: fc
    .array(chunk, { minLength: 1, maxLength: 6 })
    .map((cs) => cs.filter((c, i) => i === cs.length - 1 || !stops(c)))
    .filter((cs) => cs.length > 0),
});

export const dcepMessage: fc.Arbitrary<DcepMessage> = fc.oneof(
  fc.constant({ type: "data-channel-ack" as const }),
  fc.record({
    type: fc.constant("data-channel-open" as const),
    channelType: fc.constantFrom(0x00, 0x01, 0x02, 0x80, 0x81, 0x82),
    priority: u16,
    reliabilityParameter: u32,
    label: fc.string({ unit: "grapheme", maxLength: 20 }),
    protocol: fc.string({ unit: "grapheme", maxLength: 10 }),
  }),
);

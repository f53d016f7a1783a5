/**
 * Transport-wide CC feedback (RTPFB 15) both ways with werift's codec (`TransportWideCC`): every chunk
 * kind werift writes decodes in Tern with the same statuses and deltas, and what Tern writes (libwebrtc's
 * chunking, with padding) decodes in werift with the same values.
 */
import { describe, expect, it } from "vitest";
import {
  RecvDelta,
  RtcpHeader,
  RtcpPacketConverter,
  RtcpTransportLayerFeedback,
  RunLengthChunk,
  StatusVectorChunk,
  TransportWideCC,
  PacketStatus as WeriftStatus,
} from "werift";
import {
  decodeRtcpCompound,
  encodeTransportWideFeedback,
  PacketStatus,
  type PacketStatusSymbol,
  type TransportWideFeedback,
} from "../../src/index.js";

const S = PacketStatus.SmallDelta;
const L = PacketStatus.LargeDelta;
const N = PacketStatus.NotReceived;

describe("werift TWCC → Tern", () => {
  it("run-length, one-bit and two-bit chunks, small, large and negative deltas", () => {
    const twcc = new TransportWideCC({
      senderSsrc: 0x11223344,
      mediaSourceSsrc: 0x55667788,
      baseSequenceNumber: 65530,
      packetStatusCount: 3 + 14 + 7,
      referenceTime: 0x123456,
      fbPktCount: 42,
      packetChunks: [
        new RunLengthChunk({ packetStatus: WeriftStatus.TypeTCCPacketReceivedSmallDelta, runLength: 3 }),
        new StatusVectorChunk({ symbolSize: 0, symbolList: [0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] }),
        new StatusVectorChunk({ symbolSize: 1, symbolList: [2, 0, 1, 2, 0, 0, 1] }),
      ],
      recvDeltas: [
        ...[1000, 2000, 63750].map((delta) => new RecvDelta({ type: 1, delta })),
        ...[250, 500, 750].map((delta) => new RecvDelta({ type: 1, delta })),
        new RecvDelta({ type: 2, delta: -250_000 }),
        new RecvDelta({ type: 1, delta: 0 }),
        new RecvDelta({ type: 2, delta: 8_191_750 }),
        new RecvDelta({ type: 1, delta: 1250 }),
      ],
      header: new RtcpHeader({ type: 205, count: 15, version: 2, padding: true }),
    });
    const r = decodeRtcpCompound(new Uint8Array(twcc.serialize()));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual([
      {
        type: "twcc",
        senderSsrc: 0x11223344,
        mediaSsrc: 0x55667788,
        baseSequenceNumber: 65530,
        referenceTime: 0x123456,
        feedbackPacketCount: 42,
        statuses: [S, S, S, N, S, S, N, N, N, N, N, N, N, N, N, N, S, L, N, S, L, N, N, S],
        deltas: [4, 8, 255, 1, 2, 3, -1000, 0, 32767, 5],
      } satisfies TransportWideFeedback,
    ]);
  });
});

describe("Tern TWCC → werift", () => {
  it("decodes with the same statuses and deltas (µs)", () => {
    const statuses: PacketStatusSymbol[] = [
      ...Array<PacketStatusSymbol>(30).fill(S), // a run
      N,
      S,
      N,
      S,
      S,
      N,
      S,
      S,
      S,
      S,
      S,
      S,
      N,
      S, // a one-bit vector of 14
      N,
      L,
      S,
      N,
      L,
      S, // two-bit
      ...Array<PacketStatusSymbol>(20).fill(N), // a run of losses
    ];
    const deltas: number[] = [];
    let k = 0;
    for (const s of statuses)
      if (s === S) deltas.push(k++ % 256);
      else if (s === L) deltas.push(k++ % 2 === 0 ? -300 : 4000);
    const bytes = encodeTransportWideFeedback({
      senderSsrc: 1,
      mediaSsrc: 2,
      baseSequenceNumber: 1000,
      referenceTime: 77,
      feedbackPacketCount: 3,
      statuses,
      deltas,
    });
    const [p] = RtcpPacketConverter.deSerialize(Buffer.from(bytes));
    expect(p).toBeInstanceOf(RtcpTransportLayerFeedback);
    const fb = (p as RtcpTransportLayerFeedback).feedback as TransportWideCC;
    expect(fb.baseSequenceNumber).toBe(1000);
    expect(fb.packetStatusCount).toBe(statuses.length);
    expect(fb.referenceTime).toBe(77);
    expect(fb.fbPktCount).toBe(3);
    const kinds = fb.packetChunks.map((c) =>
      c instanceof RunLengthChunk ? "run" : c.symbolSize === 0 ? "one-bit" : "two-bit",
    );
    expect(new Set(kinds)).toEqual(new Set(["run", "one-bit", "two-bit"]));
    const seen = fb.packetChunks.flatMap((c) =>
      c instanceof RunLengthChunk ? Array<number>(c.runLength).fill(c.packetStatus) : c.symbolList,
    );
    expect(seen.slice(0, statuses.length)).toEqual(statuses);
    expect(fb.recvDeltas.map((d) => d.delta)).toEqual(deltas.map((d) => d * 250));
  });
});

import type { StatsEntry, StatsReport } from "@tern/peer";
import { describe, expect, it } from "vitest";
import { peerStatus } from "../../src/stats/peer-status.js";
import { formatStatusBlock, formatStatusLine } from "../../src/stats/status-line.js";

function report(entries: ({ id: string; type: string } & Record<string, unknown>)[]): StatsReport {
  return new Map(entries.map((e): [string, StatsEntry] => [e.id, { timestamp: 0, ...e } as StatsEntry]));
}

const common = [
  {
    id: "T01",
    type: "transport",
    iceState: "connected",
    dtlsCipher: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    srtpCipher: "SRTP_AEAD_AES_128_GCM",
  },
  { id: "CL", type: "local-candidate", candidateType: "host", address: "127.0.0.1", port: 5000 },
  { id: "CR", type: "remote-candidate", candidateType: "prflx", address: "127.0.0.1", port: 6000 },
];

describe("peerStatus", () => {
  it("sums the receive side: packets, bytes, frames, loss, jitter, NACK, RTX; bitrate from the previous sample", () => {
    const r = report([
      ...common,
      {
        id: "IT-1",
        type: "inbound-rtp",
        kind: "video",
        packetsReceived: 90,
        bytesReceived: 100_000,
        framesReceived: 30,
        packetsLost: 10,
        jitter: 0.004,
        nackCount: 3,
        retransmittedPacketsReceived: 5,
      },
      {
        id: "IT-2",
        type: "inbound-rtp",
        kind: "audio",
        packetsReceived: 10,
        bytesReceived: 1_000,
        framesReceived: 10,
        packetsLost: 0,
        jitter: 0.002,
        nackCount: 0,
        retransmittedPacketsReceived: 0,
      },
    ]);
    const s = peerStatus(r, {
      label: "receiver ← sender",
      role: "receive",
      connectionState: "connected",
      connectMs: 42,
      droppedByLossHook: 7,
      nowMs: 2000,
      startedAtMs: 0,
      previous: { bytes: 1_000, atMs: 1000, bitrateBps: 0 },
    });
    expect(s).toMatchObject({
      iceState: "connected",
      pair: "host → prflx",
      pairAddresses: "127.0.0.1:5000 → 127.0.0.1:6000",
      srtpProfile: "SRTP_AEAD_AES_128_GCM",
      packets: 100,
      bytes: 101_000,
      bitrateBps: 800_000,
      packetsLost: 10,
      lossPercent: (100 * 10) / 110,
      jitterMs: 4,
      rttMs: undefined,
      nackCount: 3,
      retransmitted: 5,
      videoFrames: 30,
      audioFrames: 10,
      droppedByLossHook: 7,
      elapsedMs: 2000,
    });
    const line = formatStatusLine(s);
    expect(line).toContain("ICE connected (host → prflx)");
    expect(line).toContain("DTLS ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 SRTP AEAD_AES_128_GCM");
    expect(line).toContain("recv 100 pkts 800 kbit/s 30v/10a frames");
    expect(line).toContain("NACK out 3 RTX in 5 dropped 7");
    expect(formatStatusBlock(s)).toHaveLength(2);
  });

  it("reads loss, RTT and jitter on the send side from the peer's receiver reports", () => {
    const r = report([
      ...common,
      {
        id: "OT-1",
        type: "outbound-rtp",
        kind: "video",
        packetsSent: 200,
        bytesSent: 50_000,
        framesSent: 60,
        nackCount: 2,
        retransmittedPacketsSent: 4,
      },
      {
        id: "RI-1",
        type: "remote-inbound-rtp",
        kind: "video",
        packetsLost: 4,
        jitter: 0.003,
        roundTripTime: 0.0125,
      },
      { id: "CP", type: "candidate-pair", availableOutgoingBitrate: 850_000 },
    ]);
    const s = peerStatus(r, {
      label: "sender → receiver",
      role: "send",
      connectionState: "connected",
      connectMs: undefined,
      droppedByLossHook: 0,
      nowMs: 10,
      startedAtMs: 0,
      previous: undefined,
    });
    expect(s).toMatchObject({
      packets: 200,
      packetsLost: 4,
      lossPercent: 2,
      rttMs: 12.5,
      jitterMs: 3,
      nackCount: 2,
      retransmitted: 4,
      bitrateBps: 0,
      estimateBps: 850_000,
    });
    expect(formatStatusLine(s)).toContain("RTT 12.5 ms");
    // congestion control's estimate next to what is sent
    expect(formatStatusLine(s)).toContain("sent 200 pkts 0 bit/s (est 850 kbit/s) 60v/0a frames");
  });
});

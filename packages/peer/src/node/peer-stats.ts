import { type CertificateFingerprint, certificateFingerprint, type DtlsCertificate } from "@tern/dtls-srtp";
import type { Candidate, IceTransport } from "@tern/ice";
import type { MediaSession } from "../machine/media-session.js";
import type { BundleTransport } from "./bundle-transport.js";
import type { PeerDataChannels } from "./peer-data-channels.js";
import type { Transceiver } from "./rtp-transceiver.js";

/** One entry of getStats(), in the W3C webrtc-stats shapes (a subset of their fields). */
export type StatsEntry = { readonly id: string; readonly type: string; readonly timestamp: number } & Record<
  string,
  unknown
>;
export type StatsReport = Map<string, StatsEntry>;

export interface StatsInput {
  readonly now: number;
  readonly session: MediaSession | undefined;
  readonly ice: IceTransport | undefined;
  readonly certificate: DtlsCertificate | undefined;
  readonly remoteFingerprint: CertificateFingerprint | undefined;
  readonly dtlsRole: "client" | "server" | undefined;
  /** Only what concerns one m= section's sender or receiver (RTCRtpSender/RTCRtpReceiver.getStats). */
  readonly selector?: { readonly mid: string; readonly side: "sender" | "receiver" };
  /** Data channels opened and closed (the `peer-connection` entry). */
  readonly dataChannelsOpened?: number;
  readonly dataChannelsClosed?: number;
}

function candidateStats(id: string, type: string, c: Candidate, timestamp: number): StatsEntry {
  return {
    id,
    type,
    timestamp,
    transportId: "T01",
    address: c.address,
    port: c.port,
    protocol: c.transport,
    candidateType: c.type,
    priority: c.priority,
    foundation: c.foundation,
    ...(c.relatedAddress !== undefined
      ? { relatedAddress: c.relatedAddress, relatedPort: c.relatedPort }
      : {}),
  };
}

/** W3C webrtc-stats `codec` for a stream's negotiated payload type. */
function codecStats(
  id: string,
  timestamp: number,
  c: {
    readonly payloadType: number;
    readonly kind: string;
    readonly codec: string;
    readonly clockRate: number;
  },
): StatsEntry {
  return {
    id,
    type: "codec",
    timestamp,
    payloadType: c.payloadType,
    mimeType: `${c.kind}/${c.codec}`,
    clockRate: c.clockRate,
    transportId: "T01",
  };
}

/**
 * webrtc-stats `targetBitrate` of an outbound-rtp: the application is the encoder, so this is the share of
 * the estimate congestion control gives the sender (what `bandwidthestimate` says); absent when CC is off.
 */
function targetBitrate(s: MediaSession, mid: string): { targetBitrate?: number } {
  const t = s.congestion.senderTarget(mid);
  return t === undefined ? {} : { targetBitrate: Math.round(t) };
}

/** W3C webrtc-stats: the report of one Tern peer connection (or of one sender or receiver). */
export function buildStats(i: StatsInput): StatsReport {
  const ts = performance.timeOrigin + i.now;
  const out: StatsReport = new Map();
  const add = (e: StatsEntry): void => void out.set(e.id, e);
  if (!i.selector) {
    add({
      id: "P",
      type: "peer-connection",
      timestamp: ts,
      dataChannelsOpened: i.dataChannelsOpened ?? 0,
      dataChannelsClosed: i.dataChannelsClosed ?? 0,
    });
  }
  const s = i.session;
  const ice = i.ice;
  const pair = ice?.selectedPair;
  if (pair) {
    add(candidateStats("CL", "local-candidate", pair.local, ts));
    add(candidateStats("CR", "remote-candidate", pair.remote, ts));
    add({
      id: "CP",
      type: "candidate-pair",
      timestamp: ts,
      transportId: "T01",
      localCandidateId: "CL",
      remoteCandidateId: "CR",
      state: "succeeded",
      nominated: true,
      // webrtc-stats: the sender's bandwidth estimate, when transport-wide congestion control runs
      ...(s?.congestion.enabled ? { availableOutgoingBitrate: s.congestion.estimator.targetBitrateBps } : {}),
    });
  }
  const leaf = i.certificate?.chain[0];
  if (leaf) {
    const fp = certificateFingerprint(leaf, "sha-256");
    add({
      id: "CF-local",
      type: "certificate",
      timestamp: ts,
      fingerprint: fp.value,
      fingerprintAlgorithm: fp.algorithm,
    });
  }
  if (i.remoteFingerprint) {
    add({
      id: "CF-remote",
      type: "certificate",
      timestamp: ts,
      fingerprint: i.remoteFingerprint.value,
      fingerprintAlgorithm: i.remoteFingerprint.algorithm,
    });
  }
  add({
    id: "T01",
    type: "transport",
    timestamp: ts,
    iceState: ice?.connectionState ?? "new",
    iceRole: ice?.role,
    dtlsState: s?.dtlsConnected ? "connected" : s?.dtls ? "connecting" : "new",
    dtlsRole: i.dtlsRole,
    dtlsCipher: s?.cipherSuite,
    tlsVersion: s?.dtlsTransport.tlsVersion,
    tlsGroup: s?.dtlsTransport.tlsGroup,
    srtpCipher: s?.srtpProfile,
    ...(pair ? { selectedCandidatePairId: "CP" } : {}),
    localCertificateId: "CF-local",
    ...(i.remoteFingerprint ? { remoteCertificateId: "CF-remote" } : {}),
  });
  if (!s) return out;
  const sel = i.selector;
  for (const sender of s.senders.values()) {
    const c = sender.config;
    if (sel && (sel.side !== "sender" || sel.mid !== c.mid)) continue;
    const codecId = `CO-${c.mid}-${c.payloadType}`;
    add(codecStats(codecId, ts, c));
    add({
      id: `OT-${c.ssrc}`,
      type: "outbound-rtp",
      timestamp: ts,
      ssrc: c.ssrc,
      kind: c.kind,
      mid: c.mid,
      transportId: "T01",
      codecId,
      packetsSent: sender.counters.packetsSent,
      bytesSent: sender.counters.bytesSent,
      framesSent: sender.counters.framesSent,
      retransmittedPacketsSent: sender.counters.retransmittedPackets,
      nackCount: sender.counters.nackReceived,
      pliCount: sender.counters.pliReceived,
      firCount: sender.counters.firReceived,
      ...(c.rtx ? { rtxSsrc: c.rtx.ssrc } : {}),
      ...targetBitrate(s, c.mid),
    });
    const report = sender.stats.lastReport;
    if (report) {
      add({
        id: `RI-${c.ssrc}`,
        type: "remote-inbound-rtp",
        timestamp: ts,
        ssrc: c.ssrc,
        kind: c.kind,
        localId: `OT-${c.ssrc}`,
        packetsLost: report.cumulativeLost,
        fractionLost: report.fractionLost / 256,
        jitter: report.jitter / c.clockRate,
        roundTripTime: sender.stats.rttMs === undefined ? undefined : sender.stats.rttMs / 1000,
      });
    }
  }
  for (const r of s.receivers.values()) {
    const c = r.config;
    if (sel && (sel.side !== "receiver" || sel.mid !== c.mid)) continue;
    const st = r.stats.statistics;
    // The codec of the packets received last (the sender may use any of the section's codecs).
    const codec = r.codec;
    const codecId = `CI-${c.mid}-${codec.payloadType}`;
    add(codecStats(codecId, ts, { ...codec, kind: c.kind }));
    add({
      id: `IT-${c.ssrc}`,
      type: "inbound-rtp",
      timestamp: ts,
      ssrc: c.ssrc,
      kind: c.kind,
      mid: c.mid,
      transportId: "T01",
      codecId,
      packetsReceived: r.counters.packetsReceived,
      bytesReceived: r.counters.bytesReceived,
      framesReceived: r.counters.framesReceived,
      packetsLost: st.lost,
      jitter: st.jitterMs / 1000,
      nackCount: r.counters.nackSent,
      pliCount: r.counters.pliSent,
      retransmittedPacketsReceived: r.counters.retransmittedPacketsReceived,
    });
  }
  return out;
}

/** What `getStats` may be narrowed to: one transceiver's sender or receiver. */
export interface StatsSelector {
  readonly transceiver: Transceiver;
  readonly side: "sender" | "receiver";
}

/** W3C webrtc-stats for the connection (its data channels too), or only what concerns `selector`. */
export function connectionStats(
  bundle: BundleTransport,
  dataChannels: PeerDataChannels,
  selector: StatsSelector | undefined,
): StatsReport {
  const report = buildStats({
    now: bundle.now(),
    session: bundle.session,
    ice: bundle.ice,
    certificate: bundle.certificate,
    remoteFingerprint: bundle.remoteFingerprints[0],
    dtlsRole: bundle.dtlsRole,
    dataChannelsOpened: dataChannels.opened,
    dataChannelsClosed: dataChannels.closed,
    ...(selector?.transceiver.mid
      ? { selector: { mid: selector.transceiver.mid, side: selector.side } }
      : {}),
  });
  if (!selector) for (const e of dataChannels.stats(report.get("P")?.timestamp ?? 0)) report.set(e.id, e);
  return report;
}

/**
 * The line protocol between the NAT-lab scenario runner and a peer process running inside a lab namespace.
 * Signaling is relayed by the runner: every peer writes JSON lines on stdout, the runner forwards `creds`,
 * `sdp`, `cand` and `eoc` to the other peer's stdin and drives the phases (`start`, `go`, `bye`). The
 * runner is out of band on purpose: what crosses the lab network is only ICE, DTLS and SRTP/SRTCP.
 *
 * ICE-only peers (peer-tern.ts, peer-ndc.ts) exchange `creds` (ufrag/pwd) and candidates. Media peers
 * (peer-media.ts: a Tern PeerConnection) exchange an SDP offer and answer (JSEP, RFC 8829: the controlling
 * peer offers) and then trickle candidates (RFC 8838) as `cand` lines with their `mid`.
 */

/** The lab's TURN/STUN server (coturn in the `pub` namespace) and its long-term credentials. */
export const LAB_TURN = {
  address: "100.64.0.10",
  port: 3478,
  username: "tern",
  credential: "ternpass",
  realm: "natlab.tern.test",
} as const;

/** First byte of every application datagram: 0x17 is DTLS application_data, passed up by RFC 7983 demux. */
export const DATAGRAM_MARK = 0x17;

/**
 * ICE only: `tern`, a bare @tern/ice IceTransport (datagrams); `node-datachannel`, libdatachannel with a
 * synthesized SDP (see peer-ndc.ts). Media (SDP, DTLS-SRTP, VP8): `tern-media`, a @tern/peer
 * PeerConnection; `node-datachannel-media`, libdatachannel's PeerConnection with a VP8 track.
 */
export type PeerImpl = "tern" | "tern-media" | "node-datachannel" | "node-datachannel-media";

/** What a peer process is told on its command line (one JSON argument). */
export interface PeerConfig {
  readonly name: string;
  readonly role: "controlling" | "controlled";
  /** The host address inside the namespace to gather from. */
  readonly address: string;
  /** Use the lab's coturn as STUN server. */
  readonly stun: boolean;
  /** Use the lab's coturn as TURN server over this transport. */
  readonly turn: "udp" | "tcp" | undefined;
  readonly policy: "all" | "relay";
  readonly checkingTimeoutMs: number;
  /** Application datagrams to send once connected, and their size (first byte 0x17, then a u16 seq). */
  readonly datagrams: number;
  readonly datagramBytes: number;
  /** Media peers: how many times the VP8 clip is sent once connected (one keyframe at each start). */
  readonly videoPasses: number;
  /** Media peers: the time between two frames written, ms. */
  readonly frameIntervalMs: number;
  /** Media peers: transport-wide congestion control on (the default) or off. */
  readonly congestionControl: boolean;
}

export interface CandidateInfo {
  readonly type: string;
  readonly address: string;
  readonly port: number;
  readonly protocol: string;
}

export interface PairInfo {
  readonly local: CandidateInfo;
  readonly remote: CandidateInfo;
}

/** What a peer says when it is done (after `bye`, or on its own when ICE failed). */
export interface PeerReport {
  readonly impl: PeerImpl;
  /** Final ICE connection state. */
  readonly state: string;
  /** ms from `start` to connected / to failed (absent when it did not happen). */
  readonly connectedMs: number | undefined;
  readonly failedMs: number | undefined;
  /** Why ICE failed, as the implementation put it. */
  readonly failure: string | undefined;
  readonly pair: PairInfo | undefined;
  readonly localCandidates: readonly string[];
  /** Application datagrams sent, and distinct ones received (undefined: this peer cannot observe them). */
  readonly sent: number;
  readonly received: number | undefined;
  /** Other non-STUN datagrams received (node-datachannel's DTLS handshake, first byte 20..63). */
  readonly receivedOther: number;
  /** Non-STUN bytes received on the transport (undefined: this peer cannot observe them). */
  readonly receivedBytes: number | undefined;
  /** Tern's drop counters that moved. */
  readonly counters: Readonly<Record<string, number>>;
  /** Media peers only: what went over DTLS-SRTP. `sent`/`received` above then count video frames. */
  readonly media?: MediaReport;
}

/**
 * What a media peer saw. Frames are matched to the clip by RTP timestamp (each pass continues the clip's
 * timeline), so a frame that arrives is either byte-identical to the one written at that timestamp or
 * counted as corrupt.
 */
export interface MediaReport {
  /** ms from `start` to ICE connected (`PeerReport.connectedMs` is to the peer connection's "connected"). */
  readonly iceConnectedMs: number | undefined;
  /** Negotiated DTLS cipher suite and SRTP profile (undefined where the implementation does not say). */
  readonly dtlsCipher: string | undefined;
  readonly srtpProfile: string | undefined;
  /** Frames of the clip the peer was to send and this one to receive (clip length × passes). */
  readonly framesExpected: number;
  readonly framesSent: number;
  /** Distinct frames delivered, and those equal to the clip frame at their timestamp. */
  readonly framesReceived: number;
  readonly framesIdentical: number;
  /** Delivered frames whose timestamp is not in the clip or whose bytes differ (0 unless something is broken). */
  readonly framesCorrupt: number;
  /** RTP packets of the video stream sent and received (retransmissions included). */
  readonly packetsSent: number;
  readonly packetsReceived: number;
  /** Tern: loss repair, from getStats() (outbound-rtp, inbound-rtp, remote-inbound-rtp of the video). */
  readonly repair?: RepairStats;
}

export interface RepairStats {
  readonly retransmittedPacketsSent: number;
  readonly nackReceived: number;
  readonly pliReceived: number;
  readonly retransmittedPacketsReceived: number;
  /** RFC 3550 cumulative lost: expected − received, so duplicates (late originals after an RTX) make it < 0. */
  readonly packetsLost: number;
  readonly nackSent: number;
  readonly pliSent: number;
  /** From RTCP receiver reports, ms (undefined before the first one). */
  readonly rttMs: number | undefined;
}

/** A session description (RFC 8866) for a media peer: the offer, then the answer. */
export interface SdpMessage {
  readonly t: "sdp";
  readonly type: "offer" | "answer";
  readonly sdp: string;
}

/** A trickled candidate (`candidate:…`, RFC 8839 §5.1); media peers add the m= section it belongs to. */
export interface CandidateMessage {
  readonly t: "cand";
  readonly line: string;
  readonly mid?: string;
}

export type PeerMessage =
  | { readonly t: "ready" }
  | { readonly t: "creds"; readonly ufrag: string; readonly pwd: string }
  | SdpMessage
  | CandidateMessage
  | { readonly t: "eoc" }
  | { readonly t: "state"; readonly state: string; readonly ms: number }
  /** `pair`: the selected pair when the stack already knows it (the final report always carries it). */
  | { readonly t: "connected"; readonly ms: number; readonly pair: PairInfo | undefined }
  | { readonly t: "sent"; readonly n: number }
  | { readonly t: "all-received" }
  | { readonly t: "report"; readonly report: PeerReport };

export type RunnerMessage =
  | { readonly t: "start" }
  | { readonly t: "creds"; readonly ufrag: string; readonly pwd: string }
  | SdpMessage
  | CandidateMessage
  | { readonly t: "eoc" }
  | { readonly t: "go" }
  | { readonly t: "bye" };

const RUNNER_KINDS = new Set(["start", "creds", "sdp", "cand", "eoc", "go", "bye"]);
const PEER_KINDS = new Set([
  "ready",
  "creds",
  "sdp",
  "cand",
  "eoc",
  "state",
  "connected",
  "sent",
  "all-received",
  "report",
]);

function parseObject(line: string, kinds: ReadonlySet<string>): { t: string } | undefined {
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v !== "object" || v === null || !("t" in v) || typeof v.t !== "string") return undefined;
    return kinds.has(v.t) ? (v as { t: string }) : undefined;
  } catch {
    return undefined;
  }
}

/** One stdin line of a peer; undefined when it is not a runner message (ignored, never thrown). */
export function parseRunnerMessage(line: string): RunnerMessage | undefined {
  return parseObject(line, RUNNER_KINDS) as RunnerMessage | undefined;
}

/** One stdout line of a peer; undefined for anything else (a log line). */
export function parsePeerMessage(line: string): PeerMessage | undefined {
  return parseObject(line, PEER_KINDS) as PeerMessage | undefined;
}

/** Calls `onLine` for each complete line of a stream (the last, unterminated part is kept). */
export function lineReader(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let buf = "";
  return (chunk) => {
    buf += chunk.toString();
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (line !== "") onLine(line);
    }
  };
}

/** An application datagram: 0x17, u16 sequence number, zero padding to `bytes`. */
export function makeDatagram(seq: number, bytes: number): Buffer {
  const b = Buffer.alloc(Math.max(3, bytes));
  b[0] = DATAGRAM_MARK;
  b.writeUInt16BE(seq & 0xffff, 1);
  return b;
}

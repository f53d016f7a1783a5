/**
 * The line protocol between the NAT-lab scenario runner and a peer process running inside a lab namespace.
 * Signaling is relayed by the runner: every peer writes JSON lines on stdout, the runner forwards `creds`,
 * `cand` and `eoc` to the other peer's stdin and drives the phases (`start`, `go`, `bye`). The runner is
 * out of band on purpose: what crosses the lab network is only ICE (and, for node-datachannel, DTLS).
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

export type PeerImpl = "tern" | "node-datachannel";

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
}

export type PeerMessage =
  | { readonly t: "ready" }
  | { readonly t: "creds"; readonly ufrag: string; readonly pwd: string }
  | { readonly t: "cand"; readonly line: string }
  | { readonly t: "eoc" }
  | { readonly t: "state"; readonly state: string; readonly ms: number }
  | { readonly t: "connected"; readonly ms: number; readonly pair: PairInfo }
  | { readonly t: "sent"; readonly n: number }
  | { readonly t: "all-received" }
  | { readonly t: "report"; readonly report: PeerReport };

export type RunnerMessage =
  | { readonly t: "start" }
  | { readonly t: "creds"; readonly ufrag: string; readonly pwd: string }
  | { readonly t: "cand"; readonly line: string }
  | { readonly t: "eoc" }
  | { readonly t: "go" }
  | { readonly t: "bye" };

const RUNNER_KINDS = new Set(["start", "creds", "cand", "eoc", "go", "bye"]);
const PEER_KINDS = new Set([
  "ready",
  "creds",
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

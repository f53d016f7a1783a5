/**
 * A node-datachannel (libdatachannel + libjuice) peer for the NAT lab, the counterpart of peer-tern.ts
 * with the same line protocol (peer-protocol.ts). node-datachannel always does ICE + DTLS + SCTP.
 *
 * ICE-only interop: the runner relays only ICE credentials and candidates, so this peer writes the other
 * side's SDP itself from its `creds` (ufrag/pwd, a throwaway fingerprint, fingerprint verification off).
 * Controlling, it offers (a data channel) and takes a minimal answer with `a=setup:passive`, so it is the
 * DTLS client; controlled, it takes a minimal offer with `a=setup:active` and is the DTLS server (so two
 * node-datachannel peers complete DTLS). Against a Tern peer (controlled) it keeps sending ClientHellos
 * that Tern receives (and counts as `receivedOther`) but never answers: DTLS cannot complete against an
 * ICE-only peer (media against Tern is peer-ndc-media.ts ↔ peer-media.ts). Used by bench/ice-relay.bench.ts
 * to time ICE against peer-tern.ts. Tern's 0x17 datagrams reach libdatachannel's DTLS
 * layer, which drops them unseen (its `bytesReceived()` counts SCTP bytes only), so this peer reports
 * `received: undefined`: that direction is proven by ICE alone (its checks get Tern's responses through
 * the same path).
 *
 * libdatachannel can deadlock between its own threads right after ICE connected (see ndc-watchdog.ts), and
 * then any call that takes the ICE agent's lock blocks this thread for good. So the selected pair is read
 * ahead (once connected, out of libdatachannel's callbacks, and again at `go`), the report is written
 * before anything else is asked of libdatachannel, and every such call is guarded by the watchdog: a peer
 * that blocks still reports (its pair undefined if it could not be read) and exits.
 *
 * node-datachannel is a devDependency of packages/peer only, so it is loaded from there.
 */
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { type NdcCandidate, NdcPeerEnd, startWatchdog } from "./ndc-watchdog.js";
import {
  LAB_TURN,
  lineReader,
  type PeerConfig,
  type PeerMessage,
  parseRunnerMessage,
  type RunnerMessage,
} from "./peer-protocol.js";

interface NdcIceServer {
  readonly hostname: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly relayType?: "TurnUdp" | "TurnTcp" | "TurnTls";
}

/** The part of node-datachannel 0.33's PeerConnection this peer uses. */
interface NdcPeerConnection {
  close(): void;
  setRemoteDescription(sdp: string, type: "offer" | "answer"): void;
  addRemoteCandidate(candidate: string, mid: string): void;
  createDataChannel(label: string): unknown;
  iceState(): string;
  onLocalDescription(cb: (sdp: string, type: string) => void): void;
  onLocalCandidate(cb: (candidate: string, mid: string) => void): void;
  onIceStateChange(cb: (state: string) => void): void;
  onGatheringStateChange(cb: (state: string) => void): void;
  getSelectedCandidatePair(): { local: NdcCandidate; remote: NdcCandidate } | null;
}

interface NodeDataChannel {
  PeerConnection: new (
    name: string,
    config: {
      iceServers: (string | NdcIceServer)[];
      iceTransportPolicy?: "all" | "relay";
      bindAddress?: string;
      disableFingerprintVerification?: boolean;
    },
  ) => NdcPeerConnection;
  cleanup(): void;
}

/** Loads node-datachannel from packages/peer, where it is installed. */
function loadNodeDataChannel(): NodeDataChannel {
  const peerPackage = fileURLToPath(new URL("../../../peer/package.json", import.meta.url));
  return createRequire(peerPackage)("node-datachannel") as NodeDataChannel;
}

const config = JSON.parse(process.argv[2] ?? "{}") as PeerConfig;
const ndc = loadNodeDataChannel();
const watchdog = await startWatchdog();

function out(m: PeerMessage): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

/** The SDP node-datachannel gets on the other peer's behalf (see the file comment). */
function remoteSdp(type: "offer" | "answer", mid: string, ufrag: string, pwd: string): string {
  const fingerprint = [...randomBytes(32)]
    .map((b) => b.toString(16).padStart(2, "0").toUpperCase())
    .join(":");
  return [
    "v=0",
    "o=- 1 1 IN IP4 0.0.0.0",
    "s=-",
    "t=0 0",
    `a=group:BUNDLE ${mid}`,
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
    "c=IN IP4 0.0.0.0",
    `a=mid:${mid}`,
    `a=ice-ufrag:${ufrag}`,
    `a=ice-pwd:${pwd}`,
    "a=ice-options:trickle",
    `a=fingerprint:sha-256 ${fingerprint}`,
    type === "offer" ? "a=setup:active" : "a=setup:passive",
    "a=sctp-port:5000",
    "a=max-message-size:262144",
    "",
  ].join("\r\n");
}

/** The controlling side offers: the offerer is the controlling ICE agent (RFC 8445 §6.1.1). */
const offerer = config.role === "controlling";
let pc: NdcPeerConnection | undefined;
let t0 = 0;
const ms = (): number => +(performance.now() - t0).toFixed(1);
let mid = "0";
let credsSent = false;
let remoteSet = false;
const pendingLocal: string[] = [];
const pendingRemote: string[] = [];
const localCandidates: string[] = [];
let connectedMs: number | undefined;
let failedMs: number | undefined;
let state = "new";

function reportMessage(): PeerMessage {
  return {
    t: "report",
    report: {
      impl: "node-datachannel",
      state,
      connectedMs,
      failedMs,
      failure: failedMs === undefined ? undefined : "ICE failed",
      pair: end.pair,
      localCandidates,
      sent: 0,
      received: undefined,
      receivedOther: 0,
      receivedBytes: undefined,
      counters: {},
    },
  };
}

const end = new NdcPeerEnd(watchdog, {
  selected: () => pc?.getSelectedCandidatePair(),
  message: reportMessage,
  out,
  close: () => pc?.close(),
  cleanup: () => ndc.cleanup(),
});

function onConnected(): void {
  const p = pc;
  if (!p || connectedMs !== undefined) return;
  connectedMs = ms();
  // Said at once, without the selected pair: the runner times both sides' "connected" on its own clock.
  // The pair is read after this callback has returned (see ndc-watchdog.ts); the report carries it.
  out({ t: "connected", ms: connectedMs, pair: undefined });
  setTimeout(() => end.readPair(), 0);
}

function start(): void {
  t0 = performance.now();
  const iceServers: (string | NdcIceServer)[] = [];
  if (config.stun) iceServers.push(`stun:${LAB_TURN.address}:${LAB_TURN.port}`);
  if (config.turn) {
    iceServers.push({
      hostname: LAB_TURN.address,
      port: LAB_TURN.port,
      username: LAB_TURN.username,
      password: LAB_TURN.credential,
      relayType: config.turn === "tcp" ? "TurnTcp" : "TurnUdp",
    });
  }
  const p = new ndc.PeerConnection(config.name, {
    iceServers,
    iceTransportPolicy: config.policy,
    bindAddress: config.address,
    disableFingerprintVerification: true,
  });
  pc = p;
  p.onLocalDescription((sdp) => {
    if (credsSent) return;
    const ufrag = /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1];
    const pwd = /^a=ice-pwd:(\S+)/m.exec(sdp)?.[1];
    mid = /^a=mid:(\S+)/m.exec(sdp)?.[1] ?? "0";
    if (!ufrag || !pwd) throw new Error(`no ICE credentials in node-datachannel's offer:\n${sdp}`);
    out({ t: "creds", ufrag, pwd });
    credsSent = true;
    for (const line of pendingLocal.splice(0)) out({ t: "cand", line });
  });
  p.onLocalCandidate((candidate) => {
    const line = candidate.replace(/^a=/, "");
    localCandidates.push(line);
    if (credsSent) out({ t: "cand", line });
    else pendingLocal.push(line);
  });
  p.onGatheringStateChange((s) => {
    if (s === "complete") out({ t: "eoc" });
  });
  p.onIceStateChange((s) => {
    state = s;
    out({ t: "state", state: s, ms: ms() });
    if (s === "connected" || s === "completed") onConnected();
    if (s === "failed" && failedMs === undefined) {
      failedMs = ms();
      end.report();
    }
  });
  if (offerer) p.createDataChannel("natlab");
}

function handle(m: RunnerMessage): void {
  const p = pc;
  switch (m.t) {
    case "start":
      start();
      return;
    case "creds":
      if (!p) return;
      if (remoteSet) return;
      p.setRemoteDescription(
        remoteSdp(offerer ? "answer" : "offer", mid, m.ufrag, m.pwd),
        offerer ? "answer" : "offer",
      );
      remoteSet = true;
      for (const line of pendingRemote.splice(0)) p.addRemoteCandidate(line, mid);
      return;
    case "cand":
      if (remoteSet) p?.addRemoteCandidate(m.line, mid);
      else pendingRemote.push(m.line);
      return;
    case "eoc":
      return; // libdatachannel has no end-of-candidates call
    case "go":
      end.readPair(); // again: the pair may have changed since connected (nomination)
      out({ t: "sent", n: 0 }); // nothing to send below DTLS (see the file comment)
      return;
    case "bye":
      end.report();
      return;
  }
}

process.stdin.on(
  "data",
  lineReader((line) => {
    const m = parseRunnerMessage(line);
    if (m) handle(m);
  }),
);
process.stdin.on("end", () => end.report());
out({ t: "ready" });

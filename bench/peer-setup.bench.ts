/**
 * @tern/peer: offer → both peers "connected" on loopback, Tern↔Tern against werift↔werift and
 * node-datachannel↔node-datachannel in the same run, RUNS runs each, each stack in its own child process, the
 * three taking turns ROUND_RUNS runs at a time. Each pair negotiates one
 * audio and one video transceiver (sendrecv both ways) so ICE, DTLS and the SRTP key export all run;
 * signaling is in-process with trickle (each candidate goes to the other peer the moment it is gathered,
 * held back only until that peer has a remote description). The clock starts at createOffer (for
 * node-datachannel, setLocalDescription, which creates the offer) and stops when both peers report
 * connectionState "connected". Every pair is closed before the next; the process's active handles are
 * compared before and after to catch leaked sockets and timers.
 *
 * The pair builders are exported for peer-memory.bench.ts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type RunningStunServer, startStunServer } from "@tern/ice";
import { LocalTrack, PeerConnection } from "@tern/peer";
import { withTimeout } from "@tern/test-support";
import nodeDataChannel from "node-datachannel";
import { RTCPeerConnection, useOPUS, useVP8 } from "werift";
import { median, writeReport } from "./report.js";

const RUNS = Number(process.env.PEER_SETUP_RUNS ?? 100);
const STALL_MS = 500;
const RUN_TIMEOUT_MS = 10_000;
const LEAK_RUNS = 10;

/** A connected pair of peers and how to close it. */
export interface ConnectedPair {
  /** createOffer → both connected, ms. */
  readonly setupMs: number;
  /** Tern only: ms from createOffer to the offer (it waits for the certificate if not ready) and to both ICE connected. */
  readonly phases?: { readonly offerMs: number; readonly iceMs: number };
  close(): Promise<void>;
}

/** Holds candidates for a peer until it has a remote description, then passes them on in order. */
export class CandidateGate<C> {
  private held: C[] | undefined = [];
  constructor(private readonly deliver: (c: C) => void) {}
  push(c: C): void {
    if (this.held) this.held.push(c);
    else this.deliver(c);
  }
  open(): void {
    const h = this.held ?? [];
    this.held = undefined;
    for (const c of h) this.deliver(c);
  }
}

// ---- Tern ------------------------------------------------------------------------------------------------

function ternIceConnected(pc: PeerConnection): Promise<number> {
  return new Promise((resolve) => {
    const check = (s: string): void => {
      if (s === "connected" || s === "completed") resolve(performance.now());
    };
    check(pc.iceConnectionState);
    pc.on("iceconnectionstatechange", check);
  });
}

export function ternConnected(pc: PeerConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (s: string): void => {
      if (s === "connected") resolve();
      else if (s === "failed" || s === "closed") reject(new Error(`Tern connection ${s}`));
    };
    check(pc.connectionState);
    pc.on("connectionstatechange", check);
  });
}

export async function ternPair(): Promise<ConnectedPair> {
  const config = { iceAddresses: ["127.0.0.1"], mdns: false } as const;
  const a = new PeerConnection(config);
  const b = new PeerConnection(config);
  const close = async (): Promise<void> => {
    await Promise.all([a.close(), b.close()]);
  };
  try {
    a.addTrack(new LocalTrack("audio"));
    a.addTrack(new LocalTrack("video"));
    // Tern buffers candidates that arrive before the remote description itself.
    a.on("icecandidate", (e) => void b.addIceCandidate(e.candidate));
    b.on("icecandidate", (e) => void a.addIceCandidate(e.candidate));
    const done = Promise.all([ternConnected(a), ternConnected(b)]);
    const ice = Promise.all([ternIceConnected(a), ternIceConnected(b)]);
    const t0 = performance.now();
    const offer = await a.createOffer();
    const offerMs = performance.now() - t0;
    await a.setLocalDescription(offer);
    await b.setRemoteDescription(offer);
    b.addTrack(new LocalTrack("audio"));
    b.addTrack(new LocalTrack("video"));
    const answer = await b.createAnswer();
    await b.setLocalDescription(answer);
    await a.setRemoteDescription(answer);
    await withTimeout(done, RUN_TIMEOUT_MS, "Tern pair connected");
    const setupMs = performance.now() - t0;
    const iceMs = Math.max(...(await ice)) - t0;
    return { setupMs, phases: { offerMs, iceMs }, close };
  } catch (e) {
    await close();
    throw e;
  }
}

// ---- werift ----------------------------------------------------------------------------------------------

export function weriftConnected(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (s: string): void => {
      if (s === "connected") resolve();
      else if (s === "failed" || s === "closed") reject(new Error(`werift connection ${s}`));
    };
    check(pc.connectionState);
    pc.connectionStateChange.subscribe(check);
  });
}

/**
 * werift with a STUN server on loopback (it queries a public one when given none) and its loopback
 * candidates only passed on (it also gathers every interface).
 */
export function newWerift(stun: RunningStunServer): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: [{ urls: `stun:127.0.0.1:${stun.address.port}` }],
    iceAdditionalHostAddresses: ["127.0.0.1"],
    iceUseIpv6: false,
    codecs: { audio: [useOPUS()], video: [useVP8()] },
  });
}

export async function weriftPair(stun: RunningStunServer): Promise<ConnectedPair> {
  const a = newWerift(stun);
  const b = newWerift(stun);
  const close = async (): Promise<void> => {
    await Promise.all([a.close(), b.close()]);
  };
  try {
    a.addTransceiver("audio", { direction: "sendrecv" });
    a.addTransceiver("video", { direction: "sendrecv" });
    type Cand = Parameters<RTCPeerConnection["addIceCandidate"]>[0];
    const toB = new CandidateGate<Cand>((c) => void b.addIceCandidate(c).catch(() => undefined));
    const toA = new CandidateGate<Cand>((c) => void a.addIceCandidate(c).catch(() => undefined));
    a.onIceCandidate.subscribe((c) => c?.candidate.includes(" 127.0.0.1 ") && toB.push(c));
    b.onIceCandidate.subscribe((c) => c?.candidate.includes(" 127.0.0.1 ") && toA.push(c));
    const done = Promise.all([weriftConnected(a), weriftConnected(b)]);
    const t0 = performance.now();
    const offer = await a.createOffer();
    await a.setLocalDescription(offer);
    await b.setRemoteDescription(offer);
    toB.open();
    for (const t of b.getTransceivers()) t.setDirection("sendrecv");
    const answer = await b.createAnswer();
    await b.setLocalDescription(answer);
    await a.setRemoteDescription(answer);
    toA.open();
    await withTimeout(done, RUN_TIMEOUT_MS, "werift pair connected");
    return { setupMs: performance.now() - t0, close };
  } catch (e) {
    await close();
    throw e;
  }
}

// ---- node-datachannel ------------------------------------------------------------------------------------

interface NdcPeer {
  readonly pc: nodeDataChannel.PeerConnection;
  readonly tracks: nodeDataChannel.Track[];
  readonly connected: Promise<void>;
}

function ndcPeer(name: string): NdcPeer {
  const pc = new nodeDataChannel.PeerConnection(name, { iceServers: [], bindAddress: "127.0.0.1" });
  const connected = new Promise<void>((resolve, reject) => {
    pc.onStateChange((s) => {
      if (s === "connected") resolve();
      else if (s === "failed" || s === "closed") reject(new Error(`node-datachannel connection ${s}`));
    });
  });
  const audio = new nodeDataChannel.Audio("0", "SendRecv");
  audio.addOpusCodec(111);
  audio.addSSRC(0x0b0b0b0b, `${name}-audio`, `${name}-stream`, `${name}-audio`);
  const video = new nodeDataChannel.Video("1", "SendRecv");
  video.addVP8Codec(96);
  video.addSSRC(0x0a0a0a0a, `${name}-video`, `${name}-stream`, `${name}-video`);
  return { pc, tracks: [pc.addTrack(audio), pc.addTrack(video)], connected };
}

export async function ndcPair(): Promise<ConnectedPair> {
  const a = ndcPeer("a");
  const b = ndcPeer("b");
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const p of [a, b]) {
      for (const t of p.tracks) t.close();
      p.pc.close();
    }
  };
  try {
    // Registered before setLocalDescription: node-datachannel does not replay candidates to late listeners.
    const toB = new CandidateGate<[string, string]>(([c, mid]) => b.pc.addRemoteCandidate(c, mid));
    const toA = new CandidateGate<[string, string]>(([c, mid]) => a.pc.addRemoteCandidate(c, mid));
    a.pc.onLocalCandidate((c, mid) => toB.push([c, mid]));
    b.pc.onLocalCandidate((c, mid) => toA.push([c, mid]));
    a.pc.onLocalDescription((sdp, type) => {
      b.pc.setRemoteDescription(sdp, type); // b answers on its own (auto-negotiation)
      toB.open();
    });
    b.pc.onLocalDescription((sdp, type) => {
      a.pc.setRemoteDescription(sdp, type);
      toA.open();
    });
    const done = Promise.all([a.connected, b.connected]);
    const t0 = performance.now();
    a.pc.setLocalDescription();
    await withTimeout(done, RUN_TIMEOUT_MS, "node-datachannel pair connected");
    return { setupMs: performance.now() - t0, close };
  } catch (e) {
    await close();
    throw e;
  }
}

// ---- the bench -------------------------------------------------------------------------------------------

/** Active libuv handles and requests by type ("UDPWrap", "Timeout", …). */
function activeResources(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

function addDiff(into: Map<string, number>, before: Map<string, number>): void {
  const after = activeResources();
  for (const k of new Set([...before.keys(), ...after.keys()])) {
    const d = (after.get(k) ?? 0) - (before.get(k) ?? 0);
    if (d !== 0) into.set(k, (into.get(k) ?? 0) + d);
  }
}

function formatDiff(m: Map<string, number>): string {
  const parts = [...m].filter(([, d]) => d !== 0).map(([k, d]) => `${k} ${d > 0 ? "+" : ""}${d}`);
  return parts.length === 0 ? "none" : parts.join(", ");
}

/** Lets close-time callbacks (socket close, timers cleared on close) run before handles are counted. */
async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
}

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}

interface Series {
  readonly ms: number[];
  /** Process CPU (user + system, every thread) from createOffer to connected, ms. */
  readonly cpuMs: number[];
  readonly offerMs: number[];
  readonly iceMs: number[];
  failures: number;
  /** Handles left open after close, summed over the runs of this contender. */
  readonly left: Map<string, number>;
}

async function measure(series: Series, make: () => Promise<ConnectedPair>): Promise<void> {
  const before = activeResources();
  const cpu0 = process.cpuUsage();
  try {
    const pair = await make();
    const cpu = process.cpuUsage(cpu0);
    series.ms.push(pair.setupMs);
    series.cpuMs.push((cpu.user + cpu.system) / 1000);
    if (pair.phases) {
      series.offerMs.push(pair.phases.offerMs);
      series.iceMs.push(pair.phases.iceMs);
    }
    await pair.close();
  } catch {
    series.failures++;
  }
  await settle();
  addDiff(series.left, before);
}

const ROUND_RUNS = 10;
const WARM_UP_RUNS = 10;
type Name = "tern" | "werift" | "node-datachannel";
const NAMES: readonly Name[] = ["tern", "werift", "node-datachannel"];

interface ChildResult {
  readonly series: Omit<Series, "left"> & { readonly left: [string, number][] };
  readonly leaks: string;
}

/**
 * In a child process of its own, one stack: a warm-up set-up, then ROUND_RUNS measured set-ups each time
 * the parent writes "go" (answering "ok"), then the leak check on "finish" and a RESULT line.
 */
async function child(name: Name): Promise<void> {
  const stun = name === "werift" ? await startStunServer({ host: "127.0.0.1", port: 0 }) : undefined;
  const make = (): Promise<ConnectedPair> =>
    name === "tern" ? ternPair() : name === "werift" ? weriftPair(stun as RunningStunServer) : ndcPair();
  const series: Series = { ms: [], cpuMs: [], offerMs: [], iceMs: [], failures: 0, left: new Map() };
  // Warm-up, not counted: module loading, the certificate, and the JIT (as in a server that has been up).
  for (let i = 0; i < WARM_UP_RUNS; i++) await (await make()).close();
  await settle();
  process.stdout.write("ready\n");
  let buffered = "";
  for await (const chunk of process.stdin) {
    buffered += String(chunk);
    let nl = buffered.indexOf("\n");
    while (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      nl = buffered.indexOf("\n");
      if (line === "go") {
        for (let i = 0; i < ROUND_RUNS; i++) await measure(series, make);
        process.stdout.write("ok\n");
      } else if (line === "finish") {
        // Leaks: LEAK_RUNS set-ups and closes back to back, then a second for timers to end.
        await new Promise((r) => setTimeout(r, 1000));
        const before = activeResources();
        for (let i = 0; i < LEAK_RUNS; i++) await (await make()).close();
        await new Promise((r) => setTimeout(r, 1000));
        const d = new Map<string, number>();
        addDiff(d, before);
        const result: ChildResult = { series: { ...series, left: [...series.left] }, leaks: formatDiff(d) };
        process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
        await stun?.close();
        // No nodeDataChannel.cleanup(): it aborted or segfaulted at exit (node-datachannel 0.33.4).
        process.exit(0);
      }
    }
  }
}

/** A stack's child process, driven line by line. */
class StackProcess {
  private readonly proc: ChildProcess;
  private out = "";
  private waiting: { token: string; resolve: (line: string) => void; reject: (e: Error) => void } | undefined;
  private readonly err: string[] = [];
  private exited: string | undefined;

  constructor(readonly name: Name) {
    this.proc = spawn(
      process.execPath,
      ["--conditions=tern-source", "--import", "tsx", fileURLToPath(import.meta.url), "child", name],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    this.proc.stdout?.on("data", (d: Buffer) => {
      this.out += d.toString();
      this.deliver();
    });
    this.proc.stderr?.on("data", (d: Buffer) => this.err.push(d.toString()));
    this.proc.on("close", (code, signal) => {
      this.exited = `${name} child exited ${code ?? signal}: ${this.err.join("").trim().split("\n").slice(-3).join(" / ")}`;
      this.deliver();
    });
  }

  private deliver(): void {
    const w = this.waiting;
    if (!w) return;
    for (const line of this.out.split("\n")) {
      if (line === w.token || line.startsWith(`${w.token} `)) {
        this.out = this.out.slice(this.out.indexOf(line) + line.length + 1);
        this.waiting = undefined;
        w.resolve(line);
        return;
      }
    }
    if (this.exited !== undefined) {
      this.waiting = undefined;
      w.reject(new Error(this.exited));
    }
  }

  /** Sends `command` (if any) and waits for a line starting with `token`. */
  request(command: string | undefined, token: string): Promise<string> {
    const answer = new Promise<string>((resolve, reject) => {
      this.waiting = { token, resolve, reject };
    });
    if (command !== undefined) this.proc.stdin?.write(`${command}\n`);
    this.deliver();
    return withTimeout(answer, RUN_TIMEOUT_MS * ROUND_RUNS + 60_000, `${this.name}: ${token}`);
  }
}

export default async function (): Promise<void> {
  const names = NAMES;
  // One process per stack: a stack's leaked sockets and timers (werift leaves two sockets per set-up
  // running) then load only its own later runs. The processes take turns, ROUND_RUNS runs at a time, so
  // load from elsewhere on the machine still hits all alike.
  const procs = names.map((n) => new StackProcess(n));
  await Promise.all(procs.map((p) => p.request(undefined, "ready")));
  for (let done = 0; done < RUNS; done += ROUND_RUNS) {
    for (const p of procs) await p.request("go", "ok");
  }
  const results = {} as Record<Name, ChildResult>;
  for (const p of procs) {
    const line = await p.request("finish", "RESULT");
    results[p.name] = JSON.parse(line.slice("RESULT ".length)) as ChildResult;
  }
  const series = {} as Record<Name, Series>;
  const leaks = {} as Record<Name, string>;
  for (const n of names) {
    const r = results[n];
    series[n] = { ...r.series, left: new Map(r.series.left) };
    leaks[n] = r.leaks;
  }

  const stat = (f: (xs: readonly number[]) => number) => (xs: readonly number[]) =>
    xs.length > 0 ? f(xs) : Number.NaN;
  const row = (label: string, f: (s: Series) => number) => ({
    case: label,
    values: Object.fromEntries(names.map((n) => [n, f(series[n])])),
  });
  const tern = series.tern;
  writeReport({
    name: "peer-setup",
    unit: "ms",
    better: "lower",
    subject: "tern",
    baselines: ["werift", "node-datachannel"],
    rows: [
      row(`offer → both connected, median of ${RUNS}`, (s) => stat(median)(s.ms)),
      row("p90", (s) => stat((xs) => percentile(xs, 90))(s.ms)),
      row("min", (s) => stat((xs) => Math.min(...xs))(s.ms)),
      row("max", (s) => stat((xs) => Math.max(...xs))(s.ms)),
      row("process CPU per setup, median (ms, all threads)", (s) => stat(median)(s.cpuMs)),
    ],
    notes: [
      "loopback, in-process signaling with trickle, both peers in one process, one audio + one video",
      "transceiver sendrecv both ways (ICE + DTLS 1.2 + SRTP keys); each stack in a child process of its",
      `own (CPU is that process's), the three taking turns ${ROUND_RUNS} runs at a time.`,
      "Tern and node-datachannel bind 127.0.0.1 only; werift gathers every interface and 127.0.0.1 and",
      "queries a STUN server on loopback (Tern's); only its 127.0.0.1 candidates are signaled. All three",
      "use one DTLS certificate per process by default (made in the warm-up, not in the measured runs).",
      `Each stack's process makes ${WARM_UP_RUNS} set-ups before the measured ones (JIT warm, as in a server).`,
      `Tern phases (median ms from createOffer): offer ready ${stat(median)(tern.offerMs).toFixed(1)},`,
      `both ICE connected ${stat(median)(tern.iceMs).toFixed(1)}, both connected (DTLS done) ${stat(median)(tern.ms).toFixed(1)}.`,
      `runs ≥ ${STALL_MS} ms (stalls): ${names.map((n) => `${n} ${series[n].ms.filter((x) => x >= STALL_MS).length}`).join(", ")} of ${RUNS};`,
      `runs failed or over ${RUN_TIMEOUT_MS} ms: ${names.map((n) => `${n} ${series[n].failures}`).join(", ")}.`,
      `handles (sockets, timers) still open 1 s after ${LEAK_RUNS} set-up + close of one stack alone: ${names.map((n) => `${n}: ${leaks[n]}`).join("; ")}.`,
      `handles open 50 ms after close, summed over the runs: ${names.map((n) => `${n}: ${formatDiff(series[n].left)}`).join("; ")}`,
      "(a timer an earlier run left behind that fires during a later one counts there as negative).",
    ],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "child") {
  const name = process.argv[3] as Name;
  if (!NAMES.includes(name)) {
    console.error(`usage: peer-setup.bench.ts child <${NAMES.join("|")}>`);
    process.exit(2);
  }
  await child(name);
}

/**
 * Where Tern's data-channel bulk path spends its time: `node --conditions=tern-source --import tsx
 * bench/datachannel/profile-datachannel.ts [seconds]`. Runs the datachannel bench's (a) for Tern (a
 * Tern↔Tern pair in this process, 64 KiB messages with bufferedAmount flow control) under V8's CPU
 * profiler, and prints CPU µs per SCTP packet (both ends together: the sender's SCTP, DTLS seal and UDP
 * send, the receiver's UDP receive, DTLS open, SCTP, and the SACKs back) by where the time went. Then
 * the same transfer at SCTP packet sizes of 1200 (the default, as every WebRTC stack), 4000 and 8000
 * bytes (loopback carries them; real paths do not): if the rate follows the packet count, what bounds it
 * is per-packet cost. The .cpuprofile goes to .tern-tmp/profiles/ (open it in Chrome DevTools).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PeerConnection } from "@tern/peer";

const SECONDS = Number(process.argv[2] ?? 3);
const out = join(fileURLToPath(new URL("../../.tern-tmp/", import.meta.url)), "profiles");

interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { functionName: string; url: string };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Node's native builtins have no URL: these are the cipher's and the UDP socket's. */
const NATIVE_CRYPTO = new Set([
  "initiv",
  "update",
  "final",
  "getAuthTag",
  "setAuthTag",
  "setAAD",
  "CipherBase",
]);

const CATEGORIES: readonly [string, (url: string, fn: string) => boolean][] = [
  [
    "AEAD and record-number masks (node:crypto: a cipher object and its key schedule per record)",
    (u, f) => u.includes("internal/crypto") || (u === "" && NATIVE_CRYPTO.has(f)),
  ],
  [
    "UDP send (node:dgram and the native send)",
    (u, f) => u.startsWith("node:dgram") || u.includes("internal/dgram") || (u === "" && f === "send"),
  ],
  ["DTLS record layer (JS)", (u) => u.includes("packages/dtls-srtp/")],
  ["SCTP association and codecs (JS)", (u) => u.includes("packages/sctp/")],
  ["peer: data channels, media session, transport pump (JS)", (u) => u.includes("packages/peer/")],
  ["ICE transport and UDP receive (JS)", (u) => u.includes("packages/ice/")],
  ["garbage collector", (_u, f) => f === "(garbage collector)"],
  ["native, unattributed ((program): libuv, the UDP receive, the event loop)", (_u, f) => f === "(program)"],
  ["idle (waiting on the socket or a timer)", (_u, f) => f === "(idle)"],
];

interface Pair {
  readonly a: PeerConnection;
  readonly b: PeerConnection;
  close(): Promise<void>;
}

async function pair(mtu: number): Promise<Pair> {
  const config = { iceAddresses: ["127.0.0.1"], mdns: false, sctp: { mtu } } as const;
  const a = new PeerConnection(config);
  const b = new PeerConnection(config);
  a.on("icecandidate", (e) => void b.addIceCandidate(e.candidate));
  b.on("icecandidate", (e) => void a.addIceCandidate(e.candidate));
  a.createDataChannel("warm");
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription as never);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription as never);
  await new Promise<void>((r) => b.once("datachannel", () => r()));
  return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
}

/** 64 KiB messages a → b for `seconds` with flow control; bytes received and SCTP packets sent (both ends). */
async function bulk(p: Pair, seconds: number): Promise<{ bytes: number; packets: number; ms: number }> {
  const tx = p.a.createDataChannel("bulk");
  const rx = await new Promise<import("@tern/peer").DataChannel>((r) =>
    p.b.once("datachannel", (e) => r(e.channel)),
  );
  if (tx.readyState !== "open") await new Promise<void>((r) => tx.once("open", () => r()));
  let bytes = 0;
  rx.on("message", (m) => {
    bytes += typeof m === "string" ? m.length : m.byteLength;
  });
  const msg = new Uint8Array(65536);
  tx.bufferedAmountLowThreshold = 256 << 10;
  const packetsSent = (): number =>
    (p.a.dataChannels.machine.association?.counters["packets-sent"] ?? 0) +
    (p.b.dataChannels.machine.association?.counters["packets-sent"] ?? 0);
  const p0 = packetsSent();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    while (tx.bufferedAmount < 1 << 20) tx.send(msg);
    await new Promise<void>((r) => tx.once("bufferedamountlow", () => r()));
  }
  return { bytes, packets: packetsSent() - p0, ms: performance.now() - t0 };
}

async function profiled(): Promise<void> {
  const p = await pair(1200);
  await bulk(p, 1); // warm
  const s = new Session();
  s.connect();
  await s.post("Profiler.enable");
  await s.post("Profiler.setSamplingInterval", { interval: 100 });
  await s.post("Profiler.start");
  const r = await bulk(p, SECONDS);
  const { profile } = (await s.post("Profiler.stop")) as { profile: CpuProfile };
  s.disconnect();
  await p.close();
  mkdirSync(out, { recursive: true });
  const file = join(out, "datachannel-bulk.cpuprofile");
  writeFileSync(file, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    all += dt;
    const cat =
      CATEGORIES.find(([, m]) => f && m(f.url, f.functionName))?.[0] ?? "other (Node internals, tsx)";
    totals.set(cat, (totals.get(cat) ?? 0) + dt);
  });
  console.log(
    `Tern bulk at SCTP packets of 1200 B: ${(r.bytes / 1e6 / (r.ms / 1000)).toFixed(1)} MB/s, ` +
      `${Math.round(r.packets / (r.ms / 1000))} SCTP packets/s (both ends, SACKs included)`,
  );
  console.log("CPU µs per SCTP packet, by where it went:");
  for (const [cat, us] of [...totals].sort((x, y) => y[1] - x[1])) {
    console.log(
      `  ${(us / r.packets).toFixed(2).padStart(7)} µs  ${((100 * us) / all).toFixed(1).padStart(5)} %  ${cat}`,
    );
  }
  console.log(`  (${(all / r.packets).toFixed(2)} µs per packet in all; profile: ${file})`);
}

async function packetSizes(): Promise<void> {
  console.log("\nThe same transfer by SCTP packet size (bytes per SCTP packet; loopback only beyond ~1400):");
  for (const mtu of [1200, 4000, 8000]) {
    const p = await pair(mtu);
    await bulk(p, 0.5);
    const r = await bulk(p, Math.max(1, SECONDS / 2));
    await p.close();
    console.log(
      `  mtu ${String(mtu).padStart(5)}: ${(r.bytes / 1e6 / (r.ms / 1000)).toFixed(1).padStart(6)} MB/s, ` +
        `${Math.round(r.packets / (r.ms / 1000))} packets/s`,
    );
  }
}

await profiled();
await packetSizes();
process.exit(0);

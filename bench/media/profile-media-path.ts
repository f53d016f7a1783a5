/**
 * Where the media path's time goes: `node --conditions=tern-source --import tsx
 * bench/media/profile-media-path.ts [seconds] [gcm]`. Runs peer-media's Tern path (AES_CM_80, or GCM) and the floor
 * (node:dgram + Tern's SRTP) flat out in this process, with V8's CPU profiler on (50 µs sampling) and
 * then its sampling heap profiler, and prints:
 * - µs per forwarded packet under the path's main functions (inclusive), for both;
 * - Tern against the floor with SRTP as the yardstick (busy time / SRTP time: load on a shared machine
 *   slows both alike, so the ratio holds better than wall-clock rates do);
 * - JS heap bytes allocated per packet and by which functions.
 * The .cpuprofile files go to .tern-tmp/ (open them in Chrome DevTools).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SrtpProfileName } from "../peers/pair-options.js";
import { dgramSrtpPath, flatOut, type MediaPath, ternPath } from "./media-path.js";

const SECONDS = Number(process.argv[2] ?? 3);
const out = join(fileURLToPath(new URL("../../.tern-tmp/", import.meta.url)), "profiles");

interface CpuNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly CpuNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}
interface HeapNode {
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly selfSize: number;
  readonly children: readonly HeapNode[];
}

const where = (f: CpuNode["callFrame"]): string =>
  `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/(packages|bench)\//, "$1/").replace(/^node:/, "node:")}`;

/** Inclusive µs per packet by function (recursion counted once), plus busy and SRTP totals. */
function inclusive(p: CpuProfile, packets: number) {
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const incl = new Map<string, number>();
  let idle = 0;
  let srtp = 0;
  const walk = (id: number, stack: Set<string>, inSrtp: boolean): number => {
    const n = byId.get(id) as CpuNode;
    const k = where(n.callFrame);
    const isSrtp =
      inSrtp || (n.callFrame.url.includes("srtp-context") && /^(un)?protect$/.test(n.callFrame.functionName));
    let t = self.get(id) ?? 0;
    if (n.callFrame.functionName === "(idle)") idle += t;
    if (isSrtp) srtp += t;
    const fresh = !stack.has(k);
    if (fresh) stack.add(k);
    for (const c of n.children ?? []) t += walk(c, stack, isSrtp);
    if (fresh) {
      stack.delete(k);
      incl.set(k, (incl.get(k) ?? 0) + t);
    }
    return t;
  };
  const total = walk((p.nodes[0] as CpuNode).id, new Set(), false);
  return {
    perPacket: (k: string) => (incl.get(k) ?? 0) / packets,
    incl,
    busy: (total - idle) / packets,
    srtp: srtp / packets,
    packets,
  };
}

async function profileCpu(name: string, make: () => Promise<MediaPath>) {
  const warm = await make();
  await flatOut(warm, 1);
  await warm.close();
  const p = await make();
  const s = new Session();
  s.connect();
  await s.post("Profiler.enable");
  await s.post("Profiler.setSamplingInterval", { interval: 50 });
  await s.post("Profiler.start");
  const o = await flatOut(p, SECONDS);
  const { profile } = await s.post("Profiler.stop");
  s.disconnect();
  await p.close();
  writeFileSync(join(out, `${name}.cpuprofile`), JSON.stringify(profile));
  return inclusive(profile as unknown as CpuProfile, o.received);
}

async function profileHeap(make: () => Promise<MediaPath>) {
  const p = await make();
  await flatOut(p, 1);
  const s = new Session();
  s.connect();
  await s.post("HeapProfiler.startSampling", {
    samplingInterval: 64,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const o = await flatOut(p, Math.min(2, SECONDS));
  const { profile } = await s.post("HeapProfiler.stopSampling");
  s.disconnect();
  await p.close();
  const by = new Map<string, number>();
  const walk = (x: HeapNode): void => {
    const k = where(x.callFrame);
    by.set(k, (by.get(k) ?? 0) + x.selfSize);
    for (const c of x.children) walk(c);
  };
  walk(profile.head as unknown as HeapNode);
  const total = [...by.values()].reduce((a, b) => a + b, 0);
  return {
    perPacket: total / o.received,
    top: [...by]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([k, v]) => [k, v / o.received] as const),
  };
}

mkdirSync(out, { recursive: true });
const profile: SrtpProfileName =
  process.argv[3] === "gcm" ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AES128_CM_HMAC_SHA1_80";
const tern = await profileCpu("tern", () => ternPath(profile));
const floor = await profileCpu("floor", () => dgramSrtpPath(profile));
const us = (x: number) => x.toFixed(2).padStart(6);
console.log(`Tern: ${tern.packets} packets, busy ${us(tern.busy)} µs/packet, SRTP ${us(tern.srtp)}`);
console.log(`floor: ${floor.packets} packets, busy ${us(floor.busy)} µs/packet, SRTP ${us(floor.srtp)}`);
console.log(
  `Tern ≈ ${((100 * (floor.busy / floor.srtp)) / (tern.busy / tern.srtp)).toFixed(0)} % of the floor (busy/SRTP yardstick); by wall-clock µs ${((100 * floor.busy) / tern.busy).toFixed(0)} %`,
);
console.log("\nTern, inclusive µs per packet (send path, receive path and what hangs under them):");
const interesting =
  /media-session|rtp-receiver|rtp-sender|ssrc-router|bundle-transport|ice-transport|jitter-buffer|nack-generator|receiver-stats|retransmission-history|rtp-header|vp8|media-track|srtp-context|onMessage|doSend|garbage|\(program\)/;
for (const [k] of [...tern.incl]
  .filter(([k]) => interesting.test(k))
  .sort((a, b) => b[1] - a[1])
  .slice(0, 30))
  console.log(`${us(tern.perPacket(k))}  ${k}`);
const heap = await profileHeap(() => ternPath(profile));
const heapFloor = await profileHeap(() => dgramSrtpPath(profile));
console.log(
  `\nJS heap allocated per packet: Tern ${heap.perPacket.toFixed(0)} B, floor ${heapFloor.perPacket.toFixed(0)} B; Tern's by function:`,
);
for (const [k, v] of heap.top) console.log(`${v.toFixed(0).padStart(6)} B  ${k}`);
console.log(`\nprofiles in ${out}`);
process.exit(0);

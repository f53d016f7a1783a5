/**
 * The Tern side of the bottleneck cells (bottleneck-suite.ts), run as its own process inside the shaped
 * namespace (`ip netns exec <ns> node --conditions=tern-source --import tsx bottleneck-peer.ts '<config>'`):
 * a PeerConnection that gathers only on the namespace's veth address and answers the browser's offer
 * (non-trickle). `send`: it sends VP8 as an encoder that follows congestion control would — every 33 ms a
 * frame of its sender's target / 30 octets (the frames of `clip.ivf`, each padded with zeros after the
 * VP8 data: the decoder reads its partitions and ignores the rest), a keyframe when one is asked for.
 * `receive`: it takes the browser's video and counts it. `stripTransportCc`: the transport-wide CC extmap
 * and `transport-cc` feedback lines are removed from the offer before Tern sees it (neither side then
 * negotiates it). JSON lines: in `offer`, `stats`, `bye`; out `answer`, `connected`, `stats`, `error`.
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { decodeIvf } from "@tern/rtp";
import type { BandwidthEstimate } from "../../src/machine/congestion-controller.js";
import { LocalTrack } from "../../src/node/media-track.js";
import { PeerConnection } from "../../src/node/peer-connection.js";

export interface BottleneckPeerConfig {
  readonly address: string;
  readonly mode: "send" | "receive";
}

export type BottleneckPeerIn =
  | { readonly type: "offer"; readonly sdp: string; readonly stripTransportCc: boolean }
  | { readonly type: "stats" }
  | { readonly type: "bye" };

export interface TernSample {
  /** ms since connected */
  readonly atMs: number;
  readonly targetBitrateBps: number | undefined;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly framesReceived: number;
  readonly packetsLost: number;
  readonly rttMs: number | undefined;
  readonly feedbackSent: number;
  readonly feedbackReceived: number;
  readonly framesDroppedByPacer: number;
  readonly keyframeRequests: number;
  /** probe clusters sent, padding packets made for them, results the estimator took */
  readonly probes: number;
  readonly paddingPackets: number;
  readonly probeResults: number;
}

export type BottleneckPeerOut =
  | { readonly type: "answer"; readonly sdp: string }
  | { readonly type: "connected" }
  | { readonly type: "stats"; readonly sample: TernSample }
  | { readonly type: "error"; readonly message: string };

/** The SDP without transport-wide CC (its extmap and every `a=rtcp-fb:… transport-cc`). */
export function stripTransportCc(sdp: string): string {
  return sdp
    .split("\r\n")
    .filter((l) => !l.includes("transport-wide-cc-extensions") && !/^a=rtcp-fb:\S+ transport-cc$/.test(l))
    .join("\r\n");
}

function out(m: BottleneckPeerOut): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? "{}") as BottleneckPeerConfig;
  const pc = new PeerConnection({ iceAddresses: [config.address], mdns: false });
  const track = new LocalTrack("video");
  let estimate: BandwidthEstimate | undefined;
  pc.on("bandwidthestimate", (e) => {
    estimate = e;
  });
  let connectedAt: number | undefined;
  let framesReceived = 0;
  let keyframeRequests = 0;
  let timer: NodeJS.Timeout | undefined;
  pc.on("track", (e) => e.track.on("frame", () => void framesReceived++));
  pc.on("connectionstatechange", (s) => {
    if (s === "connected" && connectedAt === undefined) {
      connectedAt = performance.now();
      out({ type: "connected" });
      if (config.mode === "send")
        timer = startEncoder(
          track,
          () => estimate,
          () => keyframeRequests++,
        );
    }
  });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const m = JSON.parse(line) as BottleneckPeerIn;
    try {
      if (m.type === "offer") {
        await pc.setRemoteDescription({
          type: "offer",
          sdp: m.stripTransportCc ? stripTransportCc(m.sdp) : m.sdp,
        });
        const t = pc.transceivers[0];
        if (config.mode === "send" && t) await pc.replaceTrack(t, track);
        if (t) pc.setDirection(t, config.mode === "send" ? "sendonly" : "recvonly");
        await pc.setLocalDescription(await pc.createAnswer());
        await new Promise<void>((resolve) => {
          if (pc.iceGatheringState === "complete") resolve();
          else pc.on("icegatheringstatechange", (s) => s === "complete" && resolve());
        });
        const sdp = pc.localDescription?.sdp ?? "";
        out({ type: "answer", sdp: m.stripTransportCc ? stripTransportCc(sdp) : sdp });
      } else if (m.type === "stats") {
        const stats = [...(await pc.getStats()).values()];
        const o = stats.find((s) => s.type === "outbound-rtp");
        const i = stats.find((s) => s.type === "inbound-rtp");
        const r = stats.find((s) => s.type === "remote-inbound-rtp");
        const session = pc.bundle.session;
        out({
          type: "stats",
          sample: {
            atMs: connectedAt === undefined ? 0 : performance.now() - connectedAt,
            targetBitrateBps: session?.congestion.enabled
              ? session.congestion.estimator.targetBitrateBps
              : undefined,
            bytesSent: Number(o?.bytesSent ?? 0),
            bytesReceived: Number(i?.bytesReceived ?? 0),
            framesReceived,
            packetsLost: Number(i?.packetsLost ?? 0),
            rttMs: typeof r?.roundTripTime === "number" ? r.roundTripTime * 1000 : undefined,
            feedbackSent: session?.congestion.feedbackGenerator.counters.feedback ?? 0,
            feedbackReceived: session?.congestion.estimator.counters.feedbackPackets ?? 0,
            framesDroppedByPacer: session?.pacer.counters.droppedFrames ?? 0,
            keyframeRequests,
            probes: session?.pacer.counters.probes ?? 0,
            paddingPackets: [...(session?.senders.values() ?? [])].reduce(
              (n, x) => n + x.counters.paddingPackets,
              0,
            ),
            probeResults: session?.congestion.estimator.counters.probeResults ?? 0,
          },
        });
      } else if (m.type === "bye") {
        if (timer) clearInterval(timer);
        await pc.close();
        process.exit(0);
      }
    } catch (err) {
      out({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  }
}

/** Every 33 ms a frame of the target's size (clip frames padded), from the keyframe when asked for one. */
function startEncoder(
  track: LocalTrack,
  estimate: () => BandwidthEstimate | undefined,
  onKeyframeRequest: () => void,
): NodeJS.Timeout {
  const ivf = decodeIvf(new Uint8Array(readFileSync(new URL("../vectors/clip.ivf", import.meta.url))));
  if (!ivf.ok) throw new Error(`clip.ivf: ${ivf.error.code}`);
  const clip = ivf.value.frames.map((f) => f.data);
  let i = 0;
  let ts = 1000;
  track.on("keyframerequest", () => {
    onKeyframeRequest();
    i = 0;
  });
  return setInterval(() => {
    const target = estimate()?.senders[0]?.targetBitrateBps ?? 300_000;
    const base = clip[i % clip.length] as Uint8Array;
    const frame = new Uint8Array(Math.max(base.length, Math.round(target / 8 / 30)));
    frame.set(base);
    track.writeFrame(frame, ts >>> 0);
    ts += 3000;
    i++;
  }, 33);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  main().catch((err: unknown) => {
    out({ type: "error", message: String(err) });
    process.exit(1);
  });
}

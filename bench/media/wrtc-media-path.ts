/**
 * wrtc → wrtc media, through what the binding offers: it has no RTP-level API (no way to send or forward
 * ready RTP packets), only its nonstandard RTCVideoSource (raw I420 frames in, which libwebrtc encodes
 * with VP8, packetizes, paces to its bandwidth estimate and protects) and RTCVideoSink (decoded frames
 * out). So this is not the work the other paths do — encode and decode dominate — and peer-media shows
 * it beside them, without a ratio.
 */
import { wrtc, wrtcPair } from "../peers/wrtc.js";

export interface WrtcMediaOutcome {
  /** RTP packets b received per second (getStats inbound-rtp packetsReceived). */
  readonly packetsPerSecond: number;
  /** RTP packets received per CPU-second of the process (every thread: encoder, decoder, network). */
  readonly packetsPerCpuSecond: number;
  readonly framesDecodedPerSecond: number;
  readonly bitsPerSecond: number;
  readonly config: Readonly<Record<string, unknown>>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function inbound(
  pc: Awaited<ReturnType<typeof wrtcPair>>["b"],
): Promise<{ packets: number; bytes: number }> {
  const stats = await pc.getStats();
  let out = { packets: 0, bytes: 0 };
  stats.forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "video")
      out = { packets: Number(s.packetsReceived ?? 0), bytes: Number(s.bytesReceived ?? 0) };
  });
  return out;
}

/** `seconds` of WIDTH×HEIGHT frames at FPS (a moving gradient, so the encoder has work), after a warm-up. */
export async function wrtcVideoRound(
  seconds: number,
  width = 1280,
  height = 720,
  fps = 30,
): Promise<WrtcMediaOutcome> {
  const source = new wrtc.nonstandard.RTCVideoSource();
  const track = source.createTrack();
  const pair = await wrtcPair({ audio: false, video: true, direction: "a-to-b" }, () => track);
  try {
    const remote = pair.bRemote[0];
    if (!remote) throw new Error("wrtc: no remote track");
    const sink = new wrtc.nonstandard.RTCVideoSink(remote);
    let frames = 0;
    sink.onframe = () => {
      frames++;
    };
    const data = new Uint8Array((width * height * 3) / 2);
    let n = 0;
    const timer = setInterval(() => {
      n++;
      for (let i = 0; i < width * height; i += 7) data[i] = (i + n * 5) & 0xff;
      source.onFrame({ width, height, data });
    }, 1000 / fps);
    await sleep(2000); // bandwidth estimate ramps up; not counted
    const s0 = await inbound(pair.b);
    const f0 = frames;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const s1 = await inbound(pair.b);
    const cpu = process.cpuUsage(c0);
    const dt = (performance.now() - t0) / 1000;
    clearInterval(timer);
    sink.onframe = null;
    sink.stop();
    const packets = s1.packets - s0.packets;
    return {
      packetsPerSecond: packets / dt,
      packetsPerCpuSecond: packets / Math.max(1e-6, (cpu.user + cpu.system) / 1e6),
      framesDecodedPerSecond: (frames - f0) / dt,
      bitsPerSecond: ((s1.bytes - s0.bytes) * 8) / dt,
      config: {
        ...pair.config,
        input: `${width}×${height} I420 at ${fps} fps through RTCVideoSource (libwebrtc VP8 encode)`,
      },
    };
  } finally {
    track.stop();
    await pair.close();
  }
}

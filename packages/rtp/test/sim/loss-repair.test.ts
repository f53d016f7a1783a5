import { describe, expect, it } from "vitest";
import {
  decodeRtcpCompound,
  decodeRtpPacket,
  decodeRtxPacket,
  encodeRtcpPacket,
  encodeRtpPacket,
  JitterBuffer,
  type Millis,
  NackGenerator,
  ReceiverStats,
  RetransmissionHistory,
  RtpPacketizer,
  Vp8PayloadFormat,
} from "../../src/index.js";

/** mulberry32: a small seeded PRNG, so every run sees the same network. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface NetConfig {
  readonly loss: number;
  readonly duplicate: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * A sans-IO one-way link: datagrams in, datagrams out at their (random) delivery time. The first
 * datagram is never lost: a receiver cannot ask for what precedes the first packet it ever sees.
 */
class Link {
  readonly #q: { at: Millis; data: Uint8Array }[] = [];
  #first = true;
  constructor(
    readonly cfg: NetConfig,
    readonly rand: () => number,
  ) {}
  send(now: Millis, data: Uint8Array): void {
    const spared = this.#first;
    this.#first = false;
    if (this.rand() < this.cfg.loss && !spared) return;
    const copies = this.rand() < this.cfg.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = this.cfg.minDelayMs + this.rand() * (this.cfg.maxDelayMs - this.cfg.minDelayMs);
      this.#q.push({ at: now + delay, data });
    }
  }
  nextAt(): Millis | undefined {
    let t: Millis | undefined;
    for (const d of this.#q) if (t === undefined || d.at < t) t = d.at;
    return t;
  }
  take(now: Millis): Uint8Array[] {
    const due = this.#q.filter((d) => d.at <= now).sort((a, b) => a.at - b.at);
    for (const d of due) this.#q.splice(this.#q.indexOf(d), 1);
    return due.map((d) => d.data);
  }
}

const MEDIA_SSRC = 0x1000;
const RTX_SSRC = 0x2000;
const RECEIVER_SSRC = 0x3000;

/**
 * A VP8 sender (packetizer, RTX history, keyframe on PLI) and a receiver (NACK generator, jitter
 * buffer, RFC 3550 statistics) over two lossy links, driven by jumping to the earliest deadline.
 */
function run(o: { seed: number; forward: NetConfig; back: NetConfig; frames: number; answerNacks: boolean }) {
  const rand = prng(o.seed);
  const fwd = new Link(o.forward, rand);
  const back = new Link(o.back, rand);
  const packetizer = new RtpPacketizer({
    format: new Vp8PayloadFormat({ pictureId: 5 }),
    ssrc: MEDIA_SSRC,
    payloadType: 96,
    sequenceNumber: 65000,
    maxPacketBytes: 200,
  });
  const history = new RetransmissionHistory({ rtx: { ssrc: RTX_SSRC, payloadType: 97, sequenceNumber: 0 } });
  const nack = new NackGenerator({ maxAgeMs: 450, initialRttMs: 60 });
  const jb = new JitterBuffer({ format: new Vp8PayloadFormat(), maxLatencyMs: 500 });
  const stats = new ReceiverStats({ ssrc: MEDIA_SSRC, clockRate: 90000 });
  const sent: Uint8Array[] = [];
  const received: { data: Uint8Array; key: boolean; index: number }[] = [];
  let plisReceived = 0;
  let keyframePending = true;
  let frameIndex = 0;
  let nextFrameAt = 0;

  const sendRtcp = (now: Millis, p: Parameters<typeof encodeRtcpPacket>[0]) =>
    back.send(now, encodeRtcpPacket(p));

  const receiverStep = (now: Millis) => {
    for (const data of fwd.take(now)) {
      const r = decodeRtpPacket(data);
      if (!r.ok) throw new Error(r.error.code);
      let p = r.value;
      if (p.ssrc === RTX_SSRC) {
        const o2 = decodeRtxPacket(p, { ssrc: MEDIA_SSRC, payloadType: 96 });
        if (!o2.ok) throw new Error(o2.error.code);
        p = o2.value;
      }
      stats.handlePacket(now, p, { retransmitted: r.value.ssrc === RTX_SSRC });
      nack.handlePacket(now, p.sequenceNumber);
      jb.handlePacket(now, p);
    }
    nack.handleTimeout(now);
    jb.handleTimeout(now);
    for (let e = nack.pollEvent(); e; e = nack.pollEvent()) {
      if (e.kind === "nack")
        sendRtcp(now, { type: "nack", senderSsrc: RECEIVER_SSRC, mediaSsrc: MEDIA_SSRC, lost: e.lost });
    }
    for (let e = jb.pollEvent(); e; e = jb.pollEvent()) {
      if (e.kind === "keyframe-request")
        sendRtcp(now, { type: "pli", senderSsrc: RECEIVER_SSRC, mediaSsrc: MEDIA_SSRC });
    }
    for (let f = jb.pollFrame(); f; f = jb.pollFrame()) {
      received.push({ data: f.frame.data, key: f.frame.isKeyframe, index: f.frame.data[1] as number });
    }
  };

  const senderStep = (now: Millis) => {
    for (const data of back.take(now)) {
      const r = decodeRtcpCompound(data);
      if (!r.ok) throw new Error(r.error.code);
      for (const p of r.value) {
        if (p.type === "nack" && o.answerNacks) history.handleNack(now, p.lost);
        if (p.type === "pli") {
          plisReceived++;
          keyframePending = true;
        }
      }
    }
    for (let p = history.pollTransmit(); p; p = history.pollTransmit()) fwd.send(now, encodeRtpPacket(p));
    if (frameIndex < o.frames && now >= nextFrameAt) {
      const size = 150 + ((frameIndex * 337) % 900);
      const frame = Uint8Array.from({ length: size }, (_, i) =>
        i === 0 ? (keyframePending ? 0x10 : 0x11) : i === 1 ? frameIndex : i & 0xff,
      );
      keyframePending = false;
      sent.push(frame);
      for (const p of packetizer.packetize(frame, frameIndex * 3000)) {
        history.handleSent(now, p);
        fwd.send(now, encodeRtpPacket(p));
      }
      frameIndex++;
      nextFrameAt += 33;
    }
  };

  let now = 0;
  for (let steps = 0; ; steps++) {
    if (steps > 50_000) throw new Error("no progress: livelock");
    senderStep(now);
    receiverStep(now);
    const deadlines = [
      fwd.nextAt(),
      back.nextAt(),
      nack.pollTimeout(),
      jb.pollTimeout(),
      frameIndex < o.frames ? nextFrameAt : undefined,
    ];
    const next = deadlines.filter((t): t is number => t !== undefined);
    // Keyframe requests repeat forever while one is awaited: stop once the sender is done and idle.
    if (
      next.length === 0 ||
      (frameIndex >= o.frames &&
        fwd.nextAt() === undefined &&
        back.nextAt() === undefined &&
        nack.pollTimeout() === undefined &&
        jb.size === 0)
    )
      break;
    now = Math.max(now, Math.min(...next));
  }
  return { sent, received, plisReceived, history, nack, jb, stats };
}

describe("loss repair over a simulated network", () => {
  it("nack-rtx-repairs-loss: 8% loss both ways, reordering and duplicates, every frame arrives intact and in order", () => {
    const r = run({
      seed: 7,
      forward: { loss: 0.08, duplicate: 0.02, minDelayMs: 20, maxDelayMs: 60 },
      back: { loss: 0.08, duplicate: 0, minDelayMs: 20, maxDelayMs: 40 },
      frames: 90,
      answerNacks: true,
    });
    expect(r.history.counters.retransmitted).toBeGreaterThan(10);
    // The stream ends here: a lost tail (the last frame's last packets) has no later packet to reveal
    // it, so only what precedes the final frame must be complete.
    expect(r.received.map((f) => f.data).slice(0, r.sent.length - 1)).toEqual(r.sent.slice(0, -1));
    // …and when that happens the buffer gives the last frame up and asks for a keyframe, once.
    expect(r.plisReceived).toBeLessThanOrEqual(1);
    expect(r.jb.counters.gapsGivenUp).toBeLessThanOrEqual(1);
    expect(r.jb.counters.droppedWaitingForKeyframe).toBe(0);
    // Every loss repaired; duplicates and spurious repairs of merely reordered packets count as received
    // too (RFC 3550 §A.3), so the cumulative loss can only be ≤ 0.
    expect(r.stats.statistics.lost).toBeLessThanOrEqual(0);
    expect(r.stats.statistics.received).toBeGreaterThan(300);
  });

  it("pli-after-unrepairable-loss: without retransmissions a lost packet costs frames until a keyframe", () => {
    const r = run({
      seed: 3,
      forward: { loss: 0.03, duplicate: 0, minDelayMs: 20, maxDelayMs: 30 },
      back: { loss: 0, duplicate: 0, minDelayMs: 20, maxDelayMs: 30 },
      frames: 90,
      answerNacks: false,
    });
    expect(r.nack.counters.gaveUpAge + r.nack.counters.gaveUpRetries).toBeGreaterThan(0);
    expect(r.plisReceived).toBeGreaterThan(0);
    expect(r.received.length).toBeLessThan(r.sent.length);
    // Whatever is delivered is intact, in order, and every run after a gap starts with a keyframe.
    const sentByIndex = new Map(r.sent.map((f) => [f[1] as number, f]));
    let prev = -1;
    for (const f of r.received) {
      expect(f.data).toEqual(sentByIndex.get(f.index));
      if (f.index !== prev + 1) expect(f.key).toBe(true);
      expect(f.index).toBeGreaterThan(prev);
      prev = f.index;
    }
  });
});

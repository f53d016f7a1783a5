import { describe, expect, it } from "vitest";
import {
  JitterBuffer,
  type JitterBufferEvent,
  OpusPayloadFormat,
  type RtpPacket,
  RtpPacketizer,
  Vp8PayloadFormat,
} from "../../src/index.js";

/** VP8 frames of `size` octets, split in packets of 10 data octets; key frames have P = 0. */
function vp8Stream(firstSeq = 1000) {
  const packetizer = new RtpPacketizer({
    format: new Vp8PayloadFormat({ pictureId: 1 }),
    ssrc: 1,
    payloadType: 96,
    sequenceNumber: firstSeq,
    maxPacketBytes: 12 + 4 + 10,
  });
  let ts = 0;
  return (size: number, key: boolean): RtpPacket[] => {
    const data = Uint8Array.from({ length: size }, (_, i) => (i === 0 ? (key ? 0x10 : 0x11) : i & 0xff));
    ts += 3000;
    return packetizer.packetize(data, ts);
  };
}

function drain<T>(poll: () => T | undefined): T[] {
  const out: T[] = [];
  for (let x = poll(); x !== undefined; x = poll()) out.push(x);
  return out;
}

describe("JitterBuffer", () => {
  it("copies payloads on arrival by default; with adoptPayloads a one-packet frame is a view of the payload", () => {
    for (const adoptPayloads of [false, true]) {
      const next = vp8Stream();
      const jb = new JitterBuffer({ format: new Vp8PayloadFormat(), adoptPayloads });
      const key = next(6, true)[0] as RtpPacket;
      const seen = Uint8Array.from(key.payload);
      jb.handlePacket(0, key);
      key.payload.fill(0xee); // the sender's buffer reused
      const f = jb.pollFrame();
      if (!f) throw new Error("no frame");
      if (adoptPayloads) {
        expect(f.frame.data.buffer).toBe(key.payload.buffer);
        expect(f.frame.data[0]).toBe(0xee);
      } else {
        expect(f.frame.data.buffer).not.toBe(key.payload.buffer);
        expect(Array.from(f.frame.data)).toEqual([0x10, 1, 2, 3, 4, 5]); // the frame as sent
        expect(Array.from(seen.subarray(seen.length - 6))).toEqual([0x10, 1, 2, 3, 4, 5]);
      }
    }
  });

  it("one-packet frames in order are released at once, holding nothing, as the same frames as out of order", () => {
    const next = vp8Stream();
    // a delta frame first (dropped while waiting for a keyframe), then one-packet frames, key and delta
    const packets = [
      next(5, false),
      next(6, true),
      ...Array.from({ length: 8 }, (_, i) => next(3 + i, i % 3 === 0)),
    ]
      .flat()
      .map((p) => ({ ...p, payload: Uint8Array.from(p.payload) }));
    expect(packets.every((p) => p.marker)).toBe(true);
    const inOrder = new JitterBuffer({ format: new Vp8PayloadFormat() });
    for (const p of packets) {
      inOrder.handlePacket(0, p);
      expect(inOrder.size).toBe(0);
    }
    // swapped in pairs after the first: each frame waits for the one before it, in a slot
    const swapped = new JitterBuffer({ format: new Vp8PayloadFormat() });
    const order = [packets[0], ...packets.slice(1).flatMap((p, i, a) => (i % 2 === 0 ? [a[i + 1], p] : []))];
    for (const p of order) if (p) swapped.handlePacket(0, p);
    const frames = (jb: JitterBuffer) =>
      drain(() => jb.pollFrame()).map((f) => ({
        data: Array.from(f.frame.data),
        key: f.frame.isKeyframe,
        ts: f.rtpTimestamp,
        seq: [f.firstSequenceNumber, f.lastSequenceNumber],
      }));
    const a = frames(inOrder);
    expect(a).toHaveLength(packets.length - 1);
    expect(a[0]?.key).toBe(true);
    expect(frames(swapped)).toEqual(a);
    expect(inOrder.counters).toEqual(swapped.counters);
  });

  it("releases complete frames in order as soon as they are complete", () => {
    const next = vp8Stream();
    const jb = new JitterBuffer({ format: new Vp8PayloadFormat() });
    const k = next(25, true); // 3 packets
    const d = next(5, false); // 1 packet
    jb.handlePacket(0, k[0] as RtpPacket);
    jb.handlePacket(1, k[2] as RtpPacket);
    expect(jb.pollFrame()).toBeUndefined();
    jb.handlePacket(2, d[0] as RtpPacket); // the next frame, complete, but behind a gap
    expect(jb.pollFrame()).toBeUndefined();
    jb.handlePacket(3, k[1] as RtpPacket);
    const frames = drain(() => jb.pollFrame());
    expect(
      frames.map((f) => [
        f.rtpTimestamp,
        f.firstSequenceNumber,
        f.lastSequenceNumber,
        f.frame.isKeyframe,
        f.receivedAtMs,
      ]),
    ).toEqual([
      [3000, 1000, 1002, true, 3],
      [6000, 1003, 1003, false, 2],
    ]);
    expect(frames[0]?.frame.data.length).toBe(25);
    expect(jb.size).toBe(0);
    expect(jb.pollTimeout()).toBeUndefined();
  });

  it("counts duplicates and packets older than what was released, and changes nothing", () => {
    const next = vp8Stream();
    const jb = new JitterBuffer({ format: new Vp8PayloadFormat() });
    const k = next(15, true);
    jb.handlePacket(0, k[0] as RtpPacket);
    jb.handlePacket(0, k[0] as RtpPacket);
    jb.handlePacket(0, k[1] as RtpPacket);
    jb.handlePacket(0, k[1] as RtpPacket);
    expect(drain(() => jb.pollFrame())).toHaveLength(1);
    expect(jb.counters).toMatchObject({ duplicate: 1, late: 1, framesDelivered: 1 });
  });

  it("gives a gap up after maxLatencyMs, reports the loss, asks for a keyframe and waits for one", () => {
    const next = vp8Stream();
    const jb = new JitterBuffer({
      format: new Vp8PayloadFormat(),
      maxLatencyMs: 100,
      keyframeRequestIntervalMs: 300,
    });
    for (const p of next(5, true)) jb.handlePacket(0, p);
    expect(drain(() => jb.pollFrame())).toHaveLength(1);
    const lostFrame = next(15, false); // 1001, 1002: 1001 is lost
    jb.handlePacket(10, lostFrame[1] as RtpPacket);
    for (const p of next(5, false)) jb.handlePacket(20, p); // 1003
    expect(jb.pollTimeout()).toBe(110);
    jb.handleTimeout(109);
    expect(drain(() => jb.pollEvent())).toEqual([]);
    jb.handleTimeout(110);
    expect(drain(() => jb.pollEvent())).toEqual<JitterBufferEvent[]>([
      { kind: "packets-lost", fromSequenceNumber: 1001, toSequenceNumber: 1003 },
      { kind: "keyframe-request" },
    ]);
    // 1003 was complete but is a delta frame: dropped while a keyframe is awaited.
    expect(drain(() => jb.pollFrame())).toEqual([]);
    expect(jb.counters).toMatchObject({ gapsGivenUp: 1, droppedWaitingForKeyframe: 1 });
    // The request repeats every keyframeRequestIntervalMs while none comes.
    expect(jb.pollTimeout()).toBe(410);
    jb.handleTimeout(410);
    expect(drain(() => jb.pollEvent())).toEqual([{ kind: "keyframe-request" }]);
    for (const p of next(5, true)) jb.handlePacket(420, p);
    expect(drain(() => jb.pollFrame()).map((f) => f.frame.isKeyframe)).toEqual([true]);
    expect(jb.pollTimeout()).toBeUndefined();
  });

  it("keeps at most maxPackets ahead: a packet beyond the window gives the oldest up", () => {
    const next = vp8Stream();
    const jb = new JitterBuffer({ format: new Vp8PayloadFormat(), maxPackets: 8, waitForKeyframe: false });
    const frames = Array.from({ length: 12 }, () => next(5, true));
    for (const f of frames.slice(1)) {
      jb.handlePacket(0, f[0] as RtpPacket);
      expect(jb.size).toBeLessThanOrEqual(8);
    }
    // frames[0] never came: the first packet anchored at 1001 and so nothing is missing at the head.
    expect(drain(() => jb.pollFrame())).toHaveLength(11);
    const jb2 = new JitterBuffer({ format: new Vp8PayloadFormat(), maxPackets: 8, waitForKeyframe: false });
    jb2.handlePacket(0, frames[0]?.[0] as RtpPacket);
    expect(drain(() => jb2.pollFrame())).toHaveLength(1);
    for (const f of frames.slice(2, 9)) jb2.handlePacket(1, f[0] as RtpPacket); // 1001 lost, 1002–1008 held
    expect(jb2.size).toBe(7);
    expect(jb2.pollFrame()).toBeUndefined();
    jb2.handlePacket(2, frames[9]?.[0] as RtpPacket); // 1009 is 8 past 1001: the gap is given up at once
    expect(jb2.counters.overflow).toBe(1);
    expect(jb2.pollEvent()).toEqual({
      kind: "packets-lost",
      fromSequenceNumber: 1001,
      toSequenceNumber: 1002,
    });
    for (const f of frames.slice(10)) jb2.handlePacket(3, f[0] as RtpPacket);
    expect(drain(() => jb2.pollFrame())).toHaveLength(10);
    expect(jb2.size).toBe(0);
  });

  it("never releases a frame built from inconsistent fragments", () => {
    const jb = new JitterBuffer({ format: new Vp8PayloadFormat(), waitForKeyframe: false });
    const base = {
      payloadType: 96,
      ssrc: 1,
      csrcs: [],
      extension: undefined,
      paddingLength: 0,
      timestamp: 90,
    };
    // Two packets of one timestamp claiming different PictureIDs.
    jb.handlePacket(0, {
      ...base,
      sequenceNumber: 1,
      marker: false,
      payload: Uint8Array.of(0x90, 0x80, 0x05, 0x10),
    });
    jb.handlePacket(0, {
      ...base,
      sequenceNumber: 2,
      marker: true,
      payload: Uint8Array.of(0x80, 0x80, 0x06, 0x22),
    });
    expect(jb.pollFrame()).toBeUndefined();
    expect(jb.counters.depacketizeFailed).toBe(1);
    expect(jb.pollEvent()).toEqual({ kind: "packets-lost", fromSequenceNumber: 1, toSequenceNumber: 3 });
  });

  it("Opus: each packet is a frame, a gap is skipped without a keyframe request", () => {
    const packetizer = new RtpPacketizer({
      format: new OpusPayloadFormat(),
      ssrc: 2,
      payloadType: 111,
      sequenceNumber: 65534,
    });
    const pkts = [0, 1, 2, 3].map(
      (i) => packetizer.packetize(Uint8Array.of(0xfc, i), i * 960)[0] as RtpPacket,
    );
    const jb = new JitterBuffer({ format: new OpusPayloadFormat(), maxLatencyMs: 60 });
    jb.handlePacket(0, pkts[0] as RtpPacket);
    jb.handlePacket(20, pkts[2] as RtpPacket);
    jb.handlePacket(40, pkts[3] as RtpPacket);
    expect(drain(() => jb.pollFrame()).map((f) => f.rtpTimestamp)).toEqual([0]);
    jb.handleTimeout(80);
    expect(drain(() => jb.pollFrame()).map((f) => [f.rtpTimestamp, f.firstSequenceNumber])).toEqual([
      [1920, 65536],
      [2880, 65537],
    ]);
    expect(drain(() => jb.pollEvent())).toEqual([
      { kind: "packets-lost", fromSequenceNumber: 65535, toSequenceNumber: 65536 },
    ]);
  });
});

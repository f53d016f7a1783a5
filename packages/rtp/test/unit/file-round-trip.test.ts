import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  decodeIvf,
  decodeOggOpus,
  encodeIvf,
  encodeOggOpus,
  H264PayloadFormat,
  type IvfFrame,
  ivfTimestampToRtp,
  JitterBuffer,
  OpusPayloadFormat,
  type RtpPacket,
  RtpPacketizer,
  rtpToIvfTimestamp,
  splitAnnexB,
  Vp8PayloadFormat,
} from "../../src/index.js";

const vector = (name: string) => new Uint8Array(readFileSync(new URL(`../vectors/${name}`, import.meta.url)));

/**
 * A fixed shuffle of neighbours from `from` on, so packets arrive out of order (and one twice). Audio
 * frames are released as soon as they arrive, so an audio stream's first packet must come first.
 */
function scramble(packets: readonly RtpPacket[], from = 0): RtpPacket[] {
  const out = [...packets];
  for (let i = from; i + 1 < out.length; i += 3)
    [out[i], out[i + 1]] = [out[i + 1] as RtpPacket, out[i] as RtpPacket];
  if (out.length > 4) out.splice(4, 0, out[2] as RtpPacket);
  return out;
}

describe("file → RTP packets → frames → file", () => {
  it("IVF (VP8): every frame comes back identical and the rewritten file equals the original", () => {
    const file = decodeIvf(vector("clip.ivf"));
    if (!file.ok) throw new Error(file.error.code);
    const { header } = file.value;
    const packetizer = new RtpPacketizer({
      format: new Vp8PayloadFormat({ pictureId: 100 }),
      ssrc: 0x1234,
      payloadType: 96,
      sequenceNumber: 65500, // wraps within the clip
      maxPacketBytes: 300,
    });
    const rtpBase = 4_000_000_000; // and the timestamp wraps too
    const packets = file.value.frames.flatMap((f) =>
      packetizer.packetize(f.data, (rtpBase + ivfTimestampToRtp(header, f.timestamp)) >>> 0),
    );
    expect(packets.length).toBeGreaterThan(file.value.frames.length);
    const jb = new JitterBuffer({ format: new Vp8PayloadFormat() });
    let now = 0;
    const frames: IvfFrame[] = [];
    for (const p of scramble(packets)) {
      now += 5;
      jb.handlePacket(now, p);
      for (let f = jb.pollFrame(); f; f = jb.pollFrame()) {
        frames.push({
          timestamp: rtpToIvfTimestamp(header, (f.rtpTimestamp - rtpBase) >>> 0),
          data: f.frame.data,
        });
      }
    }
    expect(jb.counters.duplicate).toBe(1);
    expect(frames.map((f) => f.data)).toEqual(file.value.frames.map((f) => f.data));
    expect(encodeIvf({ header, frames })).toEqual(vector("clip.ivf"));
  });

  it("Ogg Opus: every packet comes back identical with its timestamp, and the rewritten file equals the original", () => {
    const file = decodeOggOpus(vector("clip.ogg"));
    if (!file.ok) throw new Error(file.error.code);
    const packetizer = new RtpPacketizer({
      format: new OpusPayloadFormat(),
      ssrc: 7,
      payloadType: 111,
      sequenceNumber: 1,
    });
    const packets = file.value.frames.flatMap((f) => packetizer.packetize(f.data, f.timestamp));
    const jb = new JitterBuffer({ format: new OpusPayloadFormat() });
    const frames: { data: Uint8Array; timestamp: number }[] = [];
    let now = 0;
    for (const p of scramble(packets, 1)) {
      now += 20;
      jb.handlePacket(now, p);
      for (let f = jb.pollFrame(); f; f = jb.pollFrame())
        frames.push({ data: f.frame.data, timestamp: f.rtpTimestamp });
    }
    expect(frames).toEqual(file.value.frames.map((f) => ({ data: f.data, timestamp: f.timestamp })));
    const rewritten = encodeOggOpus({
      serial: file.value.serial,
      head: file.value.head,
      tags: file.value.tags,
      frames,
      finalGranulePosition: file.value.finalGranulePosition,
    });
    expect(rewritten).toEqual(vector("clip.ogg"));
  });

  it("H.264 Annex-B: every access unit comes back with the same NAL units, key frames where the IDRs are", () => {
    const nals = splitAnnexB(vector("clip.h264"));
    // Access units begin at each access unit delimiter (NAL type 9).
    const units: Uint8Array[][] = [];
    for (const n of nals) {
      if (((n[0] as number) & 0x1f) === 9 || units.length === 0) units.push([]);
      units.at(-1)?.push(n);
    }
    expect(units).toHaveLength(15);
    const format = new H264PayloadFormat();
    const packetizer = new RtpPacketizer({
      format,
      ssrc: 5,
      payloadType: 102,
      sequenceNumber: 0,
      maxPacketBytes: 200,
    });
    const packets = units.flatMap((u, i) =>
      packetizer.packetize(Buffer.concat(u.flatMap((n) => [Buffer.from([0, 0, 0, 1]), n])), i * 6000),
    );
    const jb = new JitterBuffer({ format: new H264PayloadFormat() });
    const out: { nals: readonly Uint8Array[]; key: boolean }[] = [];
    let now = 0;
    for (const p of scramble(packets)) {
      now += 2;
      jb.handlePacket(now, p);
      for (let f = jb.pollFrame(); f; f = jb.pollFrame())
        out.push({ nals: f.frame.nalUnits, key: f.frame.isKeyframe });
    }
    expect(out.map((u) => u.nals)).toEqual(units);
    expect(out.map((u) => u.key)).toEqual(units.map((u) => u.some((n) => ((n[0] as number) & 0x1f) === 5)));
    expect(out.filter((u) => u.key)).toHaveLength(2);
  });
});

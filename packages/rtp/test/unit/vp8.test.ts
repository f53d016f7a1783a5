import { describe, expect, it } from "vitest";
import {
  decodeVp8PayloadDescriptor,
  encodeVp8PayloadDescriptor,
  RtpPacketizer,
  Vp8PayloadFormat,
} from "../../src/index.js";

const hex = (s: string) =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (b) => Number.parseInt(b, 16));

describe("VP8 payload descriptor (RFC 7741 §4.2)", () => {
  it("key frame in one packet with a 7-bit PictureID 17 (X=1 S=1 PID=0 | I=1 | M=0 17), P=0", () => {
    const payload = hex("90 80 11 50 9d012a");
    const r = decodeVp8PayloadDescriptor(payload);
    expect(r).toEqual({
      ok: true,
      value: {
        descriptor: {
          nonReference: false,
          startOfPartition: true,
          partitionId: 0,
          pictureId: 17,
          pictureIdBits: 7,
        },
        length: 3,
      },
    });
    const f = new Vp8PayloadFormat().depacketize([payload]);
    expect(f.ok && f.value.isKeyframe).toBe(true);
  });

  it("inter frame without extensions (X=0 S=1 PID=0), P=1: not a key frame", () => {
    const payload = hex("10 31 aabb");
    const r = decodeVp8PayloadDescriptor(payload);
    expect(r.ok && r.value).toEqual({
      descriptor: { nonReference: false, startOfPartition: true, partitionId: 0 },
      length: 1,
    });
    const f = new Vp8PayloadFormat().depacketize([payload]);
    expect(f.ok && [f.value.isKeyframe, [...f.value.data]]).toEqual([false, [0x31, 0xaa, 0xbb]]);
  });

  it("15-bit PictureID 4711 = 0x1267 (M=1): 92 67", () => {
    const d = {
      nonReference: false,
      startOfPartition: true,
      partitionId: 0,
      pictureId: 4711,
      pictureIdBits: 15 as const,
    };
    expect(encodeVp8PayloadDescriptor(d)).toEqual(hex("90 80 92 67"));
    const r = decodeVp8PayloadDescriptor(hex("90 80 92 67 00"));
    expect(r.ok && r.value.descriptor).toEqual(d);
  });

  it("TL0PICIDX, TID/Y and KEYIDX (I L T K all set)", () => {
    // X=1 N=1 S=0 PID=2 | I L T K | M=0 PictureID 5 | TL0PICIDX 42 | TID=2 Y=1 KEYIDX=3
    const bytes = hex("a2 f0 05 2a a3");
    const r = decodeVp8PayloadDescriptor(bytes);
    const d = {
      nonReference: true,
      startOfPartition: false,
      partitionId: 2,
      pictureId: 5,
      pictureIdBits: 7,
      tl0PicIdx: 42,
      temporalLayer: { tid: 2, layerSync: true },
      keyIdx: 3,
    };
    expect(r.ok && r.value).toEqual({ descriptor: d, length: 5 });
    expect(encodeVp8PayloadDescriptor(d as Parameters<typeof encodeVp8PayloadDescriptor>[0])).toEqual(bytes);
  });

  it.each([
    ["empty", ""],
    ["X set, no extension octet", "80"],
    ["I set, no PictureID", "80 80"],
    ["M set, second PictureID octet missing", "80 80 80"],
    ["L set, no TL0PICIDX", "80 40"],
    ["T set, no TID octet", "80 20"],
  ])("reports a truncated descriptor: %s", (_n, h) => {
    const r = decodeVp8PayloadDescriptor(hex(h));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe("descriptor-truncated");
  });
});

describe("VP8 frame reassembly (RFC 7741 §4.5)", () => {
  const vp8 = new Vp8PayloadFormat();

  it("joins partitions sent in separate packets (PID 0 then S=1 PID=1, same PictureID 86)", () => {
    const r = vp8.depacketize([hex("90 80 56 51 0102"), hex("91 80 56 0304")]);
    expect(r.ok && [...r.value.data]).toEqual([0x51, 1, 2, 3, 4]);
  });

  it.each([
    ["a first packet that does not start partition 0", ["80 80 56 51", "91 80 56 03"], "not-frame-start"],
    ["PictureIDs that differ", ["90 80 56 51", "80 80 57 03"], "bad-picture-id"],
    ["a second frame start", ["90 80 56 51", "90 80 56 03"], "bad-partition"],
    ["a continuation of another partition", ["90 80 56 51", "81 80 56 03"], "bad-partition"],
    ["an empty packet", ["90 80 56 51", "80 80 56"], "empty-payload"],
  ])("refuses %s", (_n, payloads, code) => {
    const r = vp8.depacketize(payloads.map(hex));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe(code);
  });

  it("packetizes with balanced chunks, S=1 on the first only, PictureID advancing per frame", () => {
    const p = new RtpPacketizer({
      format: new Vp8PayloadFormat({ pictureId: 0x7fff }),
      ssrc: 1,
      payloadType: 96,
      sequenceNumber: 65535,
      maxPacketBytes: 12 + 4 + 10,
    });
    const frame = Uint8Array.from({ length: 25 }, (_, i) => i);
    const pkts = p.packetize(frame, 3000);
    expect(pkts.map((x) => x.payload.length - 4)).toEqual([9, 8, 8]);
    expect(pkts.map((x) => x.sequenceNumber)).toEqual([65535, 0, 1]);
    expect(pkts.map((x) => x.marker)).toEqual([false, false, true]);
    expect(pkts.map((x) => [...x.payload.subarray(0, 4)])).toEqual([
      [0x90, 0x80, 0xff, 0xff],
      [0x80, 0x80, 0xff, 0xff],
      [0x80, 0x80, 0xff, 0xff],
    ]);
    const next = p.packetize(frame, 6000);
    expect([...(next[0]?.payload.subarray(0, 4) ?? [])]).toEqual([0x90, 0x80, 0x80, 0x00]);
    const back = vp8.depacketize(pkts.map((x) => x.payload));
    expect(back.ok && back.value.data).toEqual(frame);
  });
});

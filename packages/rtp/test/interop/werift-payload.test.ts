import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  dePacketizeRtpPackets,
  H264Packetizer,
  OpusPacketizer,
  Vp8Packetizer,
  RtpPacket as WeriftRtpPacket,
} from "werift";
import {
  decodeIvf,
  decodeOggOpus,
  decodeRtpPacket,
  encodeRtpPacket,
  H264PayloadFormat,
  joinAnnexB,
  OpusPayloadFormat,
  type RtpPacket,
  RtpPacketizer,
  splitAnnexB,
  Vp8PayloadFormat,
} from "../../src/index.js";

const vector = (name: string) => new Uint8Array(readFileSync(new URL(`../vectors/${name}`, import.meta.url)));

/** Our packets, through the wire, as werift parses them. */
const toWerift = (ps: readonly RtpPacket[]) =>
  ps.map((p) => WeriftRtpPacket.deSerialize(Buffer.from(encodeRtpPacket(p))));
/** werift's packets, through the wire, as we parse them. */
const fromWerift = (ps: readonly WeriftRtpPacket[]) =>
  ps.map((p) => {
    const r = decodeRtpPacket(new Uint8Array(p.serialize()));
    if (!r.ok) throw new Error(`werift packet does not decode: ${r.error.code}`);
    return r.value;
  });

const ivf = decodeIvf(vector("clip.ivf"));
const ogg = decodeOggOpus(vector("clip.ogg"));
if (!ivf.ok || !ogg.ok) throw new Error("fixtures do not decode");
const vp8Frames = ivf.value.frames.map((f) => f.data);
const opusFrames = ogg.value.frames.map((f) => f.data);
const h264Units: Uint8Array[][] = [];
for (const n of splitAnnexB(vector("clip.h264"))) {
  if (((n[0] as number) & 0x1f) === 9 || h264Units.length === 0) h264Units.push([]);
  h264Units.at(-1)?.push(n);
}

describe("Tern packetizers → werift depacketizers", () => {
  it("VP8 (RFC 7741): werift reassembles the same frames and finds the same keyframes", () => {
    for (const mtu of [1200, 300, 60]) {
      const p = new RtpPacketizer({
        format: new Vp8PayloadFormat({ pictureId: 300 }),
        ssrc: 1,
        payloadType: 96,
        sequenceNumber: 100,
        maxPacketBytes: mtu,
      });
      ivf.value.frames.forEach((f, i) => {
        const out = dePacketizeRtpPackets("vp8", toWerift(p.packetize(f.data, f.timestamp * 6000)));
        expect(new Uint8Array(out.data)).toEqual(f.data);
        expect(out.isKeyframe).toBe(i === 0);
      });
    }
  });

  it("Opus (RFC 7587): one packet each, same bytes", () => {
    const p = new RtpPacketizer({
      format: new OpusPayloadFormat(),
      ssrc: 2,
      payloadType: 111,
      sequenceNumber: 0,
    });
    for (const f of opusFrames) {
      const out = dePacketizeRtpPackets("opus", toWerift(p.packetize(f, 0)));
      expect(new Uint8Array(out.data)).toEqual(f);
    }
  });

  it("H.264 (RFC 6184, STAP-A / FU-A / single NAL): werift rebuilds the same Annex-B access units", () => {
    for (const mtu of [1200, 200, 40]) {
      const p = new RtpPacketizer({
        format: new H264PayloadFormat(),
        ssrc: 3,
        payloadType: 102,
        sequenceNumber: 65530,
        maxPacketBytes: mtu,
      });
      for (const au of h264Units) {
        const out = dePacketizeRtpPackets("MPEG4/ISO/AVC", toWerift(p.packetize(joinAnnexB(au), 0)));
        expect(new Uint8Array(out.data)).toEqual(joinAnnexB(au));
      }
    }
  });
});

describe("werift packetizers → Tern depacketizers", () => {
  it("VP8: same frames, keyframe on the first", () => {
    const w = new Vp8Packetizer({ maxPayloadSize: 200, sequenceNumber: 1, ssrc: 1 });
    const vp8 = new Vp8PayloadFormat();
    vp8Frames.forEach((f, i) => {
      const r = vp8.depacketize(fromWerift(w.packetize(Buffer.from(f), i * 6000)).map((p) => p.payload));
      expect(r.ok && r.value.data).toEqual(f);
      expect(r.ok && r.value.isKeyframe).toBe(i === 0);
      expect(r.ok && r.value.descriptor.pictureIdBits).toBe(15);
    });
  });

  it("Opus: same packets", () => {
    const w = new OpusPacketizer({ sequenceNumber: 1, ssrc: 2 });
    const opus = new OpusPayloadFormat();
    for (const f of opusFrames) {
      const r = opus.depacketize(fromWerift(w.packetize(Buffer.from(f), 0)).map((p) => p.payload));
      expect(r.ok && r.value.data).toEqual(f);
    }
  });

  it("H.264: same NAL units from werift's STAP-A / FU-A packets", () => {
    const w = new H264Packetizer({ maxPayloadSize: 150, sequenceNumber: 1, ssrc: 3, inputFormat: "annexb" });
    const h264 = new H264PayloadFormat();
    for (const au of h264Units) {
      const pkts = fromWerift(w.packetize(Buffer.from(joinAnnexB(au)), 0));
      expect(pkts.at(-1)?.marker).toBe(true);
      const r = h264.depacketize(pkts.map((p) => p.payload));
      expect(r.ok && r.value.nalUnits).toEqual(au);
    }
  });
});

/**
 * Fuzz targets of @tern/rtp (`pnpm fuzz`, replayed by `pnpm test`): RTP packets, RTCP compound packets,
 * the VP8 / H.264 / Opus depacketizers, IVF and Ogg Opus files, and the receive machines (jitter buffer,
 * NACK generator, statistics, retransmission history) fed packet sequences. Seeds: the clips in
 * `test/vectors` (clip.ivf, clip.ogg, clip.h264) as files and packetized into RTP.
 */
import { readFileSync } from "node:fs";
import { FuzzInvariantError, type FuzzTarget, joinChunks, splitChunks } from "@tern/test-support";
import {
  decodeIvf,
  decodeOggOpus,
  decodeOggPage,
  decodeRtcpCompound,
  decodeRtpPacket,
  decodeRtxPacket,
  encodeRtcpCompound,
  encodeRtpPacket,
  H264PayloadFormat,
  JitterBuffer,
  NackGenerator,
  OpusPayloadFormat,
  type PayloadFormat,
  ReceiverStats,
  RetransmissionHistory,
  RtpPacketizer,
  splitAnnexB,
  Vp8PayloadFormat,
} from "../../src/index.js";

const vector = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../vectors/${name}`, import.meta.url)));
const IVF = vector("clip.ivf");
const OGG = vector("clip.ogg");
const H264 = vector("clip.h264");

const FORMATS: readonly PayloadFormat[] = [
  new Vp8PayloadFormat(),
  new H264PayloadFormat(),
  new OpusPayloadFormat(),
];

/** The clips as RTP packets: VP8 from the IVF, H.264 access units (split at the AUDs), Opus from the Ogg. */
function clipPackets(): { vp8: Uint8Array[][]; h264: Uint8Array[][]; opus: Uint8Array[][] } {
  const frames = (f: PayloadFormat, list: readonly Uint8Array[], pt: number): Uint8Array[][] => {
    const p = new RtpPacketizer({
      format: f,
      ssrc: 0x1111,
      payloadType: pt,
      maxPacketBytes: 300,
      sequenceNumber: 65500,
    });
    return list.map((frame, i) => p.packetize(frame, i * 6000).map(encodeRtpPacket));
  };
  const ivf = decodeIvf(IVF);
  const ogg = decodeOggOpus(OGG);
  const nals = splitAnnexB(H264);
  const units: Uint8Array[] = [];
  let unit: Uint8Array[] = [];
  for (const n of nals) {
    if ((n[0] ?? 0) % 32 === 9 && unit.length > 0) {
      units.push(joinAnnexBUnit(unit));
      unit = [];
    }
    unit.push(n);
  }
  if (unit.length > 0) units.push(joinAnnexBUnit(unit));
  return {
    vp8: frames(FORMATS[0] as PayloadFormat, ivf.ok ? ivf.value.frames.map((f) => f.data) : [], 96),
    h264: frames(FORMATS[1] as PayloadFormat, units, 102),
    opus: frames(FORMATS[2] as PayloadFormat, ogg.ok ? ogg.value.frames.map((f) => f.data) : [], 111),
  };
}

function joinAnnexBUnit(nals: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(nals.reduce((n, x) => n + 4 + x.length, 0));
  let at = 0;
  for (const n of nals) {
    out.set([0, 0, 0, 1], at);
    out.set(n, at + 4);
    at += 4 + n.length;
  }
  return out;
}

const CLIP = clipPackets();
const ALL_PACKETS = [...CLIP.vp8, ...CLIP.h264, ...CLIP.opus].flat();

function runRtp(input: Uint8Array): void {
  const r = decodeRtpPacket(input);
  if (!r.ok) return;
  const again = decodeRtpPacket(encodeRtpPacket(r.value));
  if (!again.ok) throw new FuzzInvariantError(`re-encoded RTP does not decode: ${again.error.code}`);
  if (
    again.value.payload.length !== r.value.payload.length ||
    again.value.sequenceNumber !== r.value.sequenceNumber
  )
    throw new FuzzInvariantError("re-encoded RTP decodes to another packet");
  decodeRtxPacket(r.value, { ssrc: 2, payloadType: 97 });
}

function runRtcp(input: Uint8Array): void {
  const r = decodeRtcpCompound(input);
  if (!r.ok) return;
  const again = decodeRtcpCompound(encodeRtcpCompound(r.value));
  if (!again.ok) throw new FuzzInvariantError(`re-encoded RTCP does not decode: ${again.error.code}`);
  if (again.value.length !== r.value.length)
    throw new FuzzInvariantError("re-encoded RTCP has other packets");
}

/** Input: byte 0 picks the format; then u16-prefixed payloads of one frame. */
function runDepacketize(input: Uint8Array): void {
  const f = FORMATS[(input[0] ?? 0) % FORMATS.length] as PayloadFormat;
  const payloads = splitChunks(input, 1, 64);
  for (const p of payloads) f.isFrameStart(p);
  f.depacketize(payloads);
}

function runContainers(input: Uint8Array): void {
  decodeIvf(input);
  decodeOggOpus(input);
  decodeOggPage(input, 0);
}

/**
 * Input: byte 0 picks the format; then u16-prefixed RTP packets, each decoded and fed (if it decodes) to
 * a jitter buffer, a NACK generator, receiver statistics and a retransmission history, 7 ms apart.
 */
function runReceiveMachines(input: Uint8Array): void {
  const format = FORMATS[(input[0] ?? 0) % FORMATS.length] as PayloadFormat;
  const jb = new JitterBuffer({ format, maxPackets: 64 });
  const nack = new NackGenerator({ maxMissing: 50 });
  const stats = new ReceiverStats({ ssrc: 0x1111, clockRate: format.clockRate });
  const history = new RetransmissionHistory({ capacity: 32 });
  let now = 0;
  for (const bytes of splitChunks(input, 1, 96)) {
    now += 7;
    const d = decodeRtpPacket(bytes);
    if (!d.ok) continue;
    const p = d.value;
    jb.handlePacket(now, p);
    nack.handlePacket(now, p.sequenceNumber);
    stats.handlePacket(now, p);
    history.handleSent(now, p);
    history.handleNack(now, [p.sequenceNumber, (p.sequenceNumber + 1) & 0xffff]);
    jb.handleTimeout(now);
    nack.handleTimeout(now);
    while (jb.pollFrame() || jb.pollEvent() || nack.pollEvent() || history.pollTransmit()) {}
    if (jb.size > 64) throw new FuzzInvariantError(`jitter buffer holds ${jb.size} > 64 packets`);
  }
  stats.reportBlock(now);
}

export function fuzzTargets(): FuzzTarget[] {
  const rtcpSeeds = (): Uint8Array[] => {
    const sr = Uint8Array.from([
      0x81, 200, 0, 12, 0, 0, 0x11, 0x11, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0,
      0x22, 0x22, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0x81, 202, 0, 2, 0, 0, 0x11,
      0x11, 1, 2, 0x61, 0x62, 0x81, 205, 0, 3, 0, 0, 0x11, 0x11, 0, 0, 0x22, 0x22, 0, 5, 0, 1,
    ]);
    return [sr];
  };
  return [
    { name: "rtp-packet", run: runRtp, seeds: () => ALL_PACKETS.slice(0, 64) },
    { name: "rtcp-compound", run: runRtcp, seeds: rtcpSeeds },
    {
      name: "rtp-depacketizers",
      run: runDepacketize,
      seeds: () => [
        ...CLIP.vp8.slice(0, 4).map((f) =>
          joinChunks(
            f.map((p) => p.subarray(12)),
            [0],
          ),
        ),
        ...CLIP.h264.slice(0, 4).map((f) =>
          joinChunks(
            f.map((p) => p.subarray(12)),
            [1],
          ),
        ),
        ...CLIP.opus.slice(0, 4).map((f) =>
          joinChunks(
            f.map((p) => p.subarray(12)),
            [2],
          ),
        ),
      ],
    },
    { name: "ivf-ogg", run: runContainers, seeds: () => [IVF, OGG], maxInputBytes: 64 * 1024 },
    {
      name: "rtp-receive-machines",
      run: runReceiveMachines,
      seeds: () => [
        joinChunks(CLIP.vp8.slice(0, 6).flat(), [0]),
        joinChunks(CLIP.h264.slice(0, 4).flat(), [1]),
        joinChunks(CLIP.opus.slice(0, 20).flat(), [2]),
      ],
      maxInputBytes: 16 * 1024,
    },
  ];
}

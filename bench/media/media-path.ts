/**
 * One sender → receiver RTP path per contender, for peer-media and media-scaling. Every contender is
 * given the same input, a 1212-byte RTP packet as wire bytes (12-byte header, VP8 payload type, marker
 * set, a 1200-byte payload starting with a one-byte VP8 descriptor so every packet is a whole frame), with
 * a new sequence number and timestamp written into it before each send; each stack parses it with its own
 * decoder and sends it through its own SRTP. What arrives is counted per packet.
 */
import { createSocket, type Socket } from "node:dgram";
import { SrtpContext } from "@tern/dtls-srtp";
import { decodeRtpPacket, encodeRtpPacket, type RtpPacket } from "@tern/rtp";
import { type PairOptions, SRTP_PROFILE_CODES, type SrtpProfileName } from "../peers/pair-options.js";
import { payloadTypeOf } from "../peers/signaling.js";
import { ternPair } from "../peers/tern.js";

export const PAYLOAD_BYTES = 1200;
export const RTP_BYTES = 12 + PAYLOAD_BYTES;

export interface MediaPath {
  /** What the path negotiated and sent, read back from it (profile, wire size of a received packet…). */
  readonly config: () => Readonly<Record<string, unknown>>;
  /** Sends one packet (the next sequence number). */
  send(): void;
  readonly received: { count: number; lastAt: number };
  close(): Promise<void>;
}

/** The input packet: wire bytes, with `seq` and `ts` written in before every send. */
export class InputPacket {
  readonly bytes = Buffer.alloc(RTP_BYTES, 0x5a);
  private seq = 0;
  private ts = 0;
  constructor(payloadType: number, ssrc: number) {
    this.bytes[0] = 0x80;
    this.bytes[1] = 0x80 | payloadType;
    this.bytes.writeUInt32BE(ssrc >>> 0, 8);
    this.bytes[12] = 0x10; // VP8 descriptor: S=1, partition 0
  }
  next(): Buffer {
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + 3000) >>> 0;
    this.bytes.writeUInt16BE(this.seq, 2);
    this.bytes.writeUInt32BE(this.ts, 4);
    return this.bytes;
  }
}

const immediate = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until nothing more arrives for 100 ms (2 s at most). */
async function drained(p: MediaPath): Promise<void> {
  const until = performance.now() + 2000;
  let last = -1;
  while (p.received.count !== last && performance.now() < until) {
    last = p.received.count;
    await sleep(100);
  }
}

export interface Outcome {
  readonly sent: number;
  readonly received: number;
  /** received per second, first send → last arrival */
  readonly rate: number;
  /** received per CPU-second of this process (user + system, every thread): sender and receiver */
  readonly perCpuSecond: number;
}

/**
 * Flat out: `burst` sends, then setImmediate (the poll phase reads the receiving socket: libuv reads at
 * most 32 datagrams per socket per turn, so larger bursts overflow it), for `seconds`.
 */
export async function flatOut(p: MediaPath, seconds: number, burst = 32): Promise<Outcome> {
  const r0 = p.received.count;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let sent = 0;
  while (performance.now() < end) {
    for (let i = 0; i < burst; i++) p.send();
    sent += burst;
    await immediate();
  }
  await drained(p);
  const cpu = process.cpuUsage(c0);
  const received = p.received.count - r0;
  return {
    sent,
    received,
    rate: (received * 1000) / Math.max(1, p.received.lastAt - t0),
    perCpuSecond: received / Math.max(1e-6, (cpu.user + cpu.system) / 1e6),
  };
}

// ---- plain node:dgram: the ceiling -----------------------------------------------------------------------

async function bound(): Promise<Socket> {
  const s = createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", r));
  return s;
}

async function closeAll(...sockets: Socket[]): Promise<void> {
  await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
}

export async function dgramPath(): Promise<MediaPath> {
  const rx = await bound();
  const tx = await bound();
  const received = { count: 0, lastAt: 0 };
  let size = 0;
  rx.on("message", (m: Buffer) => {
    size = m.length;
    received.count++;
    received.lastAt = performance.now();
  });
  const input = new InputPacket(96, 1);
  const port = rx.address().port;
  return {
    config: () => ({ srtpProfile: "none", wireBytes: size }),
    send: () => tx.send(input.next(), port, "127.0.0.1"),
    received,
    close: () => closeAll(rx, tx),
  };
}

/**
 * The floor under any one-thread Tern pipeline: the node:dgram path plus Tern's SRTP alone — protect
 * before each send, unprotect after each receive; no RTP parsing, ICE, jitter buffer or stats.
 */
export async function dgramSrtpPath(profile: SrtpProfileName): Promise<MediaPath> {
  const rx = await bound();
  const tx = await bound();
  const keys = {
    masterKey: new Uint8Array(16).fill(1),
    masterSalt: new Uint8Array(profile === "SRTP_AEAD_AES_128_GCM" ? 12 : 14).fill(2),
  };
  const sender = SrtpContext.fromMasterKeys(profile, { local: keys, remote: keys });
  const receiver = SrtpContext.fromMasterKeys(profile, { local: keys, remote: keys });
  const received = { count: 0, lastAt: 0 };
  let size = 0;
  rx.on("message", (m: Buffer) => {
    if (!receiver.unprotect(m).ok) return;
    size = m.length;
    received.count++;
    received.lastAt = performance.now();
  });
  const input = new InputPacket(96, 1);
  const port = rx.address().port;
  return {
    config: () => ({ srtpProfile: profile, wireBytes: size }),
    send: () => tx.send(sender.protect(input.next()), port, "127.0.0.1"),
    received,
    close: () => closeAll(rx, tx),
  };
}

// ---- Tern -------------------------------------------------------------------------------------------------

/** Size of an RTP packet on the wire before SRTP, and the ids of its header extension elements. */
function shape(p: RtpPacket): { rtpBytes: number; extension: string } {
  return {
    rtpBytes: encodeRtpPacket(p).length,
    extension: p.extension ? `profile 0x${p.extension.profile.toString(16)}` : "none",
  };
}

export function pairOptions(profile: SrtpProfileName): PairOptions {
  return { audio: false, video: true, direction: "a-to-b", srtpProfiles: [SRTP_PROFILE_CODES[profile]] };
}

/**
 * Tern: the input bytes → decodeRtpPacket → LocalTrack.writeRtp → SRTP → ICE → RemoteTrack `rtp` events
 * (the jitter buffer, NACK and stats run as always; frames go to a `frame` listener).
 */
export async function ternPath(profile: SrtpProfileName): Promise<MediaPath> {
  const pair = await ternPair(pairOptions(profile));
  const video = pair.aTracks.get("video");
  const remote = pair.bRemote[0];
  const pt = payloadTypeOf(pair.answerSdp, "VP8/90000");
  const ssrc = pair.aTransceivers.get("video")?.sender.ssrc;
  if (!video || !remote || pt === undefined || ssrc === undefined) {
    await pair.close();
    throw new Error("Tern pair: no video track, remote track or VP8");
  }
  const received = { count: 0, lastAt: 0 };
  let first: RtpPacket | undefined;
  remote.on("rtp", (p) => {
    first ??= p;
    received.count++;
    received.lastAt = performance.now();
  });
  remote.on("frame", () => undefined); // a consumer, so frames are handed over, not buffered
  const input = new InputPacket(pt, ssrc);
  let malformed = 0;
  return {
    config: () => ({ ...pair.config, ...(first ? shape(first) : {}), malformedInput: malformed }),
    send: () => {
      const d = decodeRtpPacket(input.next());
      if (d.ok) video.writeRtp(d.value);
      else malformed++;
    },
    received,
    close: () => pair.close(),
  };
}

import { type Decoded, decodeFail, decodeOk, UsageError } from "../wire/decoded.js";
import type { DepacketizedFrame, PayloadFormat } from "./payload-format.js";

/** RFC 7587 §4.1: the Opus RTP clock rate is always 48000. */
export const OPUS_CLOCK_RATE = 48_000;

/** The table-of-contents byte of an Opus packet, RFC 6716 §3.1. */
export interface OpusToc {
  /** 0–31 */
  readonly config: number;
  readonly mode: "silk" | "hybrid" | "celt";
  readonly stereo: boolean;
  /** frame count code c */
  readonly code: 0 | 1 | 2 | 3;
  /** samples per frame at 48 kHz */
  readonly frameSamples: number;
}

export type OpusErrorCode = "empty" | "bad-code-1-length" | "truncated" | "bad-frame-count";

/** RFC 6716 §3.1 Table 2, in 48 kHz samples. */
function frameSamplesOf(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config & 3] as number;
  if (config < 16) return config & 1 ? 960 : 480;
  return [120, 240, 480, 960][config & 3] as number;
}

export function decodeOpusToc(toc: number): OpusToc {
  const config = toc >> 3;
  return {
    config,
    mode: config < 12 ? "silk" : config < 16 ? "hybrid" : "celt",
    stereo: (toc & 0x04) !== 0,
    code: (toc & 0x03) as 0 | 1 | 2 | 3,
    frameSamples: frameSamplesOf(config),
  };
}

/**
 * Duration of an Opus packet in 48 kHz samples, with the framing checks of RFC 6716 §3.4 that the
 * count needs: [R1] non-empty, [R3] code 1 has an even remainder, [R4] code 2's first length fits,
 * [R5] code 3 has 1–48 frames and at most 120 ms.
 */
export function opusPacketDurationSamples(packet: Uint8Array): Decoded<number, OpusErrorCode> {
  if (packet.length < 1) return decodeFail("empty", 0);
  const toc = decodeOpusToc(packet[0] as number);
  switch (toc.code) {
    case 0:
      return decodeOk(toc.frameSamples);
    case 1:
      if ((packet.length - 1) % 2 !== 0) return decodeFail("bad-code-1-length", 0);
      return decodeOk(2 * toc.frameSamples);
    case 2: {
      if (packet.length < 2) return decodeFail("truncated", 1);
      const b1 = packet[1] as number;
      let n1 = b1;
      let hdr = 2;
      if (b1 >= 252) {
        if (packet.length < 3) return decodeFail("truncated", 2);
        n1 = b1 + 4 * (packet[2] as number);
        hdr = 3;
      }
      if (hdr + n1 > packet.length) return decodeFail("truncated", 1);
      return decodeOk(2 * toc.frameSamples);
    }
    case 3: {
      if (packet.length < 2) return decodeFail("truncated", 1);
      const m = (packet[1] as number) & 0x3f;
      if (m === 0 || m * toc.frameSamples > 5760) return decodeFail("bad-frame-count", 1);
      return decodeOk(m * toc.frameSamples);
    }
  }
}

/**
 * Opus over RTP, RFC 7587: exactly one Opus packet per RTP payload (§4.2), never fragmented; every
 * packet is a frame of its own, and every Opus packet can be decoded alone (no keyframes).
 */
export class OpusPayloadFormat implements PayloadFormat {
  readonly name = "opus";
  readonly clockRate = OPUS_CLOCK_RATE;
  readonly markerEndsFrame = false;

  packetize(frame: Uint8Array, maxPayloadBytes: number): Uint8Array[] {
    if (frame.length === 0) throw new UsageError("an Opus packet is at least one octet (RFC 6716 §3.4 R1)");
    if (frame.length > maxPayloadBytes)
      throw new UsageError("Opus packets are not fragmented (RFC 7587 §4.2)");
    return [frame];
  }

  isFrameStart(_payload: Uint8Array): boolean {
    return true;
  }

  depacketize(payloads: readonly Uint8Array[]): Decoded<DepacketizedFrame> {
    if (payloads.length !== 1) return decodeFail("opus-one-packet-per-frame", 0);
    const p = payloads[0] as Uint8Array;
    const d = opusPacketDurationSamples(p);
    if (!d.ok) return d;
    return decodeOk({ data: p, isKeyframe: true });
  }
}

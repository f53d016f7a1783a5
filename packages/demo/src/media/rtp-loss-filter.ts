/**
 * `--loss <pct>`: decides which incoming datagrams to drop before the receiver sees them. Only RTP
 * (media and RTX) is dropped; STUN, DTLS and RTCP pass, so the connection still comes up and NACKs
 * still flow. Classification by the first bytes (RFC 7983 §7: 128..191 is RTP/RTCP; RFC 5761 §4:
 * a second byte of 192..223 is an RTCP packet type). Deterministic: a seeded xorshift32, no clock.
 */

export type DatagramClass = "rtp" | "rtcp" | "other";

export function classifyDatagram(d: Uint8Array): DatagramClass {
  const b0 = d[0];
  const b1 = d[1];
  if (b0 === undefined || b1 === undefined || b0 < 128 || b0 > 191) return "other";
  return b1 >= 192 && b1 <= 223 ? "rtcp" : "rtp";
}

export interface RtpLossCounters {
  rtpSeen: number;
  rtpDropped: number;
}

export class RtpLossFilter {
  readonly counters: RtpLossCounters = { rtpSeen: 0, rtpDropped: 0 };
  private state: number;
  private readonly threshold: number;

  /** `lossPercent` in [0, 100]; `seed` any 32-bit integer. */
  constructor(lossPercent: number, seed: number) {
    if (!(lossPercent >= 0 && lossPercent <= 100)) throw new RangeError("loss must be within 0..100 %");
    this.threshold = Math.round((lossPercent / 100) * 0x1_0000_0000);
    this.state = seed >>> 0 || 0x9e37_79b9;
  }

  /** True: drop this datagram. */
  shouldDrop(d: Uint8Array): boolean {
    if (classifyDatagram(d) !== "rtp") return false;
    this.counters.rtpSeen++;
    if (this.nextU32() >= this.threshold) return false;
    this.counters.rtpDropped++;
    return true;
  }

  /** xorshift32 (Marsaglia 2003). */
  private nextU32(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
}

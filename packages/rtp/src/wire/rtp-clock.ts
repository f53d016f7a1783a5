import { rtpTimestampDelta } from "./sequence-number.js";

/** Milliseconds on the caller's monotonic clock. */
export type Millis = number;

/**
 * RFC 3550 §5.1: the RTP timestamp advances at the payload's clock rate (RFC 3551 §4; 90 kHz for video,
 * 48 kHz for Opus per RFC 7587 §4.1). Converts a tick count to milliseconds.
 */
export function rtpTicksToMs(ticks: number, clockRate: number): number {
  return (ticks * 1000) / clockRate;
}

/** Milliseconds to RTP ticks, rounded to the nearest tick. */
export function msToRtpTicks(ms: number, clockRate: number): number {
  return Math.round((ms * clockRate) / 1000);
}

/**
 * A mapping between one RTP timestamp and one instant on the caller's clock (what an RTCP SR gives a
 * receiver, or what a sender chooses at its first frame): converts either way at `clockRate`.
 * Timestamps wrap at 2^32; `toMs` takes the short way round from the reference.
 */
export interface RtpClockReference {
  readonly clockRate: number;
  readonly rtpTimestamp: number;
  readonly atMs: Millis;
}

/** The RTP timestamp (u32) of instant `ms` under `ref`. */
export function rtpTimestampAt(ref: RtpClockReference, ms: Millis): number {
  return (ref.rtpTimestamp + msToRtpTicks(ms - ref.atMs, ref.clockRate)) >>> 0;
}

/** The instant of RTP timestamp `ts` under `ref`, at most 2^31 ticks away from the reference. */
export function msAtRtpTimestamp(ref: RtpClockReference, ts: number): Millis {
  return ref.atMs + rtpTicksToMs(rtpTimestampDelta(ts, ref.rtpTimestamp), ref.clockRate);
}

/** RFC 5905 §6: seconds from the NTP epoch (1900) to the Unix epoch (1970). */
export const NTP_UNIX_EPOCH_OFFSET_SEC = 2_208_988_800;

/** A 64-bit NTP timestamp (RFC 3550 §4: 32.32 fixed point seconds since 1900) from Unix milliseconds. */
export function ntpTimestampFromUnixMs(unixMs: number): bigint {
  const sec = Math.floor(unixMs / 1000);
  const frac = Math.floor(((unixMs - sec * 1000) / 1000) * 0x1_0000_0000);
  return (BigInt(sec + NTP_UNIX_EPOCH_OFFSET_SEC) << 32n) | BigInt(frac);
}

/** Unix milliseconds from a 64-bit NTP timestamp. */
export function unixMsFromNtpTimestamp(ntp: bigint): number {
  const sec = Number(ntp >> 32n) - NTP_UNIX_EPOCH_OFFSET_SEC;
  const frac = Number(ntp & 0xffff_ffffn);
  return sec * 1000 + (frac * 1000) / 0x1_0000_0000;
}

/** RFC 3550 §4: the middle 32 bits of a 64-bit NTP timestamp (16.16 fixed point), as used in LSR. */
export function compactNtp(ntp: bigint): number {
  return Number((ntp >> 16n) & 0xffff_ffffn);
}

/** A duration in units of 1/65536 s (DLSR, RFC 3550 §6.4.1) from milliseconds, clamped to 32 bits. */
export function msToCompactNtp(ms: number): number {
  return Math.min(0xffff_ffff, Math.max(0, Math.round((ms * 65536) / 1000)));
}

/** Milliseconds from a duration in 1/65536 s. */
export function compactNtpToMs(units: number): number {
  return (units * 1000) / 65536;
}

/**
 * RFC 3550 §6.4.1: the round-trip time seen by a sender, from the arrival time A of a reception
 * report (compact NTP), its LSR and DLSR: `A - LSR - DLSR`, in milliseconds (mod 2^32 units).
 * Returns undefined when LSR is 0 (no SR received yet) or the result would be negative.
 */
export function roundTripTimeMs(arrivalCompactNtp: number, lsr: number, dlsr: number): number | undefined {
  if (lsr === 0) return undefined;
  const units = (arrivalCompactNtp - lsr - dlsr) | 0;
  if (units < 0) return undefined;
  return compactNtpToMs(units);
}

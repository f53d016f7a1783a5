/**
 * 16-bit RTP sequence-number arithmetic (RFC 3550 §5.1, serial-number comparison as in RFC 1982):
 * the distance from `b` to `a` taken the short way round, in [-32768, 32767].
 */
export function seqDelta(a: number, b: number): number {
  return ((((a - b) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
}

/** True when `a` comes after `b` (the short way round the 16-bit circle). */
export function isSeqNewer(a: number, b: number): boolean {
  return seqDelta(a, b) > 0;
}

/** 32-bit RTP timestamp arithmetic: the distance from `b` to `a` the short way round, signed. */
export function rtpTimestampDelta(a: number, b: number): number {
  return (a - b) | 0;
}

/**
 * Serial number arithmetic (RFC 9260 §1.6, after RFC 1982) for the TSN (32 bits), the SSN (16 bits) and
 * the I-DATA MID (32 bits, RFC 8260 §2.1).
 *
 * Inside the machine every TSN and MID is kept *unwrapped*: a plain JS integer that keeps growing past
 * 2^32 (exact up to 2^53, i.e. centuries of traffic). Comparisons are then ordinary `<`, and only the wire
 * sees `tsn >>> 0` (ToUint32 is modulo 2^32). Wire values are unwrapped against a nearby reference, as
 * dcSCTP's `UnwrappedSequenceNumber` does: the peer can never be more than 2^31 ahead or behind.
 */

/** a < b in 32-bit serial arithmetic (RFC 1982 §3.2); a, b are wire values in [0, 2^32). */
export function serial32LessThan(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** a < b in 16-bit serial arithmetic; a, b in [0, 2^16). */
export function serial16LessThan(a: number, b: number): boolean {
  const d = (b - a) & 0xffff;
  return d !== 0 && d < 0x8000;
}

/** The next 16-bit serial number (SSN). */
export function serial16Next(a: number): number {
  return (a + 1) & 0xffff;
}

/**
 * The unwrapped value of the 32-bit wire value `wire` that lies within ±2^31 of the unwrapped `reference`.
 * `unwrap32(2^32 + 5, 7) === 2^32 + 7`; `unwrap32(2^32 + 5, 2^32 - 1) === 2^32 - 1`.
 */
export function unwrap32(reference: number, wire: number): number {
  return reference + ((wire - (reference >>> 0)) | 0);
}

/** The unwrapped value of the 16-bit `wire` within ±2^15 of the unwrapped `reference` (SSNs). */
export function unwrap16(reference: number, wire: number): number {
  const d = (wire - reference) & 0xffff;
  return reference + (d >= 0x8000 ? d - 0x10000 : d);
}

/** The 32-bit wire value of an unwrapped TSN or MID. */
export function wrap32(unwrapped: number): number {
  return unwrapped >>> 0;
}

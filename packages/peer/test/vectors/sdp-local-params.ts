/**
 * Local parameters the SDP tests write into offers and answers (made up for the tests, not captured):
 * ICE credentials of the RFC 8839 §5.4 lengths, a SHA-256 fingerprint of 32 bytes, a seeded byte source.
 */
export const TERN_A = {
  iceUfrag: "tErN",
  icePwd: "aaaaaaaaaaaaaaaaaaaaaa+/",
  fingerprints: [
    {
      algorithm: "sha-256",
      value: "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9",
    },
  ],
} as const;

export const TERN_B = {
  iceUfrag: "BbBb1234",
  icePwd: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
  fingerprints: [
    {
      algorithm: "sha-256",
      value: "F9:E8:D7:C6:B5:A4:93:82:71:60:5F:4E:3D:2C:1B:0A:F9:E8:D7:C6:B5:A4:93:82:71:60:5F:4E:3D:2C:1B:0A",
    },
  ],
} as const;

/** A deterministic byte source (xorshift32 from a seed) standing in for crypto.randomBytes. */
export function seededBytes(seed: number): (length: number) => Uint8Array {
  let x = seed >>> 0 || 1;
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      out[i] = x & 0xff;
    }
    return out;
  };
}

import type { IceCredentials } from "./ice-types.js";

/** RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/". */
const ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function iceString(random: (n: number) => Uint8Array, length: number): string {
  const bytes = random(length);
  let s = "";
  for (let i = 0; i < length; i++) s += ICE_CHARS[(bytes[i] ?? 0) & 63];
  return s;
}

/** A fresh ufrag (8 chars, 48 bits) and pwd (24 chars, 144 bits ≥ the 128 bits RFC 8445 §5.3 asks for). */
export function generateIceCredentials(random: (n: number) => Uint8Array): IceCredentials {
  return { ufrag: iceString(random, 8), pwd: iceString(random, 24) };
}

const ICE_CHAR_RE = /^[A-Za-z0-9+/]+$/;

/** Whether credentials obey RFC 8839 §5.4 lengths and alphabet. */
export function validIceCredentials(c: IceCredentials): boolean {
  return (
    c.ufrag.length >= 4 &&
    c.ufrag.length <= 256 &&
    c.pwd.length >= 22 &&
    c.pwd.length <= 256 &&
    ICE_CHAR_RE.test(c.ufrag) &&
    ICE_CHAR_RE.test(c.pwd)
  );
}

/** RFC 8445 §7.3.1.1 (role conflicts): the agent's tie-breaker, a 64-bit unsigned random number. */
export function generateTieBreaker(random: (n: number) => Uint8Array): bigint {
  const b = random(8);
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(b[i] ?? 0);
  return v;
}

/** The demo's randomness (RTP timestamp bases, room names, the loss seed), from node:crypto. */
import { randomBytes } from "node:crypto";

export function randomU32(): number {
  return randomBytes(4).readUInt32BE(0) >>> 0;
}

export function randomToken(bytes = 4): string {
  return randomBytes(bytes).toString("hex");
}

import { timingSafeEqual } from "node:crypto";

/** Compares MACs, Finished values and cookies without a data-dependent early exit. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

import { randomBytes } from "node:crypto";

/** Injected randomness: `random(n)` returns n fresh bytes. The default is the OS CSPRNG. */
export type RandomSource = (n: number) => Uint8Array;

export const secureRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));

import fc from "fast-check";

/**
 * Havoc-style mutations (bit flips, interesting values, inserted, deleted, duplicated and spliced ranges,
 * truncation) as fast-check values: generated from a seed, replayable from the campaign's seed, and shrunk
 * to fewer, smaller mutations when an input fails.
 */
export type Mutation =
  | { readonly k: "flip"; readonly at: number; readonly bit: number }
  | { readonly k: "byte"; readonly at: number; readonly v: number }
  | { readonly k: "u16"; readonly at: number; readonly v: number }
  | { readonly k: "u32"; readonly at: number; readonly v: number }
  | { readonly k: "insert"; readonly at: number; readonly bytes: Uint8Array }
  | { readonly k: "delete"; readonly at: number; readonly len: number }
  | { readonly k: "dup"; readonly at: number; readonly len: number; readonly to: number }
  | { readonly k: "truncate"; readonly at: number }
  | { readonly k: "splice"; readonly other: number; readonly at: number; readonly from: number };

const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xff, 0x14, 0x16, 0x17, 0x15];
const INTERESTING_16 = [0, 1, 0x7fff, 0x8000, 0xffff, 0x00ff, 0x0100, 0x4000, 0x3fff, 0xfeff, 0xfefd];
const INTERESTING_32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x2112a442, 0x00010000];

const at = fc.nat({ max: 1 << 16 });

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ k: fc.constant("flip" as const), at, bit: fc.nat({ max: 7 }) }),
  fc.record({
    k: fc.constant("byte" as const),
    at,
    v: fc.oneof(fc.constantFrom(...INTERESTING_8), fc.nat({ max: 255 })),
  }),
  fc.record({ k: fc.constant("u16" as const), at, v: fc.constantFrom(...INTERESTING_16) }),
  fc.record({ k: fc.constant("u32" as const), at, v: fc.constantFrom(...INTERESTING_32) }),
  fc.record({ k: fc.constant("insert" as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
  fc.record({ k: fc.constant("delete" as const), at, len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ k: fc.constant("dup" as const), at, len: fc.integer({ min: 1, max: 64 }), to: at }),
  fc.record({ k: fc.constant("truncate" as const), at }),
  fc.record({ k: fc.constant("splice" as const), other: fc.nat(), at, from: at }),
);

/** Applies `ops` to a copy of `input`; `pool` is what `splice` takes from. Never grows past `maxBytes`. */
export function applyMutations(
  input: Uint8Array,
  ops: readonly Mutation[],
  pool: readonly Uint8Array[],
  maxBytes: number,
): Uint8Array {
  let b: Uint8Array = Uint8Array.from(input);
  for (const op of ops) {
    const n = b.length;
    switch (op.k) {
      case "flip":
        if (n > 0) b[op.at % n] = (b[op.at % n] ?? 0) ^ (1 << op.bit);
        break;
      case "byte":
        if (n > 0) b[op.at % n] = op.v;
        break;
      case "u16":
        if (n >= 2) {
          const i = op.at % (n - 1);
          b[i] = op.v >> 8;
          b[i + 1] = op.v & 0xff;
        }
        break;
      case "u32":
        if (n >= 4) {
          const i = op.at % (n - 3);
          new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(i, op.v >>> 0);
        }
        break;
      case "insert": {
        const i = n === 0 ? 0 : op.at % (n + 1);
        b = concat(b.subarray(0, i), op.bytes, b.subarray(i));
        break;
      }
      case "delete":
        if (n > 0) {
          const i = op.at % n;
          b = concat(b.subarray(0, i), b.subarray(Math.min(n, i + op.len)));
        }
        break;
      case "dup":
        if (n > 0) {
          const i = op.at % n;
          const piece = b.slice(i, Math.min(n, i + op.len));
          const to = op.to % (n + 1);
          b = concat(b.subarray(0, to), piece, b.subarray(to));
        }
        break;
      case "truncate":
        b = b.slice(0, n === 0 ? 0 : op.at % n);
        break;
      case "splice": {
        const other = pool.length > 0 ? pool[op.other % pool.length] : undefined;
        if (other && other.length > 0) {
          const i = n === 0 ? 0 : op.at % n;
          const j = op.from % other.length;
          b = concat(b.subarray(0, i), other.subarray(j));
        }
        break;
      }
    }
    if (b.length > maxBytes) b = b.slice(0, maxBytes);
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}

/**
 * The campaign's inputs: mostly mutated seeds (a seed, then 1 to 8 mutations), some seeds as they are and
 * some plain random bytes. Without seeds, random bytes only.
 */
export function fuzzInputArbitrary(seeds: readonly Uint8Array[], maxBytes: number): fc.Arbitrary<Uint8Array> {
  const random = fc.uint8Array({ maxLength: Math.min(maxBytes, 1500) });
  if (seeds.length === 0) return random;
  const mutated = fc
    .tuple(fc.nat({ max: seeds.length - 1 }), fc.array(mutationArbitrary, { minLength: 1, maxLength: 8 }))
    .map(([i, ops]) => applyMutations(seeds[i] ?? new Uint8Array(), ops, seeds, maxBytes));
  return fc.oneof(
    { arbitrary: mutated, weight: 16 },
    { arbitrary: fc.constantFrom(...seeds), weight: 1 },
    { arbitrary: random, weight: 3 },
  );
}

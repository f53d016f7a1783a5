/**
 * What a package offers the fuzz campaign: `fuzzTargets()` exported from a file in its `test/fuzz/`
 * folder returns these. `run` takes one input and throws only on a bug (a decoder returning a typed
 * failure, a machine dropping and counting a packet, are not bugs). Stateful targets interpret the bytes
 * as a sequence (of records, datagrams, calls) fed to a live machine.
 */
export interface FuzzTarget {
  readonly name: string;
  run(input: Uint8Array): void;
  /** Inputs to mutate, built from the package's real captures and vectors (`test/vectors`). */
  seeds?(): readonly Uint8Array[];
  /** Largest input generated; default 4096 bytes. */
  readonly maxInputBytes?: number;
}

/** The shape of a `test/fuzz/*.ts` module that offers targets. */
export interface FuzzTargetModule {
  fuzzTargets(): readonly FuzzTarget[];
}

/** Thrown by a target's own invariant checks (a property of its output that must hold), not by input. */
export class FuzzInvariantError extends Error {
  override readonly name = "FuzzInvariantError";
}

/** Reads a big-endian u16 length-prefixed sequence of chunks; a short tail is the last chunk. */
export function splitChunks(input: Uint8Array, from = 0, maxChunks = 64): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = from;
  while (at < input.length && out.length < maxChunks) {
    if (at + 2 > input.length) {
      out.push(input.subarray(at));
      break;
    }
    const n = ((input[at] ?? 0) << 8) | (input[at + 1] ?? 0);
    const end = Math.min(input.length, at + 2 + n);
    out.push(input.subarray(at + 2, end));
    at = end;
  }
  return out;
}

/** The inverse of `splitChunks`: joins chunks, each after its u16 length. */
export function joinChunks(chunks: readonly Uint8Array[], head: readonly number[] = []): Uint8Array {
  const total = head.length + chunks.reduce((n, c) => n + 2 + Math.min(c.length, 0xffff), 0);
  const out = new Uint8Array(total);
  out.set(head, 0);
  let at = head.length;
  for (const c of chunks) {
    const n = Math.min(c.length, 0xffff);
    out[at] = n >> 8;
    out[at + 1] = n & 0xff;
    out.set(c.subarray(0, n), at + 2);
    at += 2 + n;
  }
  return out;
}

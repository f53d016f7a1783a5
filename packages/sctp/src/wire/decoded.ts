/**
 * The result of decoding untrusted bytes. A failure is a value, never a throw, and carries no stack
 * (cheap under a flood): `code` names what was wrong, `at` is the byte offset where it was noticed.
 *
 * Same shape as `@tern/rtp`'s and `@tern/ice`'s `Decoded`; a copy, because leaf packages do not import
 * each other.
 */
export interface DecodeError<C extends string = string> {
  readonly code: C;
  readonly at: number;
}

export type Decoded<T, C extends string = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: DecodeError<C> };

export function decodeOk<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function decodeFail<C extends string>(
  code: C,
  at: number,
): { readonly ok: false; readonly error: DecodeError<C> } {
  return { ok: false, error: { code, at } };
}

/** Thrown only for API misuse (encoding a value that cannot be represented, bad configuration). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * The result of decoding untrusted input. A failure is a value, never a throw, and carries no stack
 * (cheap under a flood). Same shape as @tern/ice's `Decoded`, with the error type left open: a signaling
 * message is JSON, so its failures name a field path rather than a byte offset.
 */
export type Decoded<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export function decodeOk<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function decodeFail<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

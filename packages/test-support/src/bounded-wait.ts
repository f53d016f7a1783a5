/**
 * Waits with one bound each: every timer they arm is cleared when they settle, whichever way (a test that
 * passes leaves no timer behind, and one that times out leaves no poll running).
 */

/** `p`, or a rejection naming `what` after `ms`. The timer is cleared as soon as `p` settles. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

export interface UntilOptions {
  /** Give up (reject) after this long. */
  readonly timeoutMs: number;
  /** What is awaited, for the error message. */
  readonly what: string;
  /** How often the condition is read. Default 10 ms. */
  readonly intervalMs?: number;
}

/**
 * Resolves once `condition()` is true, reading it every `intervalMs`; rejects after `timeoutMs`. For state
 * filled by another stack's callbacks that has no event to wait on.
 */
export function until(condition: () => boolean, opts: UntilOptions): Promise<void> {
  const interval = opts.intervalMs ?? 10;
  return new Promise<void>((resolve, reject) => {
    if (condition()) {
      resolve();
      return;
    }
    const started = performance.now();
    const poll = setInterval(() => {
      let done: boolean;
      try {
        done = condition();
      } catch (err) {
        clearInterval(poll);
        reject(err);
        return;
      }
      if (done) {
        clearInterval(poll);
        resolve();
      } else if (performance.now() - started >= opts.timeoutMs) {
        clearInterval(poll);
        reject(new Error(`timed out after ${opts.timeoutMs} ms: ${opts.what}`));
      }
    }, interval);
  });
}

/** Resolves once `items` holds at least `n` entries; rejects after `timeoutMs` with how many it got. */
export function untilCount(
  items: { readonly length: number },
  n: number,
  timeoutMs: number,
  what: string,
): Promise<void> {
  return until(() => items.length >= n, { timeoutMs, what: `${what} (${n} wanted)` }).catch((err: Error) => {
    throw new Error(`${err.message}, got ${items.length}`);
  });
}

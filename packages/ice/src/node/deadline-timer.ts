/**
 * The one timer a sans-IO adapter keeps: after every drain it arms at the machine's `pollTimeout()`.
 * It re-arms only for an earlier deadline — a timer that fires early is harmless (the machine finds
 * nothing due and the adapter's drain arms it again), while clearTimeout + setTimeout after every packet
 * is not free.
 */
export class DeadlineTimer {
  #timer: NodeJS.Timeout | undefined;
  #at: number | undefined;

  /** `fire` runs at the deadline; `now` is the clock deadlines are in (ms). */
  constructor(
    private readonly fire: () => void,
    private readonly now: () => number,
  ) {}

  /** Fire at `at` (or sooner, if already armed earlier); undefined leaves an armed timer as it is. */
  arm(at: number | undefined): void {
    if (at === undefined || (this.#timer !== undefined && this.#at !== undefined && this.#at <= at)) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#at = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#at = undefined;
        this.fire();
      },
      Math.max(0, at - this.now()),
    );
  }

  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = undefined;
  }
}

/**
 * Runs `fn` once in the check phase of the event-loop turn that asked, however often the turn asked.
 * The bundle transport arms its timer this way: asking every machine for its next deadline after each
 * datagram was a tenth of the media path's own time, and a turn carries up to 32 datagrams per socket. A
 * deadline armed so is at most the rest of one turn late (none of the machines' is finer than a
 * millisecond).
 */
export class OncePerTurn {
  #queued = false;

  constructor(private readonly fn: () => void) {}

  request(): void {
    if (this.#queued) return;
    this.#queued = true;
    setImmediate(this.#run);
  }

  readonly #run = (): void => {
    this.#queued = false;
    this.fn();
  };
}

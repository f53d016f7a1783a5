/**
 * W3C webrtc-pc §4.4.1.2 "operations chain": createOffer, createAnswer, setLocalDescription,
 * setRemoteDescription and addIceCandidate run one after the other in call order, each starting when
 * the previous one has settled (a candidate sent right after its offer waits for the offer to apply).
 */
export class OperationsChain {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(private readonly onEmpty: () => void) {}

  /** Operations queued or running. */
  get length(): number {
    return this.pending;
  }

  /** Runs `op` after every operation chained before it; its result is `op`'s. */
  chain<T>(op: () => Promise<T>): Promise<T> {
    this.pending++;
    const run = this.pending === 1 ? op() : this.tail.then(op);
    this.tail = run.then(
      () => this.done(),
      () => this.done(),
    );
    return run;
  }

  private done(): void {
    this.pending--;
    if (this.pending === 0) this.onEmpty();
  }
}

/**
 * How long packets wait in queues on the path now: the one-way delay of each received packet (arrival on
 * the receiver's clock minus send time on ours — the clocks' offset included) less the smallest one seen
 * in the last `windowMs` (the path's base delay, offset included). The delay gradient (trendline) sees a
 * queue that grows; this sees one that stays full — a drop-tail queue the sender keeps full at just over
 * the link's rate shows no gradient, only this and loss.
 */
export class QueueDelay {
  /** (time, one-way delay) with rising delays: the sliding minimum */
  readonly #mins: [number, number][] = [];
  #latestMs = 0;

  constructor(private readonly windowMs = 30_000) {}

  /** The queuing delay of the last packet reported (ms). */
  get delayMs(): number {
    return this.#latestMs;
  }

  /** A received packet's send time (ours) and arrival (the receiver's), at our `nowMs`. */
  handlePacket(nowMs: number, sendMs: number, arrivalMs: number): void {
    const owd = arrivalMs - sendMs;
    const m = this.#mins;
    while (m.length > 0 && nowMs - (m[0] as [number, number])[0] > this.windowMs) m.shift();
    while (m.length > 0 && (m[m.length - 1] as [number, number])[1] >= owd) m.pop();
    m.push([nowMs, owd]);
    this.#latestMs = owd - (m[0] as [number, number])[1];
  }
}

import type { DecodedStunMessage } from "../wire/stun-message-types.js";
import type { TransportAddr } from "../wire/transport-address.js";
import type { LocalCandidate } from "./check-list.js";
import type { ConnectivityChecks } from "./connectivity-checks.js";
import type { Millis, Transmit } from "./ice-types.js";

/**
 * The generations of an agent's checks (RFC 8445 §9): the current one and, during an ICE restart, the
 * previous one, which keeps carrying data and answering consent on its selected pair until the new
 * generation selects one. A check from the peer goes to the generation whose credentials it carries, a
 * response to the one whose transaction it answers.
 */
export class IceGenerations {
  previous: ConnectivityChecks | undefined;

  constructor(public current: ConnectivityChecks) {}

  /** RFC 8445 §9: `next` takes over; the current one stays as `previous` while it has a selected pair. */
  restart(next: ConnectivityChecks, keepCurrent: boolean): void {
    this.previous = keepCurrent ? this.current : undefined;
    this.previous?.retire();
    this.current = next;
  }

  /** The new generation selected a pair: the previous one is done. */
  dropPrevious(): void {
    this.previous?.stop();
    this.previous = undefined;
  }

  stopAll(): void {
    this.current.stop();
    this.dropPrevious();
  }

  /** The generation whose consent tells whether the selected pair is disconnected. */
  ofSelected(): ConnectivityChecks {
    return this.previous ?? this.current;
  }

  /** Whether a datagram from `remote` on `local` belongs to a pair of either generation. */
  knows(local: TransportAddr, remote: TransportAddr): boolean {
    return (
      this.current.checkList.find(local, remote) !== undefined ||
      this.previous?.checkList.find(local, remote) !== undefined
    );
  }

  handleRequest(now: Millis, base: LocalCandidate, from: TransportAddr, msg: DecodedStunMessage): void {
    const previous = this.previous;
    const gen =
      previous && !this.current.acceptsUsername(msg) && previous.acceptsUsername(msg)
        ? previous
        : this.current;
    gen.handleRequest(now, base, from, msg);
  }

  /** False when neither generation sent the request it answers. */
  handleResponse(now: Millis, base: LocalCandidate, from: TransportAddr, msg: DecodedStunMessage): boolean {
    return (
      this.current.handleResponse(now, base, from, msg) ||
      this.previous?.handleResponse(now, base, from, msg) === true
    );
  }

  handleTimeout(now: Millis): void {
    this.previous?.handleTimeout(now);
    this.current.handleTimeout(now);
  }

  pollTransmit(): Transmit | undefined {
    return this.previous?.pollTransmit() ?? this.current.pollTransmit();
  }

  pollTimeout(now: Millis): Millis | undefined {
    const a = this.current.pollTimeout(now);
    const b = this.previous?.pollTimeout(now);
    if (a === undefined) return b;
    if (b === undefined) return a;
    return Math.min(a, b);
  }
}

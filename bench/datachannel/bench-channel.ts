/**
 * The shape every stack's data-only pair is measured through (`ChannelPair`: two `BenchEnd`s, each opening
 * and finding `BenchChannel`s), and the wait for a channel the other side announced.
 */
import { withTimeout } from "../peers/signaling.js";

/** One end of a channel, whatever the stack. Messages are binary. */
export interface BenchChannel {
  readonly opened: Promise<void>;
  send(d: Uint8Array): void;
  bufferedAmount(): number;
  /** Resolves once bufferedAmount is at or below `low` (the stack's event; wrtc's never fires: polled). */
  waitLow(low: number): Promise<void>;
  onMessage(cb: (d: Uint8Array) => void): void;
  close(): void;
}

export interface BenchEnd {
  /** A new reliable, ordered channel opened (DCEP) from this side. */
  createChannel(label: string): BenchChannel;
  /** The channel the other side opened with `label`. */
  remoteChannel(label: string): Promise<BenchChannel>;
}

export interface ChannelPair {
  readonly a: BenchEnd;
  readonly b: BenchEnd;
  /** c0 at `a` and at `b`. */
  readonly c0: readonly [BenchChannel, BenchChannel];
  /** Offer made → c0 open at both ends, ms (node-datachannel: createDataChannel, which makes the offer). */
  readonly offerToOpenMs: number;
  readonly config: Readonly<Record<string, unknown>>;
  close(): Promise<void>;
}

export const TIMEOUT_MS = 15_000;

/** Labels announced by the other side, waited for by label. */
export class Announced {
  readonly #got = new Map<string, BenchChannel>();
  readonly #waiting = new Map<string, (c: BenchChannel) => void>();
  add(label: string, c: BenchChannel): void {
    this.#got.set(label, c);
    this.#waiting.get(label)?.(c);
  }
  get(label: string): Promise<BenchChannel> {
    const c = this.#got.get(label);
    if (c) return Promise.resolve(c);
    return withTimeout(
      new Promise((r) => this.#waiting.set(label, r)),
      TIMEOUT_MS,
      `channel ${label} announced`,
    );
  }
}

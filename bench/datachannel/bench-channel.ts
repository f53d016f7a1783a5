/**
 * The shape every stack's data-only pair is measured through (`ChannelPair`: two `BenchEnd`s, each opening
 * and finding `BenchChannel`s), and the wait for a channel the other side announced.
 */
import { type CandidateGate, withTimeout } from "../peers/signaling.js";

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

/** The part of a W3C-shaped peer connection the werift and wrtc pairs negotiate through. */
export interface OfferAnswerPeer<D> {
  createOffer(): Promise<D>;
  createAnswer(): Promise<D>;
  setLocalDescription(d: D): Promise<unknown>;
  setRemoteDescription(d: D): Promise<unknown>;
}

/**
 * Offer from `a`, answer from `b`, each side's candidates released once the other has its description,
 * then c0 (made by `a` before the offer) open at both ends. Returns b's c0 and the time from the offer
 * being made to both ends open.
 */
export async function negotiateAndOpen<D>(
  stack: string,
  a: OfferAnswerPeer<D>,
  b: OfferAnswerPeer<D>,
  gates: { readonly toA: CandidateGate<string>; readonly toB: CandidateGate<string> },
  c0a: BenchChannel,
  announcedAtB: Announced,
): Promise<{ c0b: BenchChannel; offerToOpenMs: number }> {
  const t0 = performance.now();
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  await b.setRemoteDescription(offer);
  gates.toB.open();
  const answer = await b.createAnswer();
  await b.setLocalDescription(answer);
  await a.setRemoteDescription(answer);
  gates.toA.open();
  const c0b = await announcedAtB.get("c0");
  await withTimeout(Promise.all([c0a.opened, c0b.opened]), TIMEOUT_MS, `${stack} c0 open`);
  return { c0b, offerToOpenMs: performance.now() - t0 };
}

/** Both ends of a pair whose channels are made by `open(side, label)` and announced to `announced`. */
export function benchEnds(
  announced: { readonly a: Announced; readonly b: Announced },
  open: (side: "a" | "b", label: string) => BenchChannel,
): { a: BenchEnd; b: BenchEnd } {
  return {
    a: { createChannel: (l) => open("a", l), remoteChannel: (l) => announced.a.get(l) },
    b: { createChannel: (l) => open("b", l), remoteChannel: (l) => announced.b.get(l) },
  };
}

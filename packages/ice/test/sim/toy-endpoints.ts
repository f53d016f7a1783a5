/**
 * Toy endpoints that exercise the simulated network and the driver in their own tests: a pinger that
 * retransmits, an echo, a blaster of numbered datagrams and a sink that records them.
 */
import type { TransportAddr } from "../../src/wire/transport-address.js";
import type { Millis, SimEndpoint, SimTransmit } from "./sim-network.js";

export const enc = new TextEncoder();
export const dec = new TextDecoder();

/** Sends "ping" to `peer` every `rtoMs` until it hears a "pong", at most `maxTries` times. */
export class Pinger implements SimEndpoint {
  readonly out: SimTransmit[] = [];
  readonly received: { at: Millis; from: TransportAddr; text: string }[] = [];
  tries = 0;
  #next: Millis | undefined = 0;
  constructor(
    readonly local: TransportAddr,
    readonly peer: TransportAddr,
    readonly rtoMs = 100,
    readonly maxTries = 5,
  ) {}
  get done(): boolean {
    return this.received.some((r) => r.text.startsWith("pong"));
  }
  handleDatagram(now: Millis, _local: TransportAddr, remote: TransportAddr, data: Uint8Array): void {
    this.received.push({ at: now, from: remote, text: dec.decode(data) });
    if (this.done) this.#next = undefined;
  }
  handleTimeout(now: Millis): void {
    if (this.#next === undefined || now < this.#next) return;
    if (this.tries >= this.maxTries) {
      this.#next = undefined;
      return;
    }
    this.tries++;
    this.out.push({ from: this.local, to: this.peer, data: enc.encode(`ping ${this.tries}`) });
    this.#next = now + this.rtoMs;
  }
  pollTransmit(): SimTransmit | undefined {
    return this.out.shift();
  }
  pollTimeout(): Millis | undefined {
    return this.#next;
  }
}

/** Answers every datagram with "pong <data>" to its source, from the address it arrived on. */
export class Echo implements SimEndpoint {
  readonly out: SimTransmit[] = [];
  readonly seen: { at: Millis; from: TransportAddr; local: TransportAddr; text: string }[] = [];
  constructor(readonly reply = true) {}
  handleDatagram(now: Millis, local: TransportAddr, remote: TransportAddr, data: Uint8Array): void {
    const text = dec.decode(data);
    this.seen.push({ at: now, from: remote, local, text });
    if (this.reply) this.out.push({ from: local, to: remote, data: enc.encode(`pong ${text}`) });
  }
  handleTimeout(): void {}
  pollTransmit(): SimTransmit | undefined {
    return this.out.shift();
  }
  pollTimeout(): Millis | undefined {
    return undefined;
  }
}

/** Sends `count` numbered datagrams, one per ms from t=0. */
export class Blaster implements SimEndpoint {
  sent = 0;
  #out: SimTransmit | undefined;
  constructor(
    readonly local: TransportAddr,
    readonly peer: TransportAddr,
    readonly count: number,
    readonly size = 4,
  ) {}
  handleDatagram(): void {}
  handleTimeout(): void {
    const data = new Uint8Array(this.size);
    new DataView(data.buffer).setUint32(0, this.sent);
    this.#out = { from: this.local, to: this.peer, data };
    this.sent++;
  }
  pollTransmit(): SimTransmit | undefined {
    const t = this.#out;
    this.#out = undefined;
    return t;
  }
  pollTimeout(): Millis | undefined {
    return this.sent < this.count ? this.sent : undefined;
  }
}

/** Records the sequence number (first 4 bytes) and arrival time of every datagram. */
export class Sink implements SimEndpoint {
  readonly seqs: number[] = [];
  readonly at: Millis[] = [];
  handleDatagram(now: Millis, _l: TransportAddr, _r: TransportAddr, data: Uint8Array): void {
    this.seqs.push(new DataView(data.buffer, data.byteOffset).getUint32(0));
    this.at.push(now);
  }
  handleTimeout(): void {}
  pollTransmit(): SimTransmit | undefined {
    return undefined;
  }
  pollTimeout(): Millis | undefined {
    return undefined;
  }
}

export const A: TransportAddr = { address: "10.0.0.1", port: 5000 };
export const B: TransportAddr = { address: "198.51.100.2", port: 6000 };
export const C: TransportAddr = { address: "198.51.100.3", port: 7000 };

import { SctpAssociation, type SctpAssociationOptions, type SctpEvent } from "../../src/index.js";
import { Prng } from "./prng.js";
import { type RunLimits, type RunResult, SimDriver, type SimHost } from "./sim-driver.js";
import { type LinkDirectionConfig, SimLink } from "./sim-link.js";

export interface ReceivedMessage {
  readonly at: number;
  readonly streamId: number;
  readonly ppid: number;
  readonly data: Uint8Array;
  readonly unordered: boolean;
}

/** One side: the association, the events it gave, and whether its application is reading. */
export class SctpSide implements SimHost {
  #endpoint: SctpAssociation;
  readonly events: SctpEvent[] = [];
  readonly messages: ReceivedMessage[] = [];
  /** An application that stops reading leaves events (and their bytes) in the association. */
  reading = true;
  /** Called after every input, once events are drained: the application's turn to send more. */
  onTurn: ((now: number) => void) | undefined;

  constructor(
    readonly name: string,
    options: SctpAssociationOptions,
  ) {
    this.#endpoint = new SctpAssociation(options);
  }

  get endpoint(): SctpAssociation {
    return this.#endpoint;
  }

  /** The side "restarts": a fresh association takes its place (its events start over). */
  replace(options: SctpAssociationOptions): SctpAssociation {
    this.#endpoint = new SctpAssociation(options);
    this.events.length = 0;
    return this.#endpoint;
  }

  afterInput(now: number): void {
    if (this.reading) this.drain(now);
    this.onTurn?.(now);
  }

  drain(now: number): void {
    for (let e = this.endpoint.pollEvent(); e !== undefined; e = this.endpoint.pollEvent()) {
      if (e.kind === "message") {
        this.messages.push({
          at: now,
          streamId: e.streamId,
          ppid: e.ppid,
          data: e.data,
          unordered: e.unordered,
        });
      } else {
        this.events.push(e);
      }
    }
  }

  has(kind: SctpEvent["kind"]): boolean {
    return this.events.some((e) => e.kind === kind);
  }

  event<K extends SctpEvent["kind"]>(kind: K): Extract<SctpEvent, { kind: K }> | undefined {
    return this.events.find((e): e is Extract<SctpEvent, { kind: K }> => e.kind === kind);
  }
}

export interface PairConfig {
  readonly seed: number;
  readonly link?: LinkDirectionConfig;
  /** B → A, when it differs from `link`. */
  readonly linkBack?: LinkDirectionConfig;
  readonly a?: Partial<SctpAssociationOptions>;
  readonly b?: Partial<SctpAssociationOptions>;
}

/** Two associations over a seeded simulated link on a manual clock (test/sim/sim-driver.ts). */
export class SctpPair {
  readonly prng: Prng;
  readonly link: SimLink;
  readonly a: SctpSide;
  readonly b: SctpSide;
  readonly driver: SimDriver;

  constructor(config: PairConfig) {
    this.prng = new Prng(config.seed);
    const linkPrng = this.prng.fork();
    const ra = this.prng.fork();
    const rb = this.prng.fork();
    this.link = new SimLink(linkPrng, config.link ?? {}, config.linkBack ?? config.link ?? {});
    this.a = new SctpSide("a", { random: (n) => ra.bytes(n), ...config.a });
    this.b = new SctpSide("b", { random: (n) => rb.bytes(n), ...config.b });
    this.driver = new SimDriver(this.link, this.a, this.b);
  }

  get now(): number {
    return this.driver.now;
  }

  /** Both call `connect` at the same instant (WebRTC's case), then run until both are connected. */
  connectBoth(limits?: RunLimits): RunResult {
    this.a.endpoint.connect(this.now);
    this.b.endpoint.connect(this.now);
    this.driver.flush();
    return this.runUntil(() => this.a.has("connected") && this.b.has("connected"), limits);
  }

  runUntil(goal: () => boolean, limits?: RunLimits): RunResult {
    return this.driver.runUntil(goal, limits);
  }

  runFor(ms: number): RunResult {
    return this.driver.runFor(ms);
  }

  /** Sends on `side` at the current time and hands its packets to the link. */
  send(
    side: SctpSide,
    streamId: number,
    data: Uint8Array,
    options?: Parameters<SctpAssociation["send"]>[4],
    ppid = 53,
  ): void {
    side.endpoint.send(this.now, streamId, ppid, data, options);
    this.driver.flush();
  }
}

/** Deterministic bytes for message `i` of length `n` (checkable on arrival). */
export function pattern(i: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = (i * 2654435761) >>> 0;
  for (let k = 0; k < n; k++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    b[k] = x >>> 24;
  }
  return b;
}

/** Byte equality without vitest's element-by-element deep compare (slow on large arrays). */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return (
    a !== undefined &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    )
  );
}

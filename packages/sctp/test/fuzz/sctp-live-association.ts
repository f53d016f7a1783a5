/**
 * The `sctp-association-live` fuzz target: an SctpAssociation ("e", under test) and its real peer ("p")
 * on a manual clock, two FIFO queues between them. The pair is driven into one of six states, then e is
 * fed hostile packets between the real ones, then the pair runs to a goal with a step bound.
 *
 * Input: byte 0 picks the state (`LIVE_STATES[b % 6]`); byte 1 bit 0: one real packet each way is
 * delivered after each hostile one; then u16-length-prefixed hostile packets, each led by a mode octet
 * (mode % 4): 0 the bytes as they are; 1 the bytes are chunks, sent under e's verification tag with a
 * correct CRC32c; 2 the same under a zero checksum (RFC 9653); 3 under the peer's tag (the T bit's tag).
 * Modes 1-3 get mutated chunks of real packets past the common header checks.
 *
 * Invariants (what the machine guarantees, src/machine/inbound-packet.ts and association.ts):
 * - nothing throws, and the guard in handlePacket / handleTimeout caught nothing (`internal-error` 0);
 * - `pollTimeout()` is undefined or a finite number;
 * - memory is bounded: bytes held for reassembly within `reassemblyLimitBytes`, queued and in-flight
 *   bytes within `sendBufferBytes`, receive streams within the inbound streams we allow;
 * - at most one `closed` / `failed` event;
 * - when no hostile packet could pass the common header checks (CRC32c or accepted zero checksum, ports,
 *   and a tag e knows), the hostile packets changed nothing: the handshake completes, every message in
 *   flight and one sent afterwards by the peer arrive intact and in order (or, in the shutdown states,
 *   the graceful shutdown completes after e's messages are delivered), within the step bound.
 *   A packet that passes those checks is, over DTLS, one the peer sent: it may legitimately end or
 *   change the association (ABORT, SHUTDOWN, data under the peer's TSNs), so then only the bounds hold.
 */
import { FuzzInvariantError, joinChunks, splitChunks } from "@tern/test-support";
import {
  type Chunk,
  crc32c,
  decodeSctpPacket,
  encodeSctpPacket,
  SctpAssociation,
  type SctpAssociationOptions,
  type SctpEvent,
  SctpUsageError,
} from "../../src/index.js";
import { Prng } from "../sim/prng.js";

export const LIVE_STATES = [
  "cookie-wait",
  "cookie-echoed",
  "established",
  "shutdown-pending",
  "shutdown-sent",
  "shutdown-received",
] as const;
type LiveState = (typeof LIVE_STATES)[number];

const STREAMS = 16;
const OPTIONS = {
  receiveWindowBytes: 65536,
  maxReceiveMessageSize: 65536,
  sendBufferBytes: 1 << 20,
  maxInboundStreams: STREAMS,
  maxOutboundStreams: STREAMS,
  rtoInitialMs: 300,
  maxInitRetransmits: 4,
  maxRetransmissions: 6,
} satisfies Partial<SctpAssociationOptions>;
const REASSEMBLY_LIMIT = 2 * OPTIONS.receiveWindowBytes + OPTIONS.maxReceiveMessageSize;

/** Messages in flight when the hostile packets come (e → p on stream 1, p → e on stream 2). */
function bytes(n: number, salt: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = (salt * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}
const E_SENDS = [bytes(100, 1), bytes(3000, 2), bytes(10, 3)];
const P_SENDS = [bytes(200, 4), bytes(2500, 5)];
const AFTER = bytes(700, 6);

interface Side {
  readonly a: SctpAssociation;
  readonly messages: { streamId: number; ppid: number; data: Uint8Array }[];
  ends: number;
  closedGracefully: boolean;
}

class LivePair {
  readonly e: Side;
  readonly p: Side;
  now = 0;
  toE: Uint8Array[] = [];
  toP: Uint8Array[] = [];
  /** Verification tags each side chose (INIT / INIT ACK Initiate Tag), seen on the wire. */
  readonly eTags = new Set<number>();
  readonly pTags = new Set<number>();
  /** Real packets p sent to e (for seeds). */
  readonly recorded: Uint8Array[] = [];
  record = false;

  constructor() {
    const re = new Prng(11);
    const rp = new Prng(12);
    this.e = this.#side(new SctpAssociation({ ...OPTIONS, random: (n) => re.bytes(n) }));
    this.p = this.#side(new SctpAssociation({ ...OPTIONS, random: (n) => rp.bytes(n) }));
  }

  #side(a: SctpAssociation): Side {
    return { a, messages: [], ends: 0, closedGracefully: false };
  }

  /** Drains both sides' packets into the queues and their events, checking e's invariants. */
  pump(): void {
    for (let d = this.e.a.pollTransmit(); d; d = this.e.a.pollTransmit()) {
      const copy = d.slice();
      this.#learnTags(copy, this.eTags);
      this.toP.push(copy);
    }
    for (let d = this.p.a.pollTransmit(); d; d = this.p.a.pollTransmit()) {
      const copy = d.slice();
      this.#learnTags(copy, this.pTags);
      if (this.record) this.recorded.push(copy);
      this.toE.push(copy);
    }
    drainEvents(this.e);
    drainEvents(this.p);
    checkBounds(this.e.a);
  }

  #learnTags(packet: Uint8Array, into: Set<number>): void {
    const d = decodeSctpPacket(packet, { verifyChecksum: false });
    if (!d.ok) return;
    for (const c of d.value.chunks) if (c.type === "init" || c.type === "init-ack") into.add(c.initiateTag);
  }

  deliverToE(packet: Uint8Array): void {
    this.e.a.handlePacket(this.now, packet);
    this.pump();
  }

  deliverToP(packet: Uint8Array): void {
    this.p.a.handlePacket(this.now, packet);
    this.pump();
  }

  /** Delivers whatever is queued, else jumps to the earliest timer; true once `goal` holds. */
  runUntil(goal: () => boolean, maxSteps: number): boolean {
    for (let step = 0; step < maxSteps; step++) {
      this.pump();
      if (goal()) return true;
      if (this.toE.length > 0 || this.toP.length > 0) {
        const toE = this.toE;
        const toP = this.toP;
        this.toE = [];
        this.toP = [];
        for (const d of toP) this.p.a.handlePacket(this.now, d);
        for (const d of toE) this.e.a.handlePacket(this.now, d);
        continue;
      }
      const t = earliest(this.e.a.pollTimeout(), this.p.a.pollTimeout());
      if (t === undefined) return goal();
      this.now = Math.max(this.now, t);
      this.e.a.handleTimeout(this.now);
      this.p.a.handleTimeout(this.now);
    }
    this.pump();
    return goal();
  }

  /** Hands `n` queued packets of one direction over (the oldest first). */
  deliverQueued(dir: "toE" | "toP", n: number): void {
    for (let i = 0; i < n; i++) {
      const d = this[dir].shift();
      if (d === undefined) return;
      if (dir === "toE") this.deliverToE(d);
      else this.deliverToP(d);
    }
  }
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function drainEvents(s: Side): void {
  for (let ev: SctpEvent | undefined = s.a.pollEvent(); ev; ev = s.a.pollEvent()) {
    if (ev.kind === "message")
      s.messages.push({ streamId: ev.streamId, ppid: ev.ppid, data: ev.data.slice() });
    else if (ev.kind === "closed" || ev.kind === "failed") {
      s.ends++;
      if (ev.kind === "closed" && ev.reason === "shutdown") s.closedGracefully = true;
      if (ev.kind === "failed" && ev.error.code === "internal-error")
        throw new FuzzInvariantError(`the association's guard caught a bug: ${ev.error.cause}`);
      if (s.ends > 1) throw new FuzzInvariantError("a second closed/failed event");
    }
  }
}

function checkBounds(a: SctpAssociation): void {
  if ((a.counters["internal-error"] ?? 0) > 0)
    throw new FuzzInvariantError("the association's guard caught a bug (internal-error counted)");
  const t = a.pollTimeout();
  if (t !== undefined && !Number.isFinite(t)) throw new FuzzInvariantError(`pollTimeout() is ${t}`);
  const u = a.usage();
  if (u.receiveBufferedBytes < 0 || u.receiveBufferedBytes > REASSEMBLY_LIMIT)
    throw new FuzzInvariantError(`${u.receiveBufferedBytes} bytes held, over the ${REASSEMBLY_LIMIT} cap`);
  if (u.queuedBytes < 0 || u.inFlightBytes < 0 || u.queuedBytes + u.inFlightBytes > OPTIONS.sendBufferBytes)
    throw new FuzzInvariantError(`send side holds ${u.queuedBytes} + ${u.inFlightBytes} bytes`);
  if (u.receiveStreams > STREAMS || u.sendStreams > STREAMS)
    throw new FuzzInvariantError(
      `${u.receiveStreams} receive / ${u.sendStreams} send streams, over ${STREAMS}`,
    );
}

function isChunk<K extends Chunk["type"]>(packet: Uint8Array, type: K): boolean {
  const d = decodeSctpPacket(packet, { verifyChecksum: false });
  return d.ok && d.value.chunks.some((c) => c.type === type);
}

/** Drives a fresh pair into `state`; e's and p's messages of the scenario are queued, not delivered. */
function setUp(state: LiveState, record = false): LivePair {
  const pair = new LivePair();
  pair.record = record;
  pair.e.a.connect(0);
  pair.p.a.connect(0);
  pair.pump();
  if (state === "cookie-wait") return expectState(pair, state);
  // e's INIT reaches p, whose INIT ACK (not its own INIT, still queued) reaches e: e echoes the cookie
  pair.deliverQueued("toP", pair.toP.length);
  const ack = pair.toE.findIndex((d) => isChunk(d, "init-ack"));
  const [initAck] = pair.toE.splice(ack, 1);
  if (initAck === undefined) throw new FuzzInvariantError("the real peer sent no INIT ACK");
  pair.deliverToE(initAck);
  if (state === "cookie-echoed") return expectState(pair, state);
  const up = () => pair.e.a.state === "established" && pair.p.a.state === "established";
  if (!pair.runUntil(up, 200)) throw new FuzzInvariantError("the real handshake did not complete");
  const eSends = () => {
    for (const [i, d] of E_SENDS.entries()) pair.e.a.send(pair.now, 1, 53, d, { unordered: i === 2 });
  };
  for (const d of P_SENDS) pair.p.a.send(pair.now, 2, 51, d);
  if (state === "shutdown-received") {
    // p's data is delivered and acknowledged; then its SHUTDOWN reaches e with e's data still in flight
    pair.runUntil(
      () => pair.e.messages.length === P_SENDS.length && pair.p.a.usage().inFlightBytes === 0,
      200,
    );
    eSends();
    pair.pump();
    pair.p.a.shutdown(pair.now);
    pair.pump();
    pair.deliverQueued("toE", pair.toE.length);
    return expectState(pair, state);
  }
  eSends();
  pair.pump();
  if (state === "established") return expectState(pair, state);
  if (state === "shutdown-pending") {
    pair.e.a.shutdown(pair.now);
    pair.pump();
    return expectState(pair, state);
  }
  // shutdown-sent: everything delivered and acknowledged, then e's SHUTDOWN is on its way
  pair.runUntil(
    () =>
      pair.e.messages.length === P_SENDS.length &&
      pair.p.messages.length === E_SENDS.length &&
      pair.e.a.usage().inFlightBytes === 0,
    400,
  );
  pair.e.a.shutdown(pair.now);
  pair.pump();
  return expectState(pair, state);
}

function expectState(pair: LivePair, state: LiveState): LivePair {
  if (pair.e.a.state !== state)
    throw new FuzzInvariantError(`set-up reached ${pair.e.a.state}, not ${state}`);
  return pair;
}

/** True when e could take `packet` past its common header checks (a superset of what it accepts). */
function passesHeaderChecks(pair: LivePair, packet: Uint8Array): boolean {
  const d = decodeSctpPacket(packet, { acceptZeroChecksum: true });
  if (!d.ok || d.value.sourcePort !== 5000 || d.value.destinationPort !== 5000) return false;
  const tag = d.value.verificationTag;
  const first = d.value.chunks[0]?.type;
  return tag === 0 || pair.eTags.has(tag) || pair.pTags.has(tag) || first === "cookie-echo";
}

function hostilePacket(pair: LivePair, chunk: Uint8Array): Uint8Array {
  const mode = (chunk[0] ?? 0) % 4;
  const body = chunk.subarray(1);
  if (mode === 0) return body.slice();
  const tags = mode === 3 ? pair.pTags : pair.eTags;
  const tag = tags.values().next().value ?? 0;
  const out = new Uint8Array(12 + body.length);
  out.set([0x13, 0x88, 0x13, 0x88], 0);
  new DataView(out.buffer).setUint32(4, tag);
  out.set(body, 12);
  if (mode === 2 || body.length === 0) return out;
  // a correct CRC32c: encode the decoded chunks when they decode, else compute it over the raw chunks
  const d = decodeSctpPacket(out, { verifyChecksum: false });
  if (d.ok)
    return encodeSctpPacket({
      sourcePort: 5000,
      destinationPort: 5000,
      verificationTag: tag,
      chunks: d.value.chunks,
    });
  return withCrc(out);
}

function withCrc(p: Uint8Array): Uint8Array {
  p.fill(0, 8, 12);
  const c = crc32c(p);
  p[8] = c & 0xff;
  p[9] = (c >>> 8) & 0xff;
  p[10] = (c >>> 16) & 0xff;
  p[11] = c >>> 24;
  return p;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.from(a).equals(Buffer.from(b));
}

export function runLiveAssociation(input: Uint8Array): void {
  const state = LIVE_STATES[(input[0] ?? 0) % LIVE_STATES.length] ?? "established";
  const interleave = ((input[1] ?? 0) & 1) === 1;
  const pair = setUp(state);
  let accepted = false;
  for (const chunk of splitChunks(input, 2, 48)) {
    pair.now += 1;
    const hostile = hostilePacket(pair, chunk);
    if (passesHeaderChecks(pair, hostile)) accepted = true;
    pair.deliverToE(hostile);
    if (interleave) {
      pair.deliverQueued("toE", 1);
      pair.deliverQueued("toP", 1);
    }
  }
  const strict = !accepted;
  const ended = () => pair.e.ends > 0;
  if (state.startsWith("shutdown")) {
    const done = () => ended() && pair.p.ends > 0;
    const ok = pair.runUntil(done, 2000);
    if (!strict) return;
    if (!ok || !pair.e.closedGracefully)
      throw new FuzzInvariantError(
        `the shutdown did not complete after rejected packets (e ${pair.e.a.state})`,
      );
    // e's messages, in flight when it began to shut down, were delivered first (RFC 9260 §9.2)
    checkMessages(pair.p.messages, 1, E_SENDS);
    return;
  }
  const up = () => ended() || (pair.e.a.state === "established" && pair.p.a.state === "established");
  if (!pair.runUntil(up, 1000)) {
    if (strict) throw new FuzzInvariantError(`not established after rejected packets (e ${pair.e.a.state})`);
    return;
  }
  if (ended()) {
    if (strict) throw new FuzzInvariantError("the association ended after rejected packets");
    return;
  }
  try {
    if (state === "established") {
      // what e's peer already had in flight arrives first
      pair.p.a.send(pair.now, 2, 51, AFTER);
    } else {
      for (const d of P_SENDS) pair.p.a.send(pair.now, 2, 51, d);
      pair.p.a.send(pair.now, 2, 51, AFTER);
      for (const [i, d] of E_SENDS.entries()) pair.e.a.send(pair.now, 1, 53, d, { unordered: i === 2 });
    }
  } catch (err) {
    // a hostile INIT ACK (under e's tag, as the peer could send it) may have left fewer streams
    if (!strict && err instanceof SctpUsageError) return;
    throw err;
  }
  const expected = [...P_SENDS, AFTER];
  const delivered = () =>
    ended() || (pair.e.messages.length >= expected.length && pair.p.messages.length >= E_SENDS.length);
  const ok = pair.runUntil(delivered, 2000);
  if (!strict) return;
  if (!ok || ended())
    throw new FuzzInvariantError("the peer's messages did not all arrive after rejected packets");
  checkMessages(pair.e.messages, 2, expected);
  checkMessages(pair.p.messages, 1, E_SENDS);
}

function checkMessages(
  got: readonly { streamId: number; data: Uint8Array }[],
  streamId: number,
  want: readonly Uint8Array[],
): void {
  if (got.length !== want.length) throw new FuzzInvariantError(`${got.length} messages, not ${want.length}`);
  // the unordered one may come anywhere: compare as a multiset, and the ordered ones in order
  const ordered = got.filter((m) => m.data.length !== E_SENDS[2]?.length);
  const wantOrdered = want.filter((d) => d.length !== E_SENDS[2]?.length);
  for (const [i, d] of wantOrdered.entries())
    if (!sameBytes(ordered[i]?.data, d) || ordered[i]?.streamId !== streamId)
      throw new FuzzInvariantError(`message ${i} on stream ${streamId} is not what was sent`);
  if (got.length !== ordered.length + (want.length - wantOrdered.length))
    throw new FuzzInvariantError("an unordered message is missing or doubled");
}

/**
 * Seeds: for each state, the real packets p sends to e after the set-up, as chunks (modes 1 and 2) and
 * as they are (mode 0), with and without interleaving. `packets`: every real packet seen (for the
 * packet decoder's seeds).
 */
let seedsMemo: { inputs: Uint8Array[]; packets: Uint8Array[] } | undefined;
export function liveSeeds(): { inputs: Uint8Array[]; packets: Uint8Array[] } {
  if (seedsMemo) return seedsMemo;
  const inputs: Uint8Array[] = [];
  const packets: Uint8Array[] = [];
  for (const [s, state] of LIVE_STATES.entries()) {
    const pair = setUp(state, true);
    pair.runUntil(() => pair.e.ends > 0 && pair.p.ends > 0, 300);
    const real = pair.recorded.slice(0, 24);
    packets.push(...real);
    const asChunks = (mode: number) => real.map((d) => Uint8Array.of(mode, ...d.subarray(12)));
    inputs.push(
      joinChunks(asChunks(1), [s, 0]),
      joinChunks(asChunks(2), [s, 1]),
      joinChunks(
        real.map((d) => Uint8Array.of(0, ...d)),
        [s, 1],
      ),
    );
  }
  seedsMemo = { inputs, packets };
  return seedsMemo;
}

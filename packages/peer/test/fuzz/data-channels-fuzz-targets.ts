/**
 * Fuzz target of @tern/peer's data channels (`pnpm fuzz`, replayed by `pnpm test`): two `DataChannels`
 * machines, "a" and "b" (under test), on one SCTP association, with three channels opened by a over DCEP
 * and one by b, all open. Then a's association underneath plays a broken peer (as the data-channels
 * simulation does): hostile SCTP user messages, DCEP (PPID 50) or not, with mutated PPIDs and payloads on
 * the channels' streams and on free ones, between real messages.
 *
 * The SCTP packets go from one machine to the other directly (no DTLS: the DTLS record layer has its own
 * targets in @tern/dtls-srtp; here each input would pay for a DTLS handshake).
 *
 * Input: u16-length-prefixed messages, each: octet 0 picks the stream (`STREAMS`), octet 1 the PPID
 * (`PPIDS`, or the next four octets as a raw PPID when it picks the last entry), the rest is the payload.
 * Invariants: nothing throws out of b; b's association stays up; a message on a stream closes at most
 * the channel on that stream (a channel on a stream no hostile message touched stays open on both sides
 * and still delivers a real message each way at the end); b's channels stay within what a could open.
 */

import { SctpUsageError } from "@tern/sctp";
import { FuzzInvariantError, type FuzzTarget, joinChunks, splitChunks } from "@tern/test-support";
import {
  type DataChannelState,
  DataChannels,
  type DataChannelsEvent,
} from "../../src/machine/data-channels.js";

/** Streams a hostile message goes to: a's channels 0, 2, 4, b's channel 1, free ids of each parity, the top id. */
const STREAMS = [0, 2, 4, 1, 6, 3, 8, 65534] as const;
/** DCEP, string, binary, the empty forms, the deprecated partial ones, none, and a raw 32-bit value. */
const PPIDS = [50, 51, 53, 56, 57, 52, 54, 0, -1] as const;
const PARAMS = { localPort: 5000, remotePort: 5000, localMaxMessageSize: 65536, remoteMaxMessageSize: 65536 };

function seeded(seed: number): (n: number) => Uint8Array {
  let s = seed >>> 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = Math.imul(s ^ (s >>> 15), s | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      out[i] = (t ^ (t >>> 14)) >>> 24;
    }
    return out;
  };
}

interface Side {
  readonly dc: DataChannels;
  readonly events: DataChannelsEvent[];
}

class DirectPair {
  readonly a: Side = { dc: new DataChannels({ random: seeded(1), sctp: { rtoInitialMs: 300 } }), events: [] };
  readonly b: Side = { dc: new DataChannels({ random: seeded(2), sctp: { rtoInitialMs: 300 } }), events: [] };
  now = 0;

  constructor() {
    this.a.dc.start(0, "client", PARAMS);
    this.b.dc.start(0, "server", PARAMS);
  }

  /** Delivers packets both ways until both are quiet, else jumps to the earliest timer; true at `goal`. */
  runUntil(goal: () => boolean, maxSteps: number): boolean {
    for (let step = 0; step < maxSteps; step++) {
      let moved = false;
      for (let d = this.a.dc.pollTransmit(); d; d = this.a.dc.pollTransmit()) {
        this.b.dc.handlePacket(this.now, d.slice());
        moved = true;
      }
      for (let d = this.b.dc.pollTransmit(); d; d = this.b.dc.pollTransmit()) {
        this.a.dc.handlePacket(this.now, d.slice());
        moved = true;
      }
      drain(this.a);
      drain(this.b);
      if (goal()) return true;
      if (moved) continue;
      const ta = this.a.dc.pollTimeout();
      const tb = this.b.dc.pollTimeout();
      const t = ta === undefined ? tb : tb === undefined ? ta : Math.min(ta, tb);
      if (t === undefined) return goal();
      if (!Number.isFinite(t)) throw new FuzzInvariantError(`pollTimeout() is ${t}`);
      this.now = Math.max(this.now, t);
      this.a.dc.handleTimeout(this.now);
      this.b.dc.handleTimeout(this.now);
    }
    return goal();
  }

  of<K extends DataChannelsEvent["kind"]>(side: Side, kind: K): Extract<DataChannelsEvent, { kind: K }>[] {
    return side.events.filter((e): e is Extract<DataChannelsEvent, { kind: K }> => e.kind === kind);
  }
}

function drain(s: Side): void {
  for (let e = s.dc.pollEvent(); e; e = s.dc.pollEvent()) s.events.push(e);
}

const channelInit = (label: string) => ({
  label,
  protocol: "",
  ordered: true,
  maxRetransmits: null,
  maxPacketLifeTime: null,
  negotiated: false,
  id: null,
  priority: "low" as const,
});

interface Open {
  readonly pair: DirectPair;
  /** Channel on stream id → [a's end, b's end]. */
  readonly byId: Map<number, [DataChannelState, DataChannelState]>;
}

function openPair(): Open {
  const pair = new DirectPair();
  const up = () => pair.a.dc.state === "connected" && pair.b.dc.state === "connected";
  if (!pair.runUntil(up, 200)) throw new FuzzInvariantError("the association did not come up");
  const fromA = ["x", "y", "z"].map((l) => pair.a.dc.createChannel(channelInit(l)));
  const fromB = pair.b.dc.createChannel(channelInit("w"));
  const opened = () =>
    pair.of(pair.b, "remote-channel").length === 3 && pair.of(pair.a, "remote-channel").length === 1;
  if (!pair.runUntil(opened, 200)) throw new FuzzInvariantError("the channels did not open");
  const byId = new Map<number, [DataChannelState, DataChannelState]>();
  for (const c of fromA) {
    const far = pair.of(pair.b, "remote-channel").find((e) => e.channel.id === c.id)?.channel;
    if (far && c.id !== null) byId.set(c.id, [c, far]);
  }
  const far = pair.of(pair.a, "remote-channel")[0]?.channel;
  if (far && fromB.id !== null) byId.set(fromB.id, [far, fromB]);
  if (
    byId.size !== 4 ||
    [...byId.values()].some(([x, y]) => x.readyState !== "open" || y.readyState !== "open")
  )
    throw new FuzzInvariantError("set-up: not four open channels");
  return { pair, byId };
}

function runDataChannels(input: Uint8Array): void {
  const { pair, byId } = openPair();
  const raw = pair.a.dc.association;
  if (raw === undefined) throw new FuzzInvariantError("no association");
  const touched = new Set<number>();
  let real = 0;
  for (const m of splitChunks(input, 0, 32)) {
    const stream = STREAMS[(m[0] ?? 0) % STREAMS.length] ?? 0;
    const pick = PPIDS[(m[1] ?? 0) % PPIDS.length] ?? 50;
    const rawPpid = m.length >= 6 ? new DataView(m.buffer, m.byteOffset, m.byteLength).getUint32(2) : 0;
    const ppid = pick >= 0 ? pick : rawPpid;
    const payload = (pick >= 0 ? m.subarray(2) : m.subarray(6)).slice();
    if (payload.length === 0 || raw.state !== "established") continue;
    try {
      raw.send(pair.now, stream, ppid, payload);
    } catch (e) {
      // a's own API refusing (the stream is being reset after a closed channel): not b's doing
      if (e instanceof SctpUsageError) continue;
      throw e;
    }
    touched.add(stream);
    // a real message on an untouched channel between the hostile ones
    const fine = [...byId].find(([id, [x]]) => !touched.has(id) && x.readyState === "open");
    if (fine) {
      pair.a.dc.send(pair.now, fine[1][0], Uint8Array.of(real++ & 0xff), true);
    }
    pair.runUntil(() => false, 20);
    const closedNow = [...byId].filter(([, [, y]]) => y.readyState !== "open").map(([id]) => id);
    for (const id of closedNow)
      if (!touched.has(id))
        throw new FuzzInvariantError(`channel ${id} closed though no message went to its stream`);
  }
  pair.runUntil(() => false, 200);
  if (pair.b.dc.state !== "connected") throw new FuzzInvariantError(`b's transport is ${pair.b.dc.state}`);
  if (pair.b.dc.association?.state !== "established") throw new FuzzInvariantError("b's association ended");
  if (pair.of(pair.b, "remote-channel").length > 3 + touched.size)
    throw new FuzzInvariantError("more remote channels than opens");
  // every untouched channel still carries a message each way
  const untouched = [...byId].filter(([id]) => !touched.has(id));
  const before = new Map(
    untouched.map(([id, [x, y]]) => [id, [x.counters.messagesReceived, y.counters.messagesReceived]]),
  );
  for (const [id, [x, y]] of untouched) {
    if (x.readyState !== "open" || y.readyState !== "open")
      throw new FuzzInvariantError(`untouched channel ${id} is ${x.readyState} / ${y.readyState}`);
    pair.a.dc.send(pair.now, x, Uint8Array.of(1, 2, 3), true);
    pair.b.dc.send(pair.now, y, new TextEncoder().encode("still here"), false);
  }
  const arrived = () =>
    untouched.every(([id, [x, y]]) => {
      const [rx, ry] = before.get(id) ?? [0, 0];
      return x.counters.messagesReceived > (rx ?? 0) && y.counters.messagesReceived > (ry ?? 0);
    });
  if (!pair.runUntil(arrived, 400)) throw new FuzzInvariantError("an untouched channel no longer delivers");
}

function seeds(): Uint8Array[] {
  const open = (label: string, type = 0) => {
    const l = new TextEncoder().encode(label);
    return Uint8Array.of(0x03, type, 1, 0, 0, 0, 0, 0, 0, l.length, 0, 0, ...l);
  };
  const msg = (stream: number, ppid: number, payload: Uint8Array) => Uint8Array.of(stream, ppid, ...payload);
  return [
    // OPEN on a free stream of each parity, on a stream in use, ACK, a truncated OPEN, unknown type
    joinChunks([msg(4, 0, open("evil")), msg(5, 0, open("ours")), msg(2, 0, open("dup"))]),
    joinChunks([
      msg(0, 0, Uint8Array.of(0x02)),
      msg(3, 0, Uint8Array.of(0x03, 0, 1)),
      msg(6, 0, Uint8Array.of(7)),
    ]),
    // user messages with every PPID, on channels and on free streams
    joinChunks([
      msg(0, 1, new TextEncoder().encode("hi")),
      msg(1, 2, Uint8Array.of(1, 2)),
      msg(4, 3, Uint8Array.of(0)),
    ]),
    joinChunks([
      msg(2, 4, Uint8Array.of(0)),
      msg(1, 5, Uint8Array.of(9)),
      msg(6, 6, Uint8Array.of(9)),
      msg(7, 7, Uint8Array.of(1)),
    ]),
    joinChunks([msg(0, 8, Uint8Array.of(0, 0, 0, 50, 0x03, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))]),
    joinChunks([msg(0, 1, new Uint8Array([0xff, 0xfe])), msg(2, 0, open("ünï ✓", 0x82))]),
  ];
}

export function fuzzTargets(): FuzzTarget[] {
  return [{ name: "data-channels-live", run: runDataChannels, seeds, maxInputBytes: 4096 }];
}

/**
 * Fuzz targets of @tern/signaling (`pnpm fuzz`, replayed by `pnpm test`): every decoder of untrusted text —
 * client frames, server messages (clients do not trust servers either), the Redis bus envelopes and
 * backlog entries — and a live relay fed a sequence of frames, closes, pongs and clock steps from three
 * connections, two of them honest peers in a room.
 *
 * `run` throws only on a bug: a decoder that throws, something that decodes but does not re-encode to the
 * same message, a relay that throws or sends anything outside the server schema. Seeds: every message type
 * of the protocol, and the hostile shapes of issue 18 (a 30,000-deep array, 3,000 keys).
 *
 * The target shape is the campaign's `FuzzTarget` (`@tern/test-support`), written out here so this
 * package's tests stand alone.
 */
import {
  type ConnId,
  decodeClientMessage,
  decodeServerMessage,
  encodeClientMessage,
  encodeServerMessage,
  SignalingRelay,
} from "../../src/index.js";
import { decodeBacklogMessage, decodeBusEnvelope } from "../../src/wire/bus-envelope.js";

export interface FuzzTarget {
  readonly name: string;
  run(input: Uint8Array): void;
  seeds?(): readonly Uint8Array[];
  readonly maxInputBytes?: number;
}

export class FuzzInvariantError extends Error {
  override readonly name = "FuzzInvariantError";
}

const MAX = 64 * 1024;
const utf8 = new TextDecoder();
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const json = (v: unknown): Uint8Array => enc(JSON.stringify(v));

/** Reads a big-endian u16 length-prefixed sequence of chunks; a short tail is the last chunk. */
function splitChunks(input: Uint8Array, maxChunks = 64): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < input.length && out.length < maxChunks) {
    if (at + 2 > input.length) {
      out.push(input.subarray(at));
      break;
    }
    const n = ((input[at] ?? 0) << 8) | (input[at + 1] ?? 0);
    const end = Math.min(input.length, at + 2 + n);
    out.push(input.subarray(at + 2, end));
    at = end;
  }
  return out;
}

function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + 2 + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out[at] = c.length >> 8;
    out[at + 1] = c.length & 0xff;
    out.set(c, at + 2);
    at += 2 + c.length;
  }
  return out;
}

const candidate = {
  candidate: "candidate:1 1 udp 2130706431 127.0.0.1 9 typ host",
  sdpMid: "0",
  sdpMLineIndex: 0,
};
const SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";

/** One of every client message, addressed to the honest peer "p2" of the live target. */
const CLIENT_SEEDS: readonly unknown[] = [
  {
    type: "hello",
    id: "h",
    token: "t",
    name: "n",
    resume: { peerId: "0123456789abcdef", secret: "s", lastSeq: "1-0" },
  },
  { type: "join", id: "j", room: "r", name: "n" },
  { type: "leave", room: "r" },
  { type: "offer", room: "r", to: "p2", sdp: SDP },
  { type: "answer", room: "r", to: "p2", sdp: SDP },
  { type: "candidate", room: "r", to: "p2", candidate },
  { type: "candidate", room: "r", to: "p2", candidate: null },
  { type: "end-of-candidates", room: "r", to: "p2" },
  { type: "bye", room: "r", to: "p2", reason: "done" },
];
const HOSTILE_SEEDS: readonly string[] = [
  `${"[".repeat(30_000)}${"]".repeat(30_000)}`,
  `{${Array.from({ length: 3000 }, (_, i) => `"k${i}":0`).join(",")}}`,
  '{"type":"offer","room":"r","to":"p2","sdp":"\\ud800"}',
  '{"type":"join","room":"r","__proto__":{"x":1}}',
];

function runClientMessage(input: Uint8Array): void {
  const d = decodeClientMessage(input, false, MAX);
  if (decodeClientMessage(input, true, MAX).ok) throw new FuzzInvariantError("a binary frame decoded");
  if (!d.ok) return;
  const again = decodeClientMessage(enc(encodeClientMessage(d.value)), false, MAX);
  if (!again.ok) throw new FuzzInvariantError(`re-encoded message refused: ${again.error.message}`);
  if (JSON.stringify(again.value) !== JSON.stringify(d.value))
    throw new FuzzInvariantError("re-encoded message differs");
}

function runServerMessage(input: Uint8Array): void {
  const d = decodeServerMessage(utf8.decode(input));
  if (!d.ok) return;
  const again = decodeServerMessage(encodeServerMessage(d.value));
  if (!again.ok || JSON.stringify(again.value) !== JSON.stringify(d.value))
    throw new FuzzInvariantError("re-encoded server message differs or is refused");
}

function runBus(input: Uint8Array): void {
  const text = utf8.decode(input);
  decodeBusEnvelope(text);
  decodeBacklogMessage(text);
}

/**
 * A live relay: connections 1 and 2 are honest peers in room "r"; connection 3 is the fuzzer's. Each
 * chunk's first byte picks the action (bits 2–4): a frame or a binary frame from the fuzzer's connection,
 * a pong, a close and reopen (of any connection: low 2 bits), or a clock step of up to 64 s (the honest
 * peers answer the heartbeat). After each, every transmit must decode as a server message. At the end,
 * unless the input closed one of them, the honest peers are still in their room and an offer from one
 * still reaches the other: nothing the fuzzer's connection sends can break other peers.
 */
function runRelay(input: Uint8Array): void {
  let k = 0;
  const relay = new SignalingRelay({
    random: (n) => Uint8Array.from({ length: n }, () => k++ & 0xff),
    secretEquals: (a, b) => a === b,
    heartbeatMs: 10_000,
    resumeGraceMs: 30_000,
    limits: { roomsPerConnection: 4, peersPerRoom: 4 },
  });
  let now = 0;
  const received = new Map<ConnId, string[]>();
  const check = (): void => {
    for (let t = relay.pollTransmit(); t !== undefined; t = relay.pollTransmit()) {
      const d = decodeServerMessage(t.data);
      if (!d.ok) throw new FuzzInvariantError(`relay sent a message outside the schema: ${d.error.message}`);
      received.get(t.conn)?.push(t.data);
    }
    for (let e = relay.pollEvent(); e !== undefined; e = relay.pollEvent());
  };
  const open = (): ConnId => {
    const c = relay.handleOpen(now);
    if (c === undefined) throw new FuzzInvariantError("relay refused a connection under its limit");
    received.set(c, []);
    return c;
  };
  const conns: ConnId[] = [open(), open(), open()];
  for (const c of conns.slice(0, 2)) relay.handleMessage(now, c, json({ type: "join", room: "r" }), false);
  check();
  const peerIdOf = (c: ConnId): string =>
    (JSON.parse(received.get(c)?.[0] ?? "{}") as { peerId?: string }).peerId ?? "";
  let honestClosed = false;
  for (const chunk of splitChunks(input)) {
    const op = chunk[0] ?? 0;
    const which = (op & 3) % 3;
    const body = chunk.subarray(1);
    switch ((op >> 2) & 7) {
      case 0:
      case 1:
      case 2:
        relay.handleMessage(now, conns[2] as ConnId, body, false);
        break;
      case 3:
        relay.handleMessage(now, conns[2] as ConnId, body, true);
        break;
      case 4:
        relay.handlePong(now, conns[which] as ConnId);
        break;
      case 5:
        relay.handleClose(now, conns[which] as ConnId);
        if (which < 2) honestClosed = true;
        conns[which] = open();
        break;
      default:
        now += ((body[0] ?? 0) << 8) | (body[1] ?? 0);
        relay.handleTimeout(now);
        relay.handlePong(now, conns[0] as ConnId);
        relay.handlePong(now, conns[1] as ConnId);
    }
    check();
  }
  if (relay.roomSize("r") > 4) throw new FuzzInvariantError("room over its capacity");
  if (honestClosed) return;
  const [a, b] = [conns[0] as ConnId, conns[1] as ConnId];
  const before = received.get(b)?.length ?? 0;
  relay.handleMessage(now, a, json({ type: "offer", room: "r", to: peerIdOf(b), sdp: "v=0" }), false);
  check();
  const got = received.get(b)?.slice(before) ?? [];
  if (!got.some((m) => m.includes('"type":"offer"')))
    throw new FuzzInvariantError(`the honest peers no longer reach each other: ${got.join(" ")}`);
}

export function fuzzTargets(): FuzzTarget[] {
  const clientSeeds = (): Uint8Array[] => [...CLIENT_SEEDS.map(json), ...HOSTILE_SEEDS.map(enc)];
  return [
    { name: "signaling-client-message", run: runClientMessage, seeds: clientSeeds, maxInputBytes: MAX },
    {
      name: "signaling-server-message",
      run: runServerMessage,
      seeds: () => [
        json({
          type: "welcome",
          peerId: "p",
          resumeSecret: "s",
          resumed: false,
          authenticated: true,
          heartbeatMs: 0,
          maxMessageBytes: 1,
        }),
        json({ type: "joined", room: "r", peerId: "p", peers: [{ peerId: "q", name: null }] }),
        json({ type: "offer", room: "r", from: "q", sdp: SDP, seq: "1-0" }),
        json({
          type: "candidate",
          room: "r",
          from: "q",
          candidate: { ...candidate, usernameFragment: null },
        }),
        json({ type: "peer-left", room: "r", peerId: "q", reason: "timeout" }),
        json({ type: "error", code: "rate-limited", message: "m" }),
        ...HOSTILE_SEEDS.map(enc),
      ],
      maxInputBytes: MAX,
    },
    {
      name: "signaling-bus-envelope",
      run: runBus,
      seeds: () => [
        json({ t: "j", room: "r", peer: { peerId: "0123456789abcdef", name: null }, v: 1 }),
        json({ t: "m", to: "0123456789abcdef", seq: "1-0", msg: { type: "bye", room: "r", from: "q" } }),
        json({ t: "jr", req: "a1", r: "ok", peers: {} }),
        json({
          t: "cr",
          req: "a2",
          r: "resumed",
          rooms: ["r"],
          backlog: [["1-0", ["m", '{"type":"bye","room":"r","from":"q"}']]],
        }),
        ...HOSTILE_SEEDS.map(enc),
      ],
      maxInputBytes: MAX,
    },
    {
      name: "signaling-relay-live",
      run: runRelay,
      seeds: () => [
        joinChunks(CLIENT_SEEDS.map((m, i) => Uint8Array.of(i % 3, ...json(m)))),
        joinChunks([Uint8Array.of(2, ...enc(HOSTILE_SEEDS[0] as string)), Uint8Array.of(0x18, 0x40, 0)]),
        joinChunks([
          Uint8Array.of(2, ...json({ type: "join", room: "r" })),
          Uint8Array.of(0x14),
          Uint8Array.of(0x1d, 0xff, 0xff),
        ]),
      ],
      maxInputBytes: 16 * 1024,
    },
  ];
}

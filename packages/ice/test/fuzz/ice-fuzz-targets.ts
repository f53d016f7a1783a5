/**
 * Fuzz targets of @tern/ice (`pnpm fuzz`, replayed by `pnpm test`): STUN messages, TURN ChannelData and
 * stream framing, ICE candidate lines and ICE server URLs (codecs), and live machines fed sequences: an
 * ICE agent in checking state (hostile datagrams from its peer's address and others, between authentic
 * checks and responses), the STUN Binding server, and a TURN allocation driven by a scripted server.
 * Seeds: the RFC 5769 vectors and the candidate lines of the Chromium and Firefox offers in
 * `test/vectors`, and authentic messages built at load time.
 */
import { readFileSync } from "node:fs";
import { FuzzInvariantError, type FuzzTarget, joinChunks, splitChunks } from "@tern/test-support";
import { longTermKey, shortTermKey } from "../../src/crypto/stun-integrity.js";
import { IceAgent } from "../../src/machine/ice-agent.js";
import type { IceCredentials } from "../../src/machine/ice-types.js";
import { StunBindingServer } from "../../src/machine/stun-binding-server.js";
import { TurnAllocation } from "../../src/machine/turn-allocation.js";
import { TurnStreamFramer } from "../../src/machine/turn-stream-framer.js";
import { formatCandidate, parseCandidate } from "../../src/wire/candidate.js";
import { decodeChannelData, encodeChannelData } from "../../src/wire/channel-data.js";
import { parseIceServerUrl } from "../../src/wire/ice-server-url.js";
import { decodeStunMessage, encodeStunMessage } from "../../src/wire/stun-message.js";
import {
  type DecodedStunMessage,
  type StunAttribute,
  StunMethod,
} from "../../src/wire/stun-message-types.js";
import type { TransportAddr } from "../../src/wire/transport-address.js";
import { turnFrameLength } from "../../src/wire/turn-stream-framing.js";
import { Prng } from "../sim/prng.js";
import * as rfc5769 from "../vectors/rfc5769.js";

const vectorText = (name: string): string =>
  readFileSync(new URL(`../vectors/${name}`, import.meta.url), "utf8");
const OFFERS = [vectorText("chromium-156-offer.sdp"), vectorText("firefox-153-offer.sdp")];
const CANDIDATE_LINES = OFFERS.flatMap((sdp) =>
  sdp
    .split(/\r?\n/)
    .filter((l) => l.startsWith("a=candidate:"))
    .map((l) => l.slice(2)),
);
const RFC5769: Uint8Array[] = Object.values(rfc5769).filter((v): v is Uint8Array => v instanceof Uint8Array);
const text = new TextEncoder();
const untext = new TextDecoder();

// ---- codecs --------------------------------------------------------------------------------------------

function runStun(input: Uint8Array): void {
  const d = decodeStunMessage(input);
  if (!d.ok) return;
  const m = d.value;
  // re-encode what decoded, without the integrity and fingerprint attributes (recomputed on encode)
  const attributes = m.attributes.filter(
    (a) =>
      a.type !== "message-integrity" && a.type !== "message-integrity-sha256" && a.type !== "fingerprint",
  );
  let again: Uint8Array;
  try {
    again = encodeStunMessage({ ...m, attributes }, { fingerprint: true });
  } catch (err) {
    // a decoded value the encoder refuses (StunEncodeError) is a typed refusal, not a crash
    if (err instanceof Error && err.name === "StunEncodeError") return;
    throw err;
  }
  const back = decodeStunMessage(again);
  if (!back.ok) throw new FuzzInvariantError(`re-encoded STUN does not decode: ${back.error.code}`);
  if (back.value.transactionId.join() !== m.transactionId.join())
    throw new FuzzInvariantError("re-encoded STUN has another transaction id");
}

/** Input: byte 0 bit 0 picks padded framing; the rest is a ChannelData message, then a TCP stream. */
function runChannelData(input: Uint8Array): void {
  const padded = ((input[0] ?? 0) & 1) === 1;
  const body = input.subarray(1);
  const d = decodeChannelData(body, { padded });
  if (d.ok) {
    const again = decodeChannelData(encodeChannelData(d.value, { padded }), { padded });
    if (!again.ok)
      throw new FuzzInvariantError(`re-encoded ChannelData does not decode: ${again.error.code}`);
  }
  turnFrameLength(body);
  const framer = new TurnStreamFramer();
  for (const chunk of splitChunks(body, 0, 32)) {
    framer.handleData(chunk);
    for (let f = framer.pollFrame(); f; f = framer.pollFrame()) {
      const len = turnFrameLength(f);
      if (!len.ok || len.value === undefined || len.value > f.length)
        throw new FuzzInvariantError("the framer handed on a frame that does not frame");
    }
    if (framer.error) break;
  }
}

function runCandidate(input: Uint8Array): void {
  const s = untext.decode(input);
  const c = parseCandidate(s);
  if (c.ok) {
    const again = parseCandidate(formatCandidate(c.value));
    if (!again.ok) throw new FuzzInvariantError(`formatted candidate does not parse: ${again.error.code}`);
  }
  parseIceServerUrl(s);
}

// ---- a live ICE agent ----------------------------------------------------------------------------------

const LOCAL: TransportAddr = { address: "10.0.0.1", port: 5000 };
const PEER: TransportAddr = { address: "10.0.0.2", port: 6000 };
const SOURCES: readonly TransportAddr[] = [
  PEER,
  { address: "203.0.113.9", port: 53 },
  { address: "10.0.0.2", port: 6001 },
  { address: "2001:db8::9", port: 4000 },
];
const A: IceCredentials = { ufrag: "fuzA", pwd: "fuzzpasswordfuzzpassword0" };
const B: IceCredentials = { ufrag: "fuzB", pwd: "fuzzpasswordfuzzpassword1" };

function liveAgent(controlling: boolean): IceAgent {
  const rng = new Prng(1);
  const a = new IceAgent({
    random: (n) => rng.bytes(n),
    role: controlling ? "controlling" : "controlled",
    localCredentials: A,
    maxRemoteCandidates: 8,
    maxPairs: 16,
  });
  a.gather(0, [LOCAL]);
  a.setRemoteCredentials(0, B);
  a.addRemoteCandidate(0, {
    foundation: "1",
    component: 1,
    transport: "udp",
    priority: 2122260223,
    address: PEER.address,
    port: PEER.port,
    type: "host",
    extensions: [],
  });
  return a;
}

function drainAgent(a: IceAgent, onTransmit: (to: TransportAddr, data: Uint8Array) => void): void {
  for (let t = a.pollTransmit(); t; t = a.pollTransmit()) onTransmit(t.to, t.data);
  for (let e = a.pollEvent(); e; e = a.pollEvent());
}

/** The peer's authenticated check (B to A), and success responses to A's checks. */
function peerCheck(controlling: boolean, txid: Uint8Array, useCandidate: boolean): Uint8Array {
  const attrs: StunAttribute[] = [
    { type: "username", value: `${A.ufrag}:${B.ufrag}` },
    { type: "priority", value: 1853824767 },
    controlling ? { type: "ice-controlled", value: 1n } : { type: "ice-controlling", value: 1n },
  ];
  if (useCandidate && !controlling) attrs.push({ type: "use-candidate" });
  return encodeStunMessage(
    { method: StunMethod.Binding, class: "request", transactionId: txid, attributes: attrs },
    { integrityKey: shortTermKey(A.pwd), fingerprint: true },
  );
}

function answerCheck(req: DecodedStunMessage, from: TransportAddr): Uint8Array {
  return encodeStunMessage(
    {
      method: StunMethod.Binding,
      class: "success",
      transactionId: req.transactionId,
      attributes: [{ type: "xor-mapped-address", value: from }],
    },
    { integrityKey: shortTermKey(B.pwd), fingerprint: true },
  );
}

/**
 * Input: byte 0 bit 0 picks controlling; then u16-prefixed chunks, each a control byte (bits 0-1: the
 * source address; bit 2: instead of the bytes, the peer answers A's latest check; bits 3-7: ms × 20 to
 * advance first) and a datagram. Invariants: no STUN response is larger than the largest datagram its
 * destination sent (no amplification), and none goes to an address whose datagram was a copy of another
 * address's (a replayed check; the soak flood found those answered).
 */
function runLiveAgent(input: Uint8Array): void {
  const controlling = ((input[0] ?? 0) & 1) === 1;
  const a = liveAgent(controlling);
  const largestFrom = new Map<string, number>();
  /** Datagrams seen, by content, with the first address that sent them; and replayed transactions. */
  const firstSender = new Map<string, string>();
  const replayed = new Set<string>();
  const ownTransactions = new Set<string>();
  let lastCheck: DecodedStunMessage | undefined;
  const onTransmit = (to: TransportAddr, data: Uint8Array): void => {
    const d = decodeStunMessage(data);
    if (!d.ok) return;
    const key = `${to.address}|${to.port}`;
    if (
      (d.value.class === "success" || d.value.class === "error") &&
      replayed.has(`${key}/${Buffer.from(d.value.transactionId).toString("hex")}`)
    )
      throw new FuzzInvariantError(`answered ${key}'s replay of another address's check`);
    if (d.value.class === "request" && to.port === PEER.port && to.address === PEER.address)
      lastCheck = d.value;
    if (
      (d.value.class === "success" || d.value.class === "error") &&
      data.length > (largestFrom.get(key) ?? 0)
    )
      throw new FuzzInvariantError(`a ${data.length}-byte response to ${key}, larger than anything it sent`);
  };
  let now = 0;
  drainAgent(a, onTransmit);
  for (const chunk of splitChunks(input, 1, 48)) {
    const ctl = chunk[0] ?? 0;
    now += (ctl >> 3) * 20;
    a.handleTimeout(now);
    drainAgent(a, onTransmit);
    const from = SOURCES[ctl & 3] ?? PEER;
    let data = chunk.subarray(1);
    if (ctl & 4) {
      if (!lastCheck) continue;
      data = answerCheck(lastCheck, LOCAL);
    }
    const key = `${from.address}|${from.port}`;
    largestFrom.set(key, Math.max(largestFrom.get(key) ?? 0, data.length));
    const content = Buffer.from(data).toString("hex");
    const first = firstSender.get(content);
    if (first === undefined) firstSender.set(content, key);
    if (data.length >= 20 && (data[0] ?? 0) <= 3) {
      // a copy of another address's datagram, in a transaction this address had not used itself
      const tx = `${key}/${Buffer.from(data.subarray(8, 20)).toString("hex")}`;
      if (first !== undefined && first !== key && !ownTransactions.has(tx)) replayed.add(tx);
      ownTransactions.add(tx);
    }
    a.handleDatagram(now, LOCAL, from, data);
    drainAgent(a, onTransmit);
  }
  for (let i = 0; i < 4; i++) {
    const t = a.pollTimeout();
    if (t === undefined) break;
    now = Math.max(now, t);
    a.handleTimeout(now);
    drainAgent(a, onTransmit);
  }
}

function liveAgentSeeds(): Uint8Array[] {
  const seeds: Uint8Array[] = [];
  for (const controlling of [false, true]) {
    const txid = (n: number): Uint8Array => new Uint8Array(12).fill(n);
    const chunks = [
      Uint8Array.of(1 << 3, ...peerCheck(controlling, txid(1), false)),
      Uint8Array.of(4 | (3 << 3)),
      Uint8Array.of(1 << 3, ...peerCheck(controlling, txid(2), true)),
      Uint8Array.of(4 | (12 << 3)),
      Uint8Array.of(1, ...peerCheck(controlling, txid(2), true)), // the real check again, from a stranger
      Uint8Array.of(0, 0x17, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 3, 1, 2, 3), // DTLS-looking data
      Uint8Array.of(0, ...(RFC5769[0] ?? [])),
    ];
    seeds.push(joinChunks(chunks, [controlling ? 1 : 0]));
  }
  return seeds;
}

// ---- the STUN Binding server ---------------------------------------------------------------------------

/** Input: u16-prefixed datagrams from rotating sources. Invariant: every request gets at most one reply. */
function runBindingServer(input: Uint8Array): void {
  const s = new StunBindingServer({ maxQueuedTransmits: 8 });
  let i = 0;
  for (const d of splitChunks(input, 0, 64)) {
    s.handleDatagram(i, SOURCES[i % SOURCES.length] ?? PEER, d);
    i++;
    let replies = 0;
    for (let t = s.pollTransmit(); t; t = s.pollTransmit()) replies++;
    if (replies > 1) throw new FuzzInvariantError(`${replies} replies to one datagram`);
  }
}

// ---- a live TURN allocation ----------------------------------------------------------------------------

const TURN_SERVER: TransportAddr = { address: "192.0.2.1", port: 3478 };
const TURN_KEY = longTermKey("alice", "example.org", "secret");
const RELAYED: TransportAddr = { address: "192.0.2.1", port: 49152 };

function turnAnswer(req: DecodedStunMessage, challenged: boolean): Uint8Array {
  const reply = (cls: "success" | "error", attributes: StunAttribute[], key?: Uint8Array): Uint8Array =>
    encodeStunMessage(
      { method: req.method, class: cls, transactionId: req.transactionId, attributes },
      key ? { integrityKey: key } : {},
    );
  if (!challenged)
    return reply("error", [
      { type: "error-code", code: 401, reason: "Unauthorized" },
      { type: "realm", value: "example.org" },
      { type: "nonce", value: "nonce-1" },
    ]);
  if (req.method === StunMethod.Allocate)
    return reply(
      "success",
      [
        { type: "xor-relayed-address", value: RELAYED },
        { type: "xor-mapped-address", value: { address: "198.51.100.7", port: 40000 } },
        { type: "lifetime", value: 600 },
      ],
      TURN_KEY,
    );
  return reply(
    "success",
    req.method === StunMethod.Refresh ? [{ type: "lifetime", value: 600 }] : [],
    TURN_KEY,
  );
}

/**
 * Input: u16-prefixed chunks, each a control byte (bits 0-1: 0 deliver the bytes from the server, 1 the
 * server answers the latest request correctly, 2 send the bytes to a peer, 3 bind a channel; bits 2-7:
 * seconds × 5 to advance) and bytes.
 */
function runTurnAllocation(input: Uint8Array): void {
  let n = 1;
  const a = new TurnAllocation({
    server: TURN_SERVER,
    username: "alice",
    password: "secret",
    random: (k) => Uint8Array.from({ length: k }, () => n++ & 0xff),
    maxPermissions: 4,
    maxChannels: 4,
    maxQueuedPerPeer: 4,
  });
  const peer: TransportAddr = { address: "203.0.113.5", port: 5000 };
  let now = 0;
  let latest: DecodedStunMessage | undefined;
  let challenged = false;
  const drain = (): void => {
    for (let t = a.pollTransmit(); t; t = a.pollTransmit()) {
      const d = decodeStunMessage(t.data);
      if (d.ok && d.value.class === "request") latest = d.value;
    }
    for (let e = a.pollEvent(); e; e = a.pollEvent());
  };
  a.allocate(now);
  drain();
  for (const chunk of splitChunks(input, 0, 48)) {
    const ctl = chunk[0] ?? 0;
    const body = chunk.subarray(1);
    now += (ctl >> 2) * 5000;
    a.handleTimeout(now);
    drain();
    switch (ctl & 3) {
      case 0:
        a.handleDatagram(now, body);
        break;
      case 1:
        if (latest) {
          a.handleDatagram(now, turnAnswer(latest, challenged));
          challenged = true;
        }
        break;
      case 2:
        if (a.state === "allocated") a.sendTo(now, peer, body);
        break;
      case 3:
        if (a.state === "allocated")
          a.bindChannel(now, { address: peer.address, port: 5000 + (body[0] ?? 0) });
        break;
    }
    drain();
  }
}

function turnSeeds(): Uint8Array[] {
  const data = encodeChannelData({ channelNumber: 0x4000, data: text.encode("relayed") });
  const indication = encodeStunMessage({
    method: StunMethod.Data,
    class: "indication",
    transactionId: new Uint8Array(12).fill(9),
    attributes: [
      { type: "xor-peer-address", value: { address: "203.0.113.5", port: 5000 } },
      { type: "data", value: text.encode("hello") },
    ],
  });
  return [
    joinChunks([
      Uint8Array.of(1),
      Uint8Array.of(1),
      Uint8Array.of(2, ...text.encode("to the peer")),
      Uint8Array.of(1),
      Uint8Array.of(3, 0),
      Uint8Array.of(1),
      Uint8Array.of(0, ...data),
      Uint8Array.of(0, ...indication),
      Uint8Array.of(60 << 2),
      Uint8Array.of(1),
    ]),
  ];
}

export function fuzzTargets(): FuzzTarget[] {
  return [
    { name: "stun-message", run: runStun, seeds: () => RFC5769 },
    {
      name: "turn-channel-data",
      run: runChannelData,
      seeds: () => [
        Uint8Array.of(0, ...encodeChannelData({ channelNumber: 0x4001, data: text.encode("abc") })),
        Uint8Array.of(
          1,
          ...encodeChannelData({ channelNumber: 0x4fff, data: text.encode("abcde") }, { padded: true }),
        ),
        Uint8Array.of(0, ...joinChunks(RFC5769)),
      ],
    },
    {
      name: "ice-candidate-line",
      run: runCandidate,
      seeds: () =>
        [...CANDIDATE_LINES, "turns:turn.example.org:443?transport=tcp"].map((l) => text.encode(l)),
      maxInputBytes: 512,
    },
    { name: "ice-agent-live", run: runLiveAgent, seeds: liveAgentSeeds },
    { name: "stun-binding-server", run: runBindingServer, seeds: () => [joinChunks(RFC5769)] },
    { name: "turn-allocation-live", run: runTurnAllocation, seeds: turnSeeds },
  ];
}

/**
 * The `ice-agent-live` fuzz target: an ICE agent in checking state fed hostile datagrams from its peer's
 * address and others, between authentic checks and responses. Registered in ice-fuzz-targets.ts.
 */
import { FuzzInvariantError, joinChunks, splitChunks } from "@tern/test-support";
import { shortTermKey } from "../../src/crypto/stun-integrity.js";
import { IceAgent } from "../../src/machine/ice-agent.js";
import type { IceCredentials } from "../../src/machine/ice-types.js";
import { decodeStunMessage, encodeStunMessage } from "../../src/wire/stun-message.js";
import {
  type DecodedStunMessage,
  type StunAttribute,
  StunMethod,
} from "../../src/wire/stun-message-types.js";
import type { TransportAddr } from "../../src/wire/transport-address.js";
import { Prng } from "../sim/prng.js";
import { RFC5769 } from "./fuzz-seeds.js";

const LOCAL: TransportAddr = { address: "10.0.0.1", port: 5000 };
export const PEER: TransportAddr = { address: "10.0.0.2", port: 6000 };
export const SOURCES: readonly TransportAddr[] = [
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
export function runLiveAgent(input: Uint8Array): void {
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

export function liveAgentSeeds(): Uint8Array[] {
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

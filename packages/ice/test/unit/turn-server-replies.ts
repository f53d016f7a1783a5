/**
 * A hand-made TURN server for the sans-IO TURN client's unit tests (RFC 8656): its addresses and
 * long-term credentials, its replies (the 401 challenge, Allocate success, signed responses), and a
 * manual clock that jumps from deadline to deadline.
 */
import { expect } from "vitest";
import { longTermKey } from "../../src/crypto/stun-integrity.js";
import { TurnAllocation } from "../../src/machine/turn-allocation.js";
import type { TurnAllocationConfig, TurnEvent } from "../../src/machine/turn-allocation-config.js";
import { decodeStunMessage, encodeStunMessage } from "../../src/wire/stun-message.js";
import {
  type DecodedStunMessage,
  type StunAttribute,
  StunMethod,
} from "../../src/wire/stun-message-types.js";
import type { TransportAddr } from "../../src/wire/transport-address.js";

export const SERVER: TransportAddr = { address: "192.0.2.1", port: 3478 };
export const RELAYED: TransportAddr = { address: "192.0.2.1", port: 49152 };
export const MAPPED: TransportAddr = { address: "198.51.100.7", port: 40000 };
export const PEER: TransportAddr = { address: "203.0.113.5", port: 5000 };
export const PEER2: TransportAddr = { address: "203.0.113.5", port: 5001 };
export const OTHER_IP: TransportAddr = { address: "203.0.113.99", port: 7000 };
export const USER = "alice";
export const PASS = "secret";
export const REALM = "example.org";
export const KEY = longTermKey(USER, REALM, PASS);
export const SEC = 1000;

export function counterRandom(): (n: number) => Uint8Array {
  let i = 1;
  return (n) => Uint8Array.from({ length: n }, () => i++ & 0xff);
}

export function turn(config: Partial<TurnAllocationConfig> = {}): TurnAllocation {
  return new TurnAllocation({
    server: SERVER,
    username: USER,
    password: PASS,
    random: counterRandom(),
    ...config,
  });
}

export function transmits(a: TurnAllocation): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let t = a.pollTransmit(); t !== undefined; t = a.pollTransmit()) {
    expect(t.to).toEqual(SERVER);
    out.push(t.data);
  }
  return out;
}

export function requests(a: TurnAllocation): DecodedStunMessage[] {
  return transmits(a).map((b) => {
    const d = decodeStunMessage(b);
    if (!d.ok) throw new Error(`not STUN: ${d.error.code}`);
    return d.value;
  });
}

export function oneRequest(a: TurnAllocation, method: number): DecodedStunMessage {
  const all = requests(a);
  expect(all.map((m) => m.method)).toEqual([method]);
  const m = all[0];
  if (m === undefined) throw new Error("no request");
  expect(m.class).toBe("request");
  return m;
}

export function events(a: TurnAllocation): TurnEvent[] {
  const out: TurnEvent[] = [];
  for (let e = a.pollEvent(); e !== undefined; e = a.pollEvent()) out.push(e);
  return out;
}

export interface ReplyOptions {
  readonly integrity?: "sha1" | "sha256" | "none" | "bad";
  readonly key?: Uint8Array;
}

export function reply(
  req: DecodedStunMessage,
  cls: "success" | "error",
  attributes: readonly StunAttribute[],
  opts: ReplyOptions = {},
): Uint8Array {
  const key = opts.key ?? KEY;
  const integrity = opts.integrity ?? "sha1";
  const msg = { method: req.method, class: cls, transactionId: req.transactionId, attributes };
  if (integrity === "none") return encodeStunMessage(msg);
  if (integrity === "sha256") return encodeStunMessage(msg, { integritySha256Key: key });
  return encodeStunMessage(msg, { integrityKey: integrity === "bad" ? new Uint8Array(16) : key });
}

export const challenge = (nonce = "nonce-1", extra: readonly StunAttribute[] = []): StunAttribute[] => [
  { type: "error-code", code: 401, reason: "Unauthorized" },
  { type: "realm", value: REALM },
  { type: "nonce", value: nonce },
  ...extra,
];

export const allocateSuccess = (lifetimeSec = 600): StunAttribute[] => [
  { type: "xor-relayed-address", value: RELAYED },
  { type: "xor-mapped-address", value: MAPPED },
  { type: "lifetime", value: lifetimeSec },
];

/** Runs the 401 exchange and a successful Allocate at t = 0. */
export function allocated(config: Partial<TurnAllocationConfig> = {}, lifetimeSec = 600): TurnAllocation {
  const a = turn(config);
  a.allocate(0);
  a.handleDatagram(0, reply(oneRequest(a, StunMethod.Allocate), "error", challenge(), { integrity: "none" }));
  a.handleDatagram(0, reply(oneRequest(a, StunMethod.Allocate), "success", allocateSuccess(lifetimeSec)));
  expect(events(a).map((e) => e.kind)).toEqual(["allocated"]);
  return a;
}

/** Jumps the clock from deadline to deadline up to `to` (bounded), like the adapter's timer would. */
export function advance(a: TurnAllocation, to: number, maxSteps = 200): void {
  for (let i = 0; i < maxSteps; i++) {
    const t = a.pollTimeout();
    if (t === undefined || t > to) return;
    a.handleTimeout(t);
  }
  throw new Error(`no quiescence before ${to} after ${maxSteps} steps`);
}

/** Like advance, but a server answers every request with success at once; returns what was asked when. */
export function advanceAnswering(
  a: TurnAllocation,
  to: number,
): Array<{ at: number; request: DecodedStunMessage }> {
  const asked: Array<{ at: number; request: DecodedStunMessage }> = [];
  for (let i = 0; i < 200; i++) {
    const t = a.pollTimeout();
    if (t === undefined || t > to) return asked;
    a.handleTimeout(t);
    for (const r of requests(a)) {
      if (r.class !== "request") continue;
      asked.push({ at: t, request: r });
      a.handleDatagram(t, reply(r, "success", []));
    }
  }
  throw new Error(`no quiescence before ${to}`);
}

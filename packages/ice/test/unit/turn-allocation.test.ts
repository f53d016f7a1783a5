/**
 * The sans-IO TURN client (RFC 8656) against hand-made server responses, on a manual clock: the 401
 * challenge, 438 Stale Nonce, typed errors, refresh / permission / channel timing, drops and bounds.
 */
import { describe, expect, it } from "vitest";
import { longTermKey } from "../../src/crypto/stun-integrity.js";
import { TurnAllocation } from "../../src/machine/turn-allocation.js";
import type { TurnAllocationConfig, TurnEvent } from "../../src/machine/turn-allocation-config.js";
import { decodeChannelData, encodeChannelData } from "../../src/wire/channel-data.js";
import {
  decodeStunMessage,
  encodeStunMessage,
  getAttribute,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
} from "../../src/wire/stun-message.js";
import {
  type DecodedStunMessage,
  type StunAttribute,
  StunAttrType,
  StunMethod,
} from "../../src/wire/stun-message-types.js";
import type { TransportAddr } from "../../src/wire/transport-address.js";
import { decodePasswordAlgorithms } from "../../src/wire/turn-password-algorithms.js";

const SERVER: TransportAddr = { address: "192.0.2.1", port: 3478 };
const RELAYED: TransportAddr = { address: "192.0.2.1", port: 49152 };
const MAPPED: TransportAddr = { address: "198.51.100.7", port: 40000 };
const PEER: TransportAddr = { address: "203.0.113.5", port: 5000 };
const PEER2: TransportAddr = { address: "203.0.113.5", port: 5001 };
const OTHER_IP: TransportAddr = { address: "203.0.113.99", port: 7000 };
const USER = "alice";
const PASS = "secret";
const REALM = "example.org";
const KEY = longTermKey(USER, REALM, PASS);
const SEC = 1000;

function counterRandom(): (n: number) => Uint8Array {
  let i = 1;
  return (n) => Uint8Array.from({ length: n }, () => i++ & 0xff);
}

function turn(config: Partial<TurnAllocationConfig> = {}): TurnAllocation {
  return new TurnAllocation({
    server: SERVER,
    username: USER,
    password: PASS,
    random: counterRandom(),
    ...config,
  });
}

function transmits(a: TurnAllocation): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let t = a.pollTransmit(); t !== undefined; t = a.pollTransmit()) {
    expect(t.to).toEqual(SERVER);
    out.push(t.data);
  }
  return out;
}

function requests(a: TurnAllocation): DecodedStunMessage[] {
  return transmits(a).map((b) => {
    const d = decodeStunMessage(b);
    if (!d.ok) throw new Error(`not STUN: ${d.error.code}`);
    return d.value;
  });
}

function oneRequest(a: TurnAllocation, method: number): DecodedStunMessage {
  const all = requests(a);
  expect(all.map((m) => m.method)).toEqual([method]);
  const m = all[0];
  if (m === undefined) throw new Error("no request");
  expect(m.class).toBe("request");
  return m;
}

function events(a: TurnAllocation): TurnEvent[] {
  const out: TurnEvent[] = [];
  for (let e = a.pollEvent(); e !== undefined; e = a.pollEvent()) out.push(e);
  return out;
}

interface ReplyOptions {
  readonly integrity?: "sha1" | "sha256" | "none" | "bad";
  readonly key?: Uint8Array;
}

function reply(
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

const challenge = (nonce = "nonce-1", extra: readonly StunAttribute[] = []): StunAttribute[] => [
  { type: "error-code", code: 401, reason: "Unauthorized" },
  { type: "realm", value: REALM },
  { type: "nonce", value: nonce },
  ...extra,
];

const allocateSuccess = (lifetimeSec = 600): StunAttribute[] => [
  { type: "xor-relayed-address", value: RELAYED },
  { type: "xor-mapped-address", value: MAPPED },
  { type: "lifetime", value: lifetimeSec },
];

/** Runs the 401 exchange and a successful Allocate at t = 0. */
function allocated(config: Partial<TurnAllocationConfig> = {}, lifetimeSec = 600): TurnAllocation {
  const a = turn(config);
  a.allocate(0);
  a.handleDatagram(0, reply(oneRequest(a, StunMethod.Allocate), "error", challenge(), { integrity: "none" }));
  a.handleDatagram(0, reply(oneRequest(a, StunMethod.Allocate), "success", allocateSuccess(lifetimeSec)));
  expect(events(a).map((e) => e.kind)).toEqual(["allocated"]);
  return a;
}

/** Jumps the clock from deadline to deadline up to `to` (bounded), like the adapter's timer would. */
function advance(a: TurnAllocation, to: number, maxSteps = 200): void {
  for (let i = 0; i < maxSteps; i++) {
    const t = a.pollTimeout();
    if (t === undefined || t > to) return;
    a.handleTimeout(t);
  }
  throw new Error(`no quiescence before ${to} after ${maxSteps} steps`);
}

/** Like advance, but a server answers every request with success at once; returns what was asked when. */
function advanceAnswering(a: TurnAllocation, to: number): Array<{ at: number; request: DecodedStunMessage }> {
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

describe("TURN Allocate with long-term credentials (RFC 8656 §7, RFC 8489 §9.2)", () => {
  it("answers the 401 with USERNAME, REALM, NONCE and a MESSAGE-INTEGRITY keyed MD5(user:realm:pass)", () => {
    const a = turn();
    a.allocate(0);
    const first = oneRequest(a, StunMethod.Allocate);
    expect(getAttribute(first, "requested-transport")?.value).toBe(17);
    expect(getAttribute(first, "username")).toBeUndefined();
    expect(getAttribute(first, "message-integrity")).toBeUndefined();

    a.handleDatagram(5, reply(first, "error", challenge("n-1"), { integrity: "none" }));
    const second = oneRequest(a, StunMethod.Allocate);
    expect(Buffer.from(second.transactionId).equals(Buffer.from(first.transactionId))).toBe(false);
    expect(getAttribute(second, "username")?.value).toBe(USER);
    expect(getAttribute(second, "realm")?.value).toBe(REALM);
    expect(getAttribute(second, "nonce")?.value).toBe("n-1");
    expect(getAttribute(second, "requested-transport")?.value).toBe(17);
    expect(verifyMessageIntegrity(second, KEY)).toBe("ok");

    a.handleDatagram(10, reply(second, "success", allocateSuccess(600)));
    expect(events(a)).toEqual([{ kind: "allocated", relayed: RELAYED, mapped: MAPPED, lifetimeSec: 600 }]);
    expect(a.state).toBe("allocated");
    expect(a.relayedAddress).toEqual(RELAYED);
    expect(a.expiresAt).toBe(10 + 600 * SEC);
  });

  it("uses SHA-256 and MESSAGE-INTEGRITY-SHA256 when the server offers PASSWORD-ALGORITHMS, echoing the list", () => {
    const offered = Uint8Array.of(0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00); // MD5, SHA-256
    const a = turn();
    a.allocate(0);
    const first = oneRequest(a, StunMethod.Allocate);
    const extra: StunAttribute[] = [{ type: "unknown", code: StunAttrType.PasswordAlgorithms, raw: offered }];
    a.handleDatagram(0, reply(first, "error", challenge("obMatJos2AAABxyz", extra), { integrity: "none" }));
    const second = oneRequest(a, StunMethod.Allocate);
    const key256 = longTermKey(USER, REALM, PASS, "sha256");
    expect(verifyMessageIntegritySha256(second, key256)).toBe("ok");
    expect(getAttribute(second, "message-integrity")).toBeUndefined();
    const echoed = second.attributes.find(
      (x) => x.type === "unknown" && x.code === StunAttrType.PasswordAlgorithms,
    );
    expect(echoed?.type === "unknown" && Buffer.from(echoed.raw).equals(Buffer.from(offered))).toBe(true);
    const chosen = second.attributes.find(
      (x) => x.type === "unknown" && x.code === StunAttrType.PasswordAlgorithm,
    );
    const parsed = chosen?.type === "unknown" ? decodePasswordAlgorithms(chosen.raw) : undefined;
    expect(parsed?.ok && parsed.value.map((e) => e.algorithm)).toEqual([2]);
    a.handleDatagram(1, reply(second, "success", allocateSuccess(), { integrity: "sha256", key: key256 }));
    expect(events(a).map((e) => e.kind)).toEqual(["allocated"]);
    expect(a.passwordAlgorithm).toBe("sha256");
  });

  it("fails with `unauthorized` when the credentials are refused (401 to the authenticated Allocate)", () => {
    const a = turn();
    a.allocate(0);
    a.handleDatagram(
      0,
      reply(oneRequest(a, StunMethod.Allocate), "error", challenge(), { integrity: "none" }),
    );
    a.handleDatagram(
      0,
      reply(oneRequest(a, StunMethod.Allocate), "error", challenge("n-2"), { integrity: "none" }),
    );
    const [e, ...rest] = events(a);
    expect(rest).toEqual([]);
    expect(e?.kind === "failed" && [e.error.code, e.error.stunCode]).toEqual(["unauthorized", 401]);
    expect(a.state).toBe("failed");
    expect(transmits(a)).toEqual([]);
    expect(a.pollTimeout()).toBeUndefined();
  });

  it("retries with the new nonce on 438 Stale Nonce, and gives up after maxStaleNonceRetries", () => {
    const stale = (nonce: string): StunAttribute[] => [
      { type: "error-code", code: 438, reason: "Stale Nonce" },
      { type: "realm", value: REALM },
      { type: "nonce", value: nonce },
    ];
    const a = turn({ maxStaleNonceRetries: 2 });
    a.allocate(0);
    a.handleDatagram(
      0,
      reply(oneRequest(a, StunMethod.Allocate), "error", challenge("n-1"), { integrity: "none" }),
    );
    let req = oneRequest(a, StunMethod.Allocate);
    expect(getAttribute(req, "nonce")?.value).toBe("n-1");
    for (const nonce of ["n-2", "n-3"]) {
      a.handleDatagram(1, reply(req, "error", stale(nonce), { integrity: "none" }));
      const retry = oneRequest(a, StunMethod.Allocate);
      expect(Buffer.from(retry.transactionId).equals(Buffer.from(req.transactionId))).toBe(false);
      expect(getAttribute(retry, "nonce")?.value).toBe(nonce);
      expect(verifyMessageIntegrity(retry, KEY)).toBe("ok");
      req = retry;
    }
    expect(events(a)).toEqual([]);
    a.handleDatagram(2, reply(req, "error", stale("n-4"), { integrity: "none" }));
    const [e] = events(a);
    expect(e?.kind === "failed" && [e.error.code, e.error.stunCode]).toEqual(["stale-nonce", 438]);
    expect(a.counters["stale-nonce-retries"]).toBe(2);
  });

  it.each([
    [437, "allocation-mismatch"],
    [486, "allocation-quota"],
    [508, "insufficient-capacity"],
    [442, "unsupported-transport"],
    [403, "forbidden"],
    [500, "protocol-error"],
  ] as const)("maps an Allocate error %i to a typed %s error", (code, expected) => {
    const a = turn();
    a.allocate(0);
    a.handleDatagram(
      0,
      reply(oneRequest(a, StunMethod.Allocate), "error", challenge(), { integrity: "none" }),
    );
    const req = oneRequest(a, StunMethod.Allocate);
    a.handleDatagram(
      1,
      reply(req, "error", [{ type: "error-code", code, reason: "no" }], { integrity: "sha1" }),
    );
    const [e] = events(a);
    expect(e?.kind === "failed" && [e.error.code, e.error.stunCode]).toEqual([expected, code]);
  });

  it("fails with `server-unreachable` after the Allocate's retransmissions (RFC 8489 §6.2.1: 39.5 s at RTO 500 ms)", () => {
    const a = turn();
    a.allocate(0);
    let sends = transmits(a).length;
    for (let i = 0; i < 20 && a.state === "allocating"; i++) {
      const t = a.pollTimeout();
      if (t === undefined) break;
      a.handleTimeout(t);
      sends += transmits(a).length;
    }
    expect(sends).toBe(7);
    const [e] = events(a);
    expect(e?.kind === "failed" && e.error.code).toBe("server-unreachable");
  });

  it("drops a success response with a bad MESSAGE-INTEGRITY (counted) and keeps the transaction alive", () => {
    const a = turn();
    a.allocate(0);
    a.handleDatagram(
      0,
      reply(oneRequest(a, StunMethod.Allocate), "error", challenge(), { integrity: "none" }),
    );
    const req = oneRequest(a, StunMethod.Allocate);
    a.handleDatagram(1, reply(req, "success", allocateSuccess(), { integrity: "bad" }));
    a.handleDatagram(1, reply(req, "success", allocateSuccess(), { integrity: "none" }));
    expect(events(a)).toEqual([]);
    expect(a.counters["stun-bad-integrity"]).toBe(1);
    expect(a.counters["stun-missing-integrity"]).toBe(1);
    a.handleDatagram(2, reply(req, "success", allocateSuccess()));
    expect(events(a).map((e) => e.kind)).toEqual(["allocated"]);
    a.handleDatagram(3, reply(req, "success", allocateSuccess()));
    expect(a.counters["stun-unknown-transaction"]).toBe(1);
  });

  it("over TCP/TLS sends each request once and times out after 39.5 s", () => {
    const a = turn({ transport: "tcp" });
    a.allocate(0);
    expect(transmits(a).length).toBe(1);
    expect(a.pollTimeout()).toBe(39_500);
    a.handleTimeout(39_499);
    expect(transmits(a).length).toBe(0);
    a.handleTimeout(39_500);
    expect(transmits(a).length).toBe(0);
    expect(events(a).map((e) => e.kind)).toEqual(["failed"]);
  });
});

describe("TURN Refresh and deallocation (RFC 8656 §8)", () => {
  it("refreshes at lifetime − 60 s, with the new LIFETIME from the response", () => {
    const a = allocated({ lifetimeSec: 600 });
    expect(a.pollTimeout()).toBe(540 * SEC);
    a.handleTimeout(539 * SEC);
    expect(transmits(a)).toEqual([]);
    a.handleTimeout(540 * SEC);
    const req = oneRequest(a, StunMethod.Refresh);
    expect(getAttribute(req, "lifetime")?.value).toBe(600);
    expect(verifyMessageIntegrity(req, KEY)).toBe("ok");
    a.handleDatagram(541 * SEC, reply(req, "success", [{ type: "lifetime", value: 300 }]));
    expect(events(a)).toEqual([{ kind: "refreshed", lifetimeSec: 300 }]);
    expect(a.expiresAt).toBe(841 * SEC);
    expect(a.pollTimeout()).toBe(541 * SEC + 240 * SEC);
  });

  it("refreshes at half the lifetime when it is short", () => {
    const a = allocated({}, 100);
    expect(a.pollTimeout()).toBe(50 * SEC);
  });

  it("retries a timed-out Refresh while the allocation lives, then fails with `refresh-failed`", () => {
    const a = allocated({}, 600);
    advance(a, 540 * SEC);
    expect(oneRequest(a, StunMethod.Refresh)).toBeDefined();
    advance(a, 600 * SEC);
    // the first Refresh timed out at 579.5 s and a second one started; it times out after expiry
    expect(requests(a).filter((m) => m.method === StunMethod.Refresh).length).toBeGreaterThan(1);
    advance(a, 700 * SEC);
    const failed = events(a).find((e) => e.kind === "failed");
    expect(failed?.kind === "failed" && failed.error.code).toBe("refresh-failed");
  });

  it("fails with `refresh-failed` (437) when the server lost the allocation", () => {
    const a = allocated();
    a.refresh(10 * SEC);
    const req = oneRequest(a, StunMethod.Refresh);
    a.handleDatagram(11 * SEC, reply(req, "error", [{ type: "error-code", code: 437, reason: "Mismatch" }]));
    const [e] = events(a);
    expect(e?.kind === "failed" && [e.error.code, e.error.stunCode]).toEqual(["refresh-failed", 437]);
  });

  it("re-authenticates a Refresh answered 438 with the new nonce", () => {
    const a = allocated();
    a.refresh(10 * SEC);
    const req = oneRequest(a, StunMethod.Refresh);
    a.handleDatagram(
      10 * SEC,
      reply(
        req,
        "error",
        [
          { type: "error-code", code: 438, reason: "Stale" },
          { type: "nonce", value: "fresh" },
        ],
        { integrity: "none" },
      ),
    );
    const retry = oneRequest(a, StunMethod.Refresh);
    expect(getAttribute(retry, "nonce")?.value).toBe("fresh");
    a.handleDatagram(10 * SEC, reply(retry, "success", [{ type: "lifetime", value: 600 }]));
    expect(events(a).map((e) => e.kind)).toEqual(["refreshed"]);
  });

  it("close() sends Refresh LIFETIME 0 and reports a confirmed deallocation", () => {
    const a = allocated();
    a.close(5 * SEC);
    const req = oneRequest(a, StunMethod.Refresh);
    expect(getAttribute(req, "lifetime")?.value).toBe(0);
    a.handleDatagram(5 * SEC, reply(req, "success", [{ type: "lifetime", value: 0 }]));
    expect(events(a)).toEqual([{ kind: "closed", deallocated: true }]);
    expect(a.pollTimeout()).toBeUndefined();
  });

  it("close() re-sends the deallocation with the new nonce after 438 Stale Nonce", () => {
    const a = allocated();
    a.close(5 * SEC);
    const req = oneRequest(a, StunMethod.Refresh);
    const stale: StunAttribute[] = [
      { type: "error-code", code: 438, reason: "Stale Nonce" },
      { type: "nonce", value: "n-9" },
    ];
    a.handleDatagram(5 * SEC, reply(req, "error", stale, { integrity: "none" }));
    const retry = oneRequest(a, StunMethod.Refresh);
    expect([getAttribute(retry, "lifetime")?.value, getAttribute(retry, "nonce")?.value]).toEqual([0, "n-9"]);
    a.handleDatagram(5 * SEC, reply(retry, "success", []));
    expect(events(a)).toEqual([{ kind: "closed", deallocated: true }]);
  });

  it("close() gives up on an unanswered deallocation after 3 sends", () => {
    const a = allocated({ rtoMs: 500 });
    a.close(0);
    let sends = transmits(a).length;
    advance(a, 60 * SEC);
    sends += transmits(a).length;
    expect(sends).toBe(3);
    expect(events(a)).toEqual([{ kind: "closed", deallocated: false }]);
  });
});

describe("TURN permissions, Send indications and channels (RFC 8656 §9–§12)", () => {
  it("creates a permission, queues until it is installed, then sends a Send indication", () => {
    const a = allocated({ channelBinding: "manual" });
    expect(a.sendTo(1 * SEC, PEER, Uint8Array.of(1, 2, 3))).toBe(true);
    const cp = oneRequest(a, StunMethod.CreatePermission);
    expect(getAttribute(cp, "xor-peer-address")?.value.address).toBe(PEER.address);
    expect(verifyMessageIntegrity(cp, KEY)).toBe("ok");
    a.handleDatagram(1 * SEC, reply(cp, "success", []));
    expect(events(a)).toEqual([{ kind: "permission-created", peerAddress: PEER.address }]);
    const [send] = requests(a);
    expect(send?.method === StunMethod.Send && send.class).toBe("indication");
    expect(getAttribute(send ?? cp, "xor-peer-address")?.value).toEqual(PEER);
    expect([...(getAttribute(send ?? cp, "data")?.value ?? [])]).toEqual([1, 2, 3]);
    // a second peer on the same IP needs no new permission
    a.sendTo(2 * SEC, PEER2, Uint8Array.of(9));
    expect(requests(a).map((m) => m.method)).toEqual([StunMethod.Send]);
  });

  it("refreshes a permission every 240 s (they last 300 s)", () => {
    const a = allocated({ channelBinding: "manual" }, 3600);
    a.createPermission(0, PEER.address);
    a.handleDatagram(0, reply(oneRequest(a, StunMethod.CreatePermission), "success", []));
    events(a);
    expect(a.pollTimeout()).toBe(240 * SEC);
    a.handleTimeout(240 * SEC);
    const again = oneRequest(a, StunMethod.CreatePermission);
    a.handleDatagram(241 * SEC, reply(again, "success", []));
    expect(events(a)).toEqual([]); // a refresh is not a new permission
    expect(a.counters["permissions-refreshed"]).toBe(1);
    expect(a.pollTimeout()).toBe(481 * SEC);
  });

  it("reports a refused permission and drops its queued data", () => {
    const a = allocated({ channelBinding: "manual" });
    a.sendTo(0, PEER, Uint8Array.of(1));
    a.sendTo(0, PEER, Uint8Array.of(2));
    const cp = oneRequest(a, StunMethod.CreatePermission);
    a.handleDatagram(0, reply(cp, "error", [{ type: "error-code", code: 403, reason: "Forbidden" }]));
    const [e] = events(a);
    expect(e?.kind === "permission-failed" && [e.peerAddress, e.error.code]).toEqual([
      PEER.address,
      "forbidden",
    ]);
    expect(a.counters["send-dropped-permission-failed"]).toBe(2);
    expect(transmits(a)).toEqual([]);
    expect(a.state).toBe("allocated");
  });

  it("binds channel 0x4000 on first use, then sends ChannelData (unpadded over UDP) and re-binds at 540 s", () => {
    const a = allocated({}, 3600);
    a.sendTo(0, PEER, Uint8Array.of(1, 2, 3, 4, 5));
    const [cp, cb] = requests(a);
    expect(cp?.method).toBe(StunMethod.CreatePermission);
    expect(cb?.method).toBe(StunMethod.ChannelBind);
    if (cp === undefined || cb === undefined) throw new Error("missing requests");
    expect(getAttribute(cb, "channel-number")?.value).toBe(0x4000);
    expect(getAttribute(cb, "xor-peer-address")?.value).toEqual(PEER);
    a.handleDatagram(0, reply(cp, "success", []));
    // permitted, channel not bound yet: the queued datagram goes as a Send indication
    expect(requests(a).map((m) => m.method)).toEqual([StunMethod.Send]);
    a.handleDatagram(0, reply(cb, "success", []));
    expect(events(a).map((e) => e.kind)).toEqual(["permission-created", "channel-bound"]);
    a.sendTo(1, PEER, Uint8Array.of(6, 7, 8, 9, 10));
    const [cd] = transmits(a);
    expect(cd?.length).toBe(4 + 5);
    const decoded = decodeChannelData(cd ?? new Uint8Array(0));
    expect(decoded.ok && [decoded.value.channelNumber, [...decoded.value.data]]).toEqual([
      0x4000,
      [6, 7, 8, 9, 10],
    ]);
    expect(a.channelNumberOf(PEER)).toBe(0x4000);
    // permissions refresh at 240 s, 480 s; the channel at 540 s with the same number, and so on
    const asked = advanceAnswering(a, 1100 * SEC).map(({ at, request }) => [
      at / SEC,
      request.method,
      getAttribute(request, "channel-number")?.value,
    ]);
    expect(asked).toEqual([
      [240, StunMethod.CreatePermission, undefined],
      [480, StunMethod.CreatePermission, undefined],
      [540, StunMethod.ChannelBind, 0x4000],
      [780, StunMethod.CreatePermission, undefined], // the ChannelBind refreshed the permission too
      [1020, StunMethod.CreatePermission, undefined],
      [1080, StunMethod.ChannelBind, 0x4000],
    ]);
    expect(a.counters["channels-refreshed"]).toBe(2);
  });

  it("pads ChannelData to 4 bytes over TCP/TLS", () => {
    const a = allocated({ transport: "tcp" });
    a.bindChannel(0, PEER);
    for (const r of requests(a)) a.handleDatagram(0, reply(r, "success", []));
    events(a);
    a.sendTo(0, PEER, Uint8Array.of(1, 2, 3, 4, 5));
    const [cd] = transmits(a);
    expect(cd?.length).toBe(12);
    expect(decodeChannelData(cd ?? new Uint8Array(0), { padded: true }).ok).toBe(true);
  });

  it("turns Data indications and ChannelData into data events, and drops what no permission or channel covers", () => {
    const a = allocated({ channelBinding: "manual" });
    a.bindChannel(0, PEER);
    for (const r of requests(a)) a.handleDatagram(0, reply(r, "success", []));
    events(a);
    const indication = (peer: TransportAddr, data: Uint8Array): Uint8Array =>
      encodeStunMessage({
        method: StunMethod.Data,
        class: "indication",
        transactionId: new Uint8Array(12).fill(7),
        attributes: [
          { type: "xor-peer-address", value: peer },
          { type: "data", value: data },
        ],
      });
    a.handleDatagram(1, indication(PEER2, Uint8Array.of(1)));
    a.handleDatagram(1, encodeChannelData({ channelNumber: 0x4000, data: Uint8Array.of(2) }));
    expect(events(a)).toEqual([
      { kind: "data", peer: PEER2, data: Uint8Array.of(1), channelNumber: undefined },
      { kind: "data", peer: PEER, data: Uint8Array.of(2), channelNumber: 0x4000 },
    ]);
    a.handleDatagram(2, indication(OTHER_IP, Uint8Array.of(3)));
    a.handleDatagram(2, encodeChannelData({ channelNumber: 0x4001, data: Uint8Array.of(4) }));
    a.handleDatagram(2, Uint8Array.of(0x40, 0x00, 0x00, 0x09, 1)); // length beyond the datagram
    a.handleDatagram(2, Uint8Array.of(0xff, 1, 2, 3));
    a.handleDatagram(
      2,
      encodeStunMessage({
        method: StunMethod.Data,
        class: "indication",
        transactionId: new Uint8Array(12),
        attributes: [],
      }),
    );
    expect(events(a)).toEqual([]);
    expect(a.counters["data-unpermitted-peer"]).toBe(1);
    expect(a.counters["channel-data-unknown-channel"]).toBe(1);
    expect(a.counters.malformed).toBe(2);
    expect(a.counters["data-indication-malformed"]).toBe(1);
    expect(a.state).toBe("allocated");
  });

  it("bounds permissions, channels and queued data", () => {
    const a = allocated({ maxPermissions: 1, maxChannels: 1, maxQueuedPerPeer: 2 });
    expect(a.sendTo(0, PEER, Uint8Array.of(1))).toBe(true);
    expect(a.sendTo(0, PEER, Uint8Array.of(2))).toBe(true);
    expect(a.sendTo(0, PEER, Uint8Array.of(3))).toBe(false);
    expect(a.counters["send-queue-overflow"]).toBe(1);
    expect(a.sendTo(0, OTHER_IP, Uint8Array.of(4))).toBe(false);
    expect(a.counters["send-permission-limit"]).toBe(1);
    a.sendTo(0, PEER2, Uint8Array.of(5)); // same IP, but the one channel is taken
    expect(a.counters["channel-limit"]).toBe(1);
    expect(requests(a).map((m) => m.method)).toEqual([StunMethod.CreatePermission, StunMethod.ChannelBind]);
  });

  it("refuses sendTo before the allocation exists (UsageError)", () => {
    const a = turn();
    expect(() => a.sendTo(0, PEER, Uint8Array.of(1))).toThrow(/sendTo\(\) in state idle/);
  });

  it("keeps a peer on Send indications after its ChannelBind failed", () => {
    const a = allocated();
    a.sendTo(0, PEER, Uint8Array.of(1));
    const [cp, cb] = requests(a);
    if (cp === undefined || cb === undefined) throw new Error("missing requests");
    a.handleDatagram(0, reply(cp, "success", []));
    a.handleDatagram(
      0,
      reply(cb, "error", [{ type: "error-code", code: 400, reason: "Bad" }], { integrity: "none" }),
    );
    expect(events(a).map((e) => e.kind)).toEqual(["permission-created", "channel-failed"]);
    transmits(a);
    a.sendTo(1, PEER, Uint8Array.of(2));
    expect(requests(a).map((m) => m.method)).toEqual([StunMethod.Send]);
  });
});

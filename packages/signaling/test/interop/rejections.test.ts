/**
 * Bad input through a real server: each gets its own `error` (code, message, offending type, request id),
 * the connection stays up, the room is unchanged and the other peer sees nothing. "Sees nothing" is checked
 * with a barrier: the observer's own round trip through the server, which arrives after anything the
 * server had queued for it.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { RunningSignalingServer, SignalingServerOptions } from "../../src/index.js";
import { Cleanup, type RawPeer } from "./harness.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

interface Room {
  srv: RunningSignalingServer;
  bad: RawPeer;
  observer: RawPeer;
  badId: string;
  observerId: string;
}

/** A server and two peers in room "r": the one that misbehaves and the one that must see nothing. */
async function room(opts: SignalingServerOptions = {}): Promise<Room> {
  const srv = await cleanup.server(opts);
  const observer = await cleanup.peer(srv.url);
  const bad = await cleanup.peer(srv.url);
  const wo = await observer.hello(opts.token !== undefined ? { token: opts.token } : {});
  const wb = await bad.hello(opts.token !== undefined ? { token: opts.token } : {});
  await observer.join("r");
  await bad.join("r");
  await observer.expect("peer-joined");
  return { srv, bad, observer, badId: wb.peerId, observerId: wo.peerId };
}

/** The connection is still up and the room unchanged; the observer saw nothing. */
async function unchanged(r: Room, rooms = 1): Promise<void> {
  const seen = await r.bad.barrier("r");
  expect(seen.peers.map((p) => p.peerId)).toEqual([r.observerId]);
  const seenByObserver = await r.observer.barrier("r");
  expect(seenByObserver.peers.map((p) => p.peerId)).toEqual([r.badId]);
  expect(r.observer.pending).toBe(0);
  expect(r.srv.relay.roomSize("r")).toBe(2);
  expect(r.srv.relay.roomCount).toBe(rooms);
  expect(r.srv.counters.relayed).toBe(0);
}

describe("rejected messages", () => {
  it("malformed JSON gets malformed-json", { timeout: 10_000 }, async () => {
    const r = await room();
    r.bad.sendRaw('{"type":"offer",');
    const e = await r.bad.expect("error");
    expect(e).toEqual({ type: "error", code: "malformed-json", message: "frame is not valid JSON" });
    r.bad.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect((await r.bad.expect("error")).code).toBe("malformed-json");
    await unchanged(r);
    expect(r.srv.counters["malformed-json"]).toBe(2);
  });

  it("an oversized message gets message-too-large (default limit 64 KiB) without being parsed", {
    timeout: 10_000,
  }, async () => {
    const r = await room();
    const sdp = "a".repeat(100 * 1024);
    r.bad.send({ type: "offer", id: "big", room: "r", to: r.observerId, sdp });
    const e = await r.bad.expect("error");
    expect(e.code).toBe("message-too-large");
    expect(e.message).toMatch(/exceeds the limit of 65536/);
    // Not parsed, so neither its type nor its id is known.
    expect(e.offendingType).toBeUndefined();
    await unchanged(r);
  });

  it("a configured smaller limit applies, and a binary frame gets binary-frame", {
    timeout: 10_000,
  }, async () => {
    const r = await room({ limits: { maxMessageBytes: 1024 } });
    r.bad.send({ type: "offer", room: "r", to: r.observerId, sdp: "x".repeat(2000) });
    expect((await r.bad.expect("error")).code).toBe("message-too-large");
    r.bad.sendRaw(Buffer.from(JSON.stringify({ type: "join", room: "r" })), true);
    expect((await r.bad.expect("error")).code).toBe("binary-frame");
    await unchanged(r);
  });

  it("an unknown type gets unknown-type naming it", { timeout: 10_000 }, async () => {
    const r = await room();
    r.bad.send({ type: "subscribe", id: "q1", room: "r" });
    const e = await r.bad.expect("error");
    expect(e).toEqual({
      type: "error",
      id: "q1",
      code: "unknown-type",
      message: 'unknown message type "subscribe"',
      offendingType: "subscribe",
    });
    r.bad.send({ room: "r" });
    expect(await r.bad.expect("error")).toMatchObject({
      code: "invalid-message",
      message: "type: expected a string",
    });
    r.bad.sendRaw("[1,2]");
    expect((await r.bad.expect("error")).code).toBe("invalid-message");
    await unchanged(r);
  });

  it("a schema violation gets invalid-message with the field path", { timeout: 10_000 }, async () => {
    const r = await room();
    r.bad.send({ type: "offer", id: "o1", room: "r", to: r.observerId, sdp: 42 });
    const e = await r.bad.expect("error");
    expect(e).toMatchObject({ id: "o1", code: "invalid-message", offendingType: "offer" });
    expect(e.message).toMatch(/^sdp: /);
    r.bad.send({
      type: "candidate",
      room: "r",
      to: r.observerId,
      candidate: { candidate: "candidate:1 1 udp 1 1.2.3.4 5 typ host", sdpMLineIndex: -1 },
    });
    expect(await r.bad.expect("error")).toMatchObject({
      code: "invalid-message",
      offendingType: "candidate",
    });
    r.bad.send({
      type: "candidate",
      room: "r",
      to: r.observerId,
      candidate: { candidate: "candidate:1 1 udp 1 1.2.3.4 5 typ host" },
    });
    const both = await r.bad.expect("error");
    expect(both.message).toBe("candidate.sdpMid: sdpMid and sdpMLineIndex are both null");
    r.bad.send({ type: "join", room: "" });
    expect(await r.bad.expect("error")).toMatchObject({ code: "invalid-message", offendingType: "join" });
    await unchanged(r);
  });

  it("a message to a peer outside the room gets peer-not-in-room; from outside the room, not-in-room", {
    timeout: 10_000,
  }, async () => {
    const r = await room();
    const stranger = await cleanup.peer(r.srv.url);
    const ws = await stranger.hello();
    await stranger.join("elsewhere");
    r.bad.send({ type: "offer", id: "x1", room: "r", to: ws.peerId, sdp: "v=0" });
    expect(await r.bad.expect("error")).toMatchObject({
      id: "x1",
      code: "peer-not-in-room",
      offendingType: "offer",
    });
    r.bad.send({ type: "offer", room: "r", to: r.badId, sdp: "v=0" });
    expect((await r.bad.expect("error")).code).toBe("peer-not-in-room");
    // The stranger cannot reach into room "r" either, even naming a peer that is there.
    stranger.send({ type: "bye", room: "r", to: r.observerId });
    expect(await stranger.expect("error")).toMatchObject({ code: "not-in-room", offendingType: "bye" });
    stranger.send({ type: "leave", room: "r" });
    expect((await stranger.expect("error")).code).toBe("not-in-room");
    await unchanged(r, 2);
    expect((await stranger.barrier("elsewhere")).peers).toEqual([]);
  });

  it("with a token configured, a join without it gets unauthorized and changes nothing", {
    timeout: 10_000,
  }, async () => {
    const r = await room({ token: "s3cret" });
    const intruder = await cleanup.peer(r.srv.url);
    // No hello: the first message opens an unauthenticated session.
    intruder.send({ type: "join", id: "j", room: "r" });
    const w = await intruder.expect("welcome");
    expect(w.authenticated).toBe(false);
    expect(await intruder.expect("error")).toMatchObject({
      id: "j",
      code: "unauthorized",
      offendingType: "join",
    });
    // Nor can it speak to a room it is not in.
    intruder.send({ type: "offer", room: "r", to: r.observerId, sdp: "v=0" });
    expect((await intruder.expect("error")).code).toBe("not-in-room");
    // A hello after the session opened is refused.
    intruder.send({ type: "hello", token: "s3cret" });
    expect((await intruder.expect("error")).code).toBe("unexpected-hello");
    await unchanged(r);
    expect(r.srv.counters.unauthorized).toBe(1);

    // A wrong token in hello: unauthorized, and the connection may try again.
    const other = await cleanup.peer(r.srv.url);
    other.send({ type: "hello", id: "h1", token: "guess" });
    expect(await other.expect("error")).toMatchObject({
      id: "h1",
      code: "unauthorized",
      offendingType: "hello",
    });
    expect((await other.hello({ token: "s3cret" })).authenticated).toBe(true);
    expect((await other.join("r")).peers).toHaveLength(2);

    // The token in the URL query works too; a wrong one there leaves the connection unauthenticated.
    const viaUrl = await cleanup.peer(`${r.srv.url}?token=s3cret`);
    expect((await viaUrl.join("r")).peers).toHaveLength(3);
    const wrongUrl = await cleanup.peer(`${r.srv.url}?token=nope`);
    wrongUrl.send({ type: "join", room: "r" });
    expect((await wrongUrl.expect("welcome")).authenticated).toBe(false);
    expect((await wrongUrl.expect("error")).code).toBe("unauthorized");
  });

  it("limits: rooms per connection and peers per room", { timeout: 10_000 }, async () => {
    const srv = await cleanup.server({ limits: { roomsPerConnection: 2, peersPerRoom: 2 } });
    const a = await cleanup.peer(srv.url);
    const b = await cleanup.peer(srv.url);
    const c = await cleanup.peer(srv.url);
    await a.hello();
    await a.join("1");
    await a.join("2");
    a.send({ type: "join", id: "3", room: "3" });
    expect(await a.expect("error")).toMatchObject({ id: "3", code: "too-many-rooms", offendingType: "join" });
    await b.hello();
    await b.join("1");
    await c.hello();
    c.send({ type: "join", room: "1" });
    expect((await c.expect("error")).code).toBe("room-full");
    expect(srv.relay.roomSize("1")).toBe(2);
    expect(srv.relay.roomSize("3")).toBe(0);
  });

  it("a burst beyond the rate limit gets one rate-limited error, then is not read; the connection stays up", {
    timeout: 10_000,
  }, async () => {
    // A bucket of 5 that refills too slowly to matter during the test: the setup took 2 (hello, join).
    const r = await room({ limits: { messagesPerSecond: 0.001, messageBurst: 5 } });
    const burst = 20;
    for (let i = 0; i < burst; i++) r.bad.send({ type: "offer", room: "r", to: r.observerId, sdp: `v=${i}` });
    for (let i = 0; i < 3; i++)
      expect(await r.observer.expect("offer")).toMatchObject({ from: r.badId, sdp: `v=${i}` });
    // The server stops reading the flooder once it is over its bucket (TCP holds the rest back): the frames
    // of the read it was in are refused, the others are not read at all (unthrottled, all 17 were refused).
    // Still up: the observer can still reach it (delivery is not charged to the receiver's bucket).
    r.observer.send({ type: "answer", room: "r", to: r.badId, sdp: "v=ok" });
    let refused = 0;
    for (let m = await r.bad.next(); m.type !== "answer"; m = await r.bad.next()) {
      expect(m).toEqual({ type: "error", code: "rate-limited", message: "too many messages: slow down" });
      refused++;
    }
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThan(burst - 3);
    expect(r.srv.counters["rate-limited"]).toBe(refused);
    expect(r.srv.counters.relayed).toBe(4);
    expect(r.bad.ws.readyState).toBe(r.bad.ws.OPEN);
    expect(r.bad.pending).toBe(0);
    expect(r.srv.relay.roomSize("r")).toBe(2);
    expect(r.observer.pending).toBe(0);
  });
});

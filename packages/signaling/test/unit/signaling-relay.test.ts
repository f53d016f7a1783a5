/**
 * The SignalingRelay machine without sockets: a manual clock, seeded randomness, frames in, transmits and
 * events out.
 */
import { describe, expect, it } from "vitest";
import {
  type ConnId,
  type ServerMessage,
  SignalingRelay,
  type SignalingRelayConfig,
  type SignalingRelayEvent,
  UsageError,
} from "../../src/index.js";

/** Deterministic bytes (a counter), so peer ids are predictable and distinct. */
function counterRandom(): (n: number) => Uint8Array {
  let k = 0;
  return (n) => Uint8Array.from({ length: n }, () => k++ & 0xff);
}

class Harness {
  readonly relay: SignalingRelay;
  now = 0;
  readonly out = new Map<ConnId, ServerMessage[]>();
  readonly events: SignalingRelayEvent[] = [];

  constructor(config: Partial<SignalingRelayConfig> = {}) {
    this.relay = new SignalingRelay({ random: counterRandom(), secretEquals: (a, b) => a === b, ...config });
  }

  open(token?: string): ConnId {
    const c = this.relay.handleOpen(this.now, token !== undefined ? { token } : {});
    if (c === undefined) throw new Error("refused");
    this.drain();
    return c;
  }

  send(conn: ConnId, msg: unknown): void {
    this.relay.handleMessage(this.now, conn, new TextEncoder().encode(JSON.stringify(msg)), false);
    this.drain();
  }

  tick(toMs: number): void {
    this.now = toMs;
    this.relay.handleTimeout(this.now);
    this.drain();
  }

  drain(): void {
    for (let t = this.relay.pollTransmit(); t !== undefined; t = this.relay.pollTransmit()) {
      const list = this.out.get(t.conn) ?? [];
      list.push(JSON.parse(t.data) as ServerMessage);
      this.out.set(t.conn, list);
    }
    for (let e = this.relay.pollEvent(); e !== undefined; e = this.relay.pollEvent()) this.events.push(e);
  }

  /** Takes everything sent to `conn` so far. */
  take(conn: ConnId): ServerMessage[] {
    const list = this.out.get(conn) ?? [];
    this.out.set(conn, []);
    return list;
  }

  welcome(conn: ConnId, hello: Record<string, unknown> = {}): Extract<ServerMessage, { type: "welcome" }> {
    this.send(conn, { type: "hello", ...hello });
    const [w] = this.take(conn);
    if (w?.type !== "welcome") throw new Error(`no welcome: ${JSON.stringify(w)}`);
    return w;
  }

  closes(): SignalingRelayEvent[] {
    return this.events.filter((e) => e.kind === "close");
  }
}

describe("SignalingRelay", () => {
  it("refuses bad configuration with a UsageError", () => {
    expect(() => new Harness({ limits: { peersPerRoom: 0 } })).toThrow(UsageError);
    expect(() => new Harness({ heartbeatMs: -1 })).toThrow(UsageError);
  });

  it("pings every heartbeat and drops a connection that did not answer the previous ping", () => {
    const h = new Harness({ heartbeatMs: 1000 });
    const a = h.open();
    const b = h.open();
    const wa = h.welcome(a);
    h.welcome(b);
    h.send(a, { type: "join", room: "r" });
    h.send(b, { type: "join", room: "r" });
    h.take(a);
    h.take(b);
    expect(h.relay.pollTimeout()).toBe(1000);
    h.tick(1000);
    expect(h.events.filter((e) => e.kind === "ping").map((e) => (e.kind === "ping" ? e.conn : 0))).toEqual([
      a,
      b,
    ]);
    h.relay.handlePong(1500, b);
    h.tick(2000);
    expect(h.closes()).toEqual([
      { kind: "close", conn: a, code: 1001, reason: "heartbeat timeout", terminate: true },
    ]);
    expect(h.take(b)).toEqual([{ type: "peer-left", room: "r", peerId: wa.peerId, reason: "timeout" }]);
    expect(h.relay.connectionCount).toBe(1);
    // Any frame counts as alive too, not only a pong.
    h.send(b, { type: "join", room: "r" });
    h.tick(3000);
    h.tick(4000);
    expect(h.relay.connectionCount).toBe(0);
    // No connections, no heartbeat timer: only the expiry of a's dormant session (dropped at 2000).
    expect(h.relay.pollTimeout()).toBe(2000 + 60_000);
  });

  it("resumes a dormant peer id with its secret, not with a wrong one, not after the grace period", () => {
    const h = new Harness({ heartbeatMs: 0, resumeGraceMs: 5000 });
    const a = h.open();
    const w = h.welcome(a);
    h.relay.handleClose(h.now, a);
    const a2 = h.open();
    const wrong = h.welcome(a2, { resume: { peerId: w.peerId, secret: "00" } });
    expect(wrong.resumed).toBe(false);
    expect(wrong.peerId).not.toBe(w.peerId);
    const a3 = h.open();
    const right = h.welcome(a3, { resume: { peerId: w.peerId, secret: w.resumeSecret } });
    expect(right).toMatchObject({ peerId: w.peerId, resumed: true });
    // The old secret is spent: the new welcome carries a fresh one.
    expect(right.resumeSecret).not.toBe(w.resumeSecret);
    h.relay.handleClose(h.now, a3);
    expect(h.relay.pollTimeout()).toBe(5000);
    h.tick(5000);
    const a4 = h.open();
    expect(h.welcome(a4, { resume: { peerId: w.peerId, secret: right.resumeSecret } }).resumed).toBe(false);
  });

  it("a resume while the old connection is still up takes its rooms over silently and closes it (4000)", () => {
    const h = new Harness({ heartbeatMs: 0 });
    const a = h.open();
    const b = h.open();
    const wa = h.welcome(a);
    const wb = h.welcome(b);
    h.send(a, { type: "join", room: "r" });
    h.send(b, { type: "join", room: "r" });
    h.take(a);
    h.take(b);
    const a2 = h.open();
    const w2 = h.welcome(a2, { resume: { peerId: wa.peerId, secret: wa.resumeSecret } });
    expect(w2.resumed).toBe(true);
    expect(h.closes()).toEqual([
      { kind: "close", conn: a, code: 4000, reason: "replaced by a resumed session", terminate: false },
    ]);
    // b heard nothing, and its messages now reach the new connection.
    expect(h.take(b)).toEqual([]);
    h.send(b, { type: "offer", room: "r", to: wa.peerId, sdp: "s" });
    expect(h.take(a2)).toEqual([{ type: "offer", room: "r", from: wb.peerId, sdp: "s" }]);
    expect(h.take(a)).toEqual([]);
    // Rejoining is idempotent: the peers, no announcement.
    h.send(a2, { type: "join", room: "r" });
    expect(h.take(a2)).toEqual([
      { type: "joined", room: "r", peerId: wa.peerId, peers: [{ peerId: wb.peerId, name: null }] },
    ]);
    expect(h.take(b)).toEqual([]);
    // The replaced connection's late close changes nothing.
    h.relay.handleClose(h.now, a);
    expect(h.relay.roomSize("r")).toBe(2);
  });

  it("with a token, resume needs authentication too (no taking rooms over without it)", () => {
    const h = new Harness({ heartbeatMs: 0, authorize: (t) => t === "tok" });
    const a = h.open("tok");
    const wa = h.welcome(a);
    h.send(a, { type: "join", room: "r" });
    const thief = h.open();
    const w = h.welcome(thief, { resume: { peerId: wa.peerId, secret: wa.resumeSecret } });
    expect(w).toMatchObject({ resumed: false, authenticated: false });
    expect(h.closes()).toEqual([]);
  });

  it("refuses connections past maxConnections", () => {
    const h = new Harness({ limits: { maxConnections: 2 } });
    h.open();
    h.open();
    expect(h.relay.handleOpen(0)).toBeUndefined();
    expect(h.relay.counters["connections-refused"]).toBe(1);
  });

  it("dropPeer closes with 4001 and announces the reason", () => {
    const h = new Harness({ heartbeatMs: 0 });
    const a = h.open();
    const b = h.open();
    const wa = h.welcome(a);
    h.welcome(b);
    h.send(a, { type: "join", room: "r", name: "A" });
    h.send(b, { type: "join", room: "r" });
    expect(h.take(a).at(-1)).toEqual({
      type: "peer-joined",
      room: "r",
      peer: expect.objectContaining({ name: null }),
    });
    expect(h.relay.dropPeer(h.now, wa.peerId)).toBe(true);
    expect(h.relay.dropPeer(h.now, wa.peerId)).toBe(false);
    h.drain();
    expect(h.take(b).at(-1)).toEqual({ type: "peer-left", room: "r", peerId: wa.peerId, reason: "dropped" });
    expect(h.closes()).toEqual([{ kind: "close", conn: a, code: 4001, reason: "dropped", terminate: false }]);
  });

  it("the token bucket refills with time", () => {
    const h = new Harness({ heartbeatMs: 0, limits: { messagesPerSecond: 10, messageBurst: 2 } });
    const a = h.open();
    h.welcome(a);
    h.send(a, { type: "join", room: "r" });
    h.send(a, { type: "join", room: "r" });
    expect(h.take(a).map((m) => (m.type === "error" ? m.code : m.type))).toEqual(["joined", "rate-limited"]);
    h.now = 100; // one token back
    h.send(a, { type: "join", room: "r" });
    h.send(a, { type: "join", room: "r" });
    expect(h.take(a).map((m) => (m.type === "error" ? m.code : m.type))).toEqual(["joined", "rate-limited"]);
  });
});

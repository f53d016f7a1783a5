/**
 * Liveness through a real server: a peer that stops answering pings is dropped by the heartbeat alone and
 * announced; the Node client reconnects (backoff + jitter) and rejoins — with its peer id when the server
 * still knows it, with a new one (announced) after a server restart — and notices a server that stopped
 * pinging.
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { SignalingClient, startSignalingServer } from "../../src/index.js";
import { Cleanup, waitFor } from "./harness.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function client(url: string, name: string): SignalingClient {
  return cleanup.add(
    new SignalingClient(url, { name, reconnect: { initialDelayMs: 5, maxDelayMs: 100 } }),
    (c) => c.close(),
  );
}

describe("heartbeat", () => {
  it("drops a peer that stopped answering pings and announces it as left (timeout)", {
    timeout: 20_000,
  }, async () => {
    const srv = await cleanup.server({ heartbeatMs: 250 }); // generous: a loaded CI machine must not drop the observer too
    const observer = await cleanup.peer(srv.url);
    // autoPong off: the socket stays open but the peer never answers a ping, like a host that vanished
    // without closing its TCP connection. No close frame, no FIN: only the heartbeat can notice.
    const frozen = await cleanup.peer(srv.url, { autoPong: false });
    await observer.hello();
    const wf = await frozen.hello();
    expect(wf.heartbeatMs).toBe(250);
    await observer.join("r");
    await frozen.join("r");
    expect((await observer.expect("peer-joined")).peer.peerId).toBe(wf.peerId);
    const left = await observer.expect("peer-left");
    expect(left).toEqual({ type: "peer-left", room: "r", peerId: wf.peerId, reason: "timeout" });
    // Terminated without a closing handshake.
    expect((await frozen.closed).code).toBe(1006);
    expect(srv.counters["heartbeat-timeouts"]).toBe(1);
    expect(srv.relay.roomSize("r")).toBe(1);
    // The observer, which answers pings, is still there.
    expect((await observer.barrier("r")).peers).toEqual([]);
  });
});

describe("reconnect", () => {
  it("after the server drops it, the client reconnects with the same peer id and rejoins", {
    timeout: 20_000,
  }, async () => {
    const srv = await cleanup.server();
    const alice = client(srv.url, "alice");
    const bob = client(srv.url, "bob");
    const wa = await alice.connect();
    await bob.connect();
    await alice.join("r");
    await bob.join("r");

    const left = waitFor(bob, "peer-left");
    const disconnected = waitFor(alice, "disconnected");
    const rejoined = waitFor(alice, "joined");
    const welcome = waitFor(alice, "welcome");
    const back = waitFor(bob, "peer-joined");
    expect(srv.dropPeer(wa.peerId)).toBe(true);

    expect((await left)[0]).toEqual({ type: "peer-left", room: "r", peerId: wa.peerId, reason: "dropped" });
    expect((await disconnected)[0]).toMatchObject({ code: 4001, willReconnect: true });
    const [w2] = await welcome;
    expect(w2).toMatchObject({ peerId: wa.peerId, resumed: true });
    expect(w2.resumeSecret).not.toBe(wa.resumeSecret);
    expect((await rejoined)[0]).toMatchObject({ room: "r", peerId: wa.peerId });
    expect((await back)[0].peer).toEqual({ peerId: wa.peerId, name: "alice" });
    expect(alice.state).toBe("open");
    expect(alice.counters.reconnects).toBe(1);
    expect(srv.counters.resumed).toBe(1);

    // And it works: bob reaches alice again under the same id.
    const got = waitFor(alice, "signal");
    bob.send({ type: "offer", room: "r", to: wa.peerId, sdp: "again" });
    expect((await got)[0]).toMatchObject({ type: "offer", sdp: "again" });
  });

  it("after a server restart, the client gets a new peer id, announced when it rejoins", {
    timeout: 20_000,
  }, async () => {
    const first = await startSignalingServer({ port: 0, host: "127.0.0.1" });
    const port = first.port;
    const alice = client(first.url, "alice");
    const bob = client(first.url, "bob");
    const wa = await alice.connect();
    const wb = await bob.connect();
    await alice.join("r");
    await bob.join("r");

    const aliceBack = waitFor(alice, "joined");
    const bobBack = waitFor(bob, "joined");
    const aliceWelcome = waitFor(alice, "welcome");
    await first.close();
    // Clients retry (connection refused) until the new server is up on the same port.
    const second = await cleanup.server({ port });
    const [w2] = await aliceWelcome;
    expect(w2.resumed).toBe(false);
    expect(w2.peerId).not.toBe(wa.peerId);
    await aliceBack;
    await bobBack;
    expect(alice.peerId).not.toBe(wa.peerId);
    expect(bob.peerId).not.toBe(wb.peerId);
    expect(second.relay.roomSize("r")).toBe(2);
    // Whoever rejoined second was announced to the other under its new id.
    const got = waitFor(bob, "signal");
    alice.send({ type: "offer", room: "r", to: bob.peerId ?? "", sdp: "new ids" });
    expect((await got)[0]).toMatchObject({ from: alice.peerId, sdp: "new ids" });
  });

  it("a client that hears no ping for 2.5 heartbeats reconnects", { timeout: 10_000 }, async () => {
    // A server that welcomes with heartbeatMs 40 and then never pings.
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    let connections = 0;
    wss.on("connection", (ws) => {
      connections++;
      ws.on("message", (data) => {
        const m = JSON.parse(String(data)) as { type: string; id?: string };
        if (m.type !== "hello") return;
        ws.send(
          JSON.stringify({
            type: "welcome",
            id: m.id,
            peerId: "p1",
            resumeSecret: "s",
            resumed: connections > 1,
            authenticated: true,
            heartbeatMs: 40,
            maxMessageBytes: 1024,
          }),
        );
      });
    });
    http.listen(0, "127.0.0.1");
    await once(http, "listening");
    cleanup.add(http, (h) => new Promise((r) => h.close(r)));
    cleanup.add(wss, (w) => {
      for (const ws of w.clients) ws.terminate();
    });
    const c = client(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/`, "c");
    await c.connect();
    const [info] = await waitFor(c, "disconnected");
    expect(info.willReconnect).toBe(true);
    const [w] = await waitFor(c, "welcome");
    expect(w.resumed).toBe(true);
    expect(connections).toBe(2);
  });
});

/**
 * `await client.join(room)` then `client.on("signal", …)`: a server that answers the join and relays a
 * peer's offer in the same burst (one read on the client) must not lose the offer to that order.
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { SignalingClient as BrowserSignalingClient } from "../../src/browser/signaling-client.js";
import { type RelayedMessage, SignalingClient } from "../../src/index.js";

let wss: WebSocketServer | undefined;
let client: SignalingClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await new Promise<void>((r) => (wss ? wss.close(() => r()) : r()));
});

const PEER = "p".repeat(16);
const OTHER = "q".repeat(16);

/** A server that answers the join and relays a peer's offer in one burst (one read on the client). */
async function burstingServer(): Promise<string> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  wss = server;
  await once(server, "listening");
  server.on("connection", (ws) => {
    ws.on("message", (data) => {
      const m = JSON.parse(String(data)) as { type: string; id?: string; room?: string };
      if (m.type === "hello") {
        ws.send(
          JSON.stringify({
            type: "welcome",
            id: m.id,
            peerId: PEER,
            resumeSecret: "s",
            resumed: false,
            authenticated: false,
            heartbeatMs: 0,
            maxMessageBytes: 65536,
          }),
        );
      } else if (m.type === "join") {
        // Three frames written synchronously (one TCP segment on loopback): the reply, then what the
        // room already had for us.
        const frames = [
          { type: "joined", id: m.id, room: m.room, peerId: PEER, peers: [{ peerId: OTHER, name: null }] },
          { type: "peer-joined", room: m.room, peer: { peerId: OTHER, name: null } },
          { type: "offer", room: m.room, from: OTHER, sdp: "v=0\r\n" },
        ];
        for (const f of frames) ws.send(JSON.stringify(f));
      }
    });
  });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("join, then listen: room events that arrive with the joined reply are not lost", () => {
  it("Node client", async () => {
    const url = await burstingServer();
    const c = new SignalingClient(url, { name: "late-listener" });
    client = c;
    await c.connect();
    await c.join("r");
    const signals: RelayedMessage[] = [];
    const joined: string[] = [];
    c.on("signal", (m) => signals.push(m));
    c.on("peer-joined", (m) => joined.push(m.peer.peerId));
    await new Promise((r) => setTimeout(r, 50));
    expect(joined).toEqual([OTHER]);
    expect(signals.map((s) => [s.type, s.from])).toEqual([["offer", OTHER]]);
  });

  it("browser client, over a WebSocket that hands a read's messages over synchronously (ws)", async () => {
    const url = await burstingServer();
    const c = new BrowserSignalingClient(url, { name: "late-listener", WebSocket, reconnect: false });
    try {
      await c.connect();
      await c.join("r");
      const signals: { type: string; from: string }[] = [];
      const joined: string[] = [];
      c.on("signal", (m: { type: string; from: string }) => signals.push(m));
      c.on("peer-joined", (m: { peer: { peerId: string } }) => joined.push(m.peer.peerId));
      await new Promise((r) => setTimeout(r, 50));
      expect(joined).toEqual([OTHER]);
      expect(signals.map((s) => [s.type, s.from])).toEqual([["offer", OTHER]]);
    } finally {
      c.close();
    }
  });
});

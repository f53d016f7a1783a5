/**
 * `await client.join(room)` then `client.on("signal", …)`: a server that answers the join and relays a
 * peer's offer in the same burst (one read on the client) must not lose the offer to that order.
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { type RelayedMessage, SignalingClient } from "../../src/index.js";

let wss: WebSocketServer | undefined;
let client: SignalingClient | undefined;
afterEach(async () => {
  await client?.close();
  await new Promise<void>((r) => (wss ? wss.close(() => r()) : r()));
});

const PEER = "p".repeat(16);
const OTHER = "q".repeat(16);

describe("SignalingClient join", () => {
  it("room events that arrive with the joined reply reach listeners added after await join()", async () => {
    wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await once(wss, "listening");
    wss.on("connection", (ws) => {
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
          // One burst (three frames written synchronously, so one TCP segment on loopback): the reply,
          // then what the room already had for us.
          const frames = [
            { type: "joined", id: m.id, room: m.room, peerId: PEER, peers: [{ peerId: OTHER, name: null }] },
            { type: "peer-joined", room: m.room, peer: { peerId: OTHER, name: null } },
            { type: "offer", room: m.room, from: OTHER, sdp: "v=0\r\n" },
          ];
          for (const f of frames) ws.send(JSON.stringify(f));
        }
      });
    });
    const { port } = wss.address() as AddressInfo;
    client = new SignalingClient(`ws://127.0.0.1:${port}`, { name: "late-listener" });
    await client.connect();
    await client.join("r");
    const signals: RelayedMessage[] = [];
    const joined: string[] = [];
    client.on("signal", (m) => signals.push(m));
    client.on("peer-joined", (m) => joined.push(m.peer.peerId));
    await new Promise((r) => setTimeout(r, 50));
    expect(joined).toEqual([OTHER]);
    expect(signals.map((s) => [s.type, s.from])).toEqual([["offer", OTHER]]);
  });
});

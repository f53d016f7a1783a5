/**
 * Two Node clients join a room through a real server on 127.0.0.1 and exchange a whole negotiation's
 * worth of messages: offer, answer, candidates, end-of-candidates (both forms), bye.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type RelayedMessage, SignalingClient } from "../../src/index.js";
import { Cleanup, waitFor } from "./harness.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function client(url: string, name: string): SignalingClient {
  return cleanup.add(new SignalingClient(url, { name, reconnect: false }), (c) => c.close());
}

/** Collects `signal` messages; `take(n)` resolves once n have arrived. */
function inbox(c: SignalingClient): { take(n: number): Promise<RelayedMessage[]> } {
  const got: RelayedMessage[] = [];
  let want: { n: number; resolve: (m: RelayedMessage[]) => void } | undefined;
  c.on("signal", (m) => {
    got.push(m);
    if (want !== undefined && got.length >= want.n) want.resolve(got.splice(0, want.n));
  });
  return {
    take: (n) =>
      new Promise((resolve) => {
        if (got.length >= n) resolve(got.splice(0, n));
        else want = { n, resolve };
      }),
  };
}

describe("relay between two clients", () => {
  it("joins, announces, and relays offer/answer/candidates/end-of-candidates/bye to one peer", {
    timeout: 10_000,
  }, async () => {
    const srv = await cleanup.server();
    const alice = client(srv.url, "alice");
    const bob = client(srv.url, "bob");
    const wa = await alice.connect();
    const wb = await bob.connect();
    expect(wa.peerId).not.toBe(wb.peerId);
    expect(wa.authenticated).toBe(true);

    const aliceJoined = await alice.join("r1");
    expect(aliceJoined.peers).toEqual([]);
    const announced = waitFor(alice, "peer-joined");
    const bobJoined = await bob.join("r1");
    expect(bobJoined.peers).toEqual([{ peerId: wa.peerId, name: "alice" }]);
    const [pj] = await announced;
    expect(pj).toEqual({ type: "peer-joined", room: "r1", peer: { peerId: wb.peerId, name: "bob" } });

    const toBob = inbox(bob);
    const toAlice = inbox(alice);
    const offerSdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    alice.send({ type: "offer", room: "r1", to: wb.peerId, sdp: offerSdp });
    alice.send({
      type: "candidate",
      room: "r1",
      to: wb.peerId,
      candidate: {
        candidate: "candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host",
        sdpMid: "0",
        sdpMLineIndex: 0,
      },
    });
    alice.send({ type: "candidate", room: "r1", to: wb.peerId, candidate: null });
    alice.send({ type: "end-of-candidates", room: "r1", to: wb.peerId });
    const [offer, cand, nullCand, eoc] = await toBob.take(4);
    expect(offer).toEqual({ type: "offer", room: "r1", from: wa.peerId, sdp: offerSdp });
    expect(cand).toEqual({
      type: "candidate",
      room: "r1",
      from: wa.peerId,
      candidate: {
        candidate: "candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host",
        sdpMid: "0",
        sdpMLineIndex: 0,
      },
    });
    expect(nullCand).toEqual({ type: "candidate", room: "r1", from: wa.peerId, candidate: null });
    expect(eoc).toEqual({ type: "end-of-candidates", room: "r1", from: wa.peerId });

    bob.send({ type: "answer", room: "r1", to: wa.peerId, sdp: "v=0\r\nanswer\r\n" });
    // A candidate with only sdpMLineIndex: the missing sdpMid is relayed as null.
    bob.send({
      type: "candidate",
      room: "r1",
      to: wa.peerId,
      candidate: {
        candidate: "candidate:2 1 udp 1 127.0.0.1 6000 typ host",
        sdpMLineIndex: 0,
        usernameFragment: "abcd",
      },
    });
    bob.send({ type: "bye", room: "r1", to: wa.peerId, reason: "done" });
    const [answer, cand2, bye] = await toAlice.take(3);
    expect(answer).toEqual({ type: "answer", room: "r1", from: wb.peerId, sdp: "v=0\r\nanswer\r\n" });
    expect(cand2).toEqual({
      type: "candidate",
      room: "r1",
      from: wb.peerId,
      candidate: {
        candidate: "candidate:2 1 udp 1 127.0.0.1 6000 typ host",
        sdpMid: null,
        sdpMLineIndex: 0,
        usernameFragment: "abcd",
      },
    });
    expect(bye).toEqual({ type: "bye", room: "r1", from: wb.peerId, reason: "done" });
    expect(srv.counters.relayed).toBe(7);

    // Leaving is announced with its reason; a closed socket too.
    const left = waitFor(alice, "peer-left");
    await bob.leave("r1");
    expect((await left)[0]).toEqual({ type: "peer-left", room: "r1", peerId: wb.peerId, reason: "left" });
    expect(srv.relay.roomSize("r1")).toBe(1);
  });

  it("announces a peer whose socket closed as left (disconnected)", { timeout: 10_000 }, async () => {
    const srv = await cleanup.server();
    const alice = client(srv.url, "alice");
    const bob = client(srv.url, "bob");
    await alice.connect();
    const wb = await bob.connect();
    await alice.join("r");
    await bob.join("r");
    const left = waitFor(alice, "peer-left");
    await bob.close();
    expect((await left)[0]).toEqual({
      type: "peer-left",
      room: "r",
      peerId: wb.peerId,
      reason: "disconnected",
    });
    expect(srv.relay.roomSize("r")).toBe(1);
  });

  it("keeps rooms apart: a message in one room never reaches a peer only in another", {
    timeout: 10_000,
  }, async () => {
    const srv = await cleanup.server();
    const a = client(srv.url, "a");
    const b = client(srv.url, "b");
    const c = client(srv.url, "c");
    await a.connect();
    const wb = await b.connect();
    await c.connect();
    await a.join("one");
    await b.join("one");
    await c.join("two");
    const seenByC: RelayedMessage[] = [];
    c.on("signal", (m) => seenByC.push(m));
    const got = waitFor(b, "signal");
    a.send({ type: "offer", room: "one", to: wb.peerId, sdp: "x" });
    expect((await got)[0].type).toBe("offer");
    // c's own round trip: anything queued for it earlier would have arrived first.
    await c.join("two");
    expect(seenByC).toEqual([]);
  });
});

/**
 * Perfect negotiation (W3C webrtc-pc "Perfect negotiation example") through a real signaling server,
 * with two in-memory peer connections that keep the signaling state machine honestly
 * (../sim/fake-peer-connection.ts). Glare: both add a track in the same tick, so both offers are on the
 * wire before either arrives; the impolite peer ignores the polite one's offer, the polite one rolls back
 * and answers, then negotiates its own track.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  isPolite,
  type PeerConnectionLike,
  type PerfectNegotiation,
  SignalingClient,
  wirePerfectNegotiation,
} from "../../src/index.js";
import { FakePeerConnection, nodeStyle } from "../sim/fake-peer-connection.js";
import { Cleanup, waitFor } from "./harness.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

interface Side {
  readonly pc: FakePeerConnection;
  readonly neg: PerfectNegotiation;
  readonly polite: boolean;
  readonly errors: unknown[];
}

/** Two clients in one room, each with a fake peer connection wired for perfect negotiation. */
async function pair(opts: { implicitRollback: boolean }): Promise<[Side, Side]> {
  const srv = await cleanup.server();
  const a = cleanup.add(new SignalingClient(srv.url, { reconnect: false }), (c) => c.close());
  const b = cleanup.add(new SignalingClient(srv.url, { reconnect: false }), (c) => c.close());
  const ida = (await a.connect()).peerId;
  const idb = (await b.connect()).peerId;
  await a.join("call");
  const announced = waitFor(a, "peer-joined");
  await b.join("call");
  await announced;
  const side = (client: SignalingClient, self: string, other: string, shape: "dom" | "node"): Side => {
    const pc = new FakePeerConnection(self, { implicitRollback: opts.implicitRollback });
    const errors: unknown[] = [];
    const polite = isPolite(self, other);
    const like: PeerConnectionLike = shape === "dom" ? pc : nodeStyle(pc);
    const neg = wirePerfectNegotiation({
      pc: like,
      signaling: client,
      room: "call",
      remotePeerId: other,
      polite,
      implicitRollback: opts.implicitRollback,
      onError: (e) => errors.push(e),
    });
    cleanup.add(neg, (n) => n.close());
    return { pc, neg, polite, errors };
  };
  return [side(a, ida, idb, "dom"), side(b, idb, ida, "node")];
}

/** Resolves when `done()` holds, re-checking after every change either peer connection reports. */
function until(sides: readonly Side[], done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!done()) return;
      for (const s of sides) s.pc.onChange = () => {};
      resolve();
    };
    for (const s of sides) s.pc.onChange = check;
    check();
  });
}

/** Both stable with nothing left to negotiate, each holding the other's tracks and candidates. */
function converged(x: Side, y: Side): boolean {
  const holds = (me: Side, them: Side): boolean =>
    me.pc.settled &&
    them.pc.localTracks.every((t) => me.pc.remoteTracks.has(t)) &&
    me.pc.endOfRemoteCandidates &&
    me.pc.remoteCandidates.length > 0;
  return holds(x, y) && holds(y, x);
}

describe("perfect negotiation through the signaling server", () => {
  it("a single negotiation: one side adds a track, no glare", { timeout: 10_000 }, async () => {
    const [x, y] = await pair({ implicitRollback: true });
    x.pc.addTrack("x-audio");
    await until([x, y], () => x.pc.settled && y.pc.remoteTracks.has("x-audio") && y.pc.endOfRemoteCandidates);
    expect(x.neg.counters.offersSent).toBe(1);
    expect(y.neg.counters.answersSent).toBe(1);
    expect(x.neg.counters.rollbacks + y.neg.counters.rollbacks).toBe(0);
    expect(x.neg.counters.offersIgnored + y.neg.counters.offersIgnored).toBe(0);
    expect(y.pc.signalingState).toBe("stable");
    expect([...x.errors, ...y.errors]).toEqual([]);
  });

  for (const implicitRollback of [true, false]) {
    it(`glare: both offer at once, ${implicitRollback ? "implicit" : "explicit"} rollback`, {
      timeout: 10_000,
    }, async () => {
      const [x, y] = await pair({ implicitRollback });
      expect(x.polite).not.toBe(y.polite);
      const polite = x.polite ? x : y;
      const impolite = x.polite ? y : x;
      // Same tick: both negotiationneeded events fire and both offers go out before either arrives.
      x.pc.addTrack("x-audio");
      y.pc.addTrack("y-video");
      await until([x, y], () => converged(x, y));

      // Both offered; the impolite peer ignored the colliding offer, the polite one rolled back and answered.
      expect(x.neg.counters.offersSent).toBeGreaterThanOrEqual(1);
      expect(y.neg.counters.offersSent).toBeGreaterThanOrEqual(1);
      expect(impolite.neg.counters.offersIgnored).toBe(1);
      expect(polite.neg.counters.rollbacks).toBe(1);
      expect(polite.neg.counters.offersIgnored).toBe(0);
      expect(impolite.neg.counters.rollbacks).toBe(0);
      // The polite side's track went in a second negotiation, which it offered.
      expect(polite.neg.counters.offersSent).toBe(2);
      expect(polite.pc.negotiationNeededFired).toBe(2);
      expect(impolite.neg.counters.answersSent).toBe(1);
      expect(polite.neg.counters.answersSent).toBe(1);
      expect(x.pc.remoteTracks).toEqual(new Set(["y-video"]));
      expect(y.pc.remoteTracks).toEqual(new Set(["x-audio"]));
      // Candidates of the ignored offer failed to apply on the impolite side, and were not errors.
      expect([...x.errors, ...y.errors]).toEqual([]);
    });
  }

  it("without the helper's care, the same glare breaks the state machine (the fake is not lenient)", {
    timeout: 10_000,
  }, async () => {
    const pc = new FakePeerConnection("solo", { implicitRollback: false });
    pc.addTrack("t");
    await pc.setLocalDescription();
    expect(pc.signalingState).toBe("have-local-offer");
    await expect(pc.setRemoteDescription({ type: "offer", sdp: "v=0\r\n" })).rejects.toThrow(
      /have-local-offer/,
    );
    await expect(pc.setRemoteDescription({ type: "answer", sdp: "v=0\r\n" })).resolves.toBeUndefined();
    expect(pc.signalingState).toBe("stable");
    await expect(pc.setLocalDescription({ type: "rollback" })).rejects.toThrow(/rollback in stable/);
  });
});

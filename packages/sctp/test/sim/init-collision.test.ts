import { describe, expect, it } from "vitest";
import { decodeSctpPacket, encodeSctpPacket } from "../../src/index.js";
import { Prng } from "./prng.js";
import { pattern, SctpPair } from "./sctp-pair.js";

/** The chunk types of a packet, e.g. ["init"] or ["cookie-echo"]. */
function types(packet: Uint8Array): string[] {
  const d = decodeSctpPacket(packet, { verifyChecksum: false });
  return d.ok ? d.value.chunks.map((c) => c.type) : ["undecodable"];
}

function exchange(pair: SctpPair): void {
  pair.send(pair.a, 1, pattern(1, 3000), undefined, 1);
  pair.send(pair.b, 1, pattern(2, 3000), undefined, 2);
  pair.runUntil(() => pair.a.messages.length >= 1 && pair.b.messages.length >= 1, { maxSteps: 10_000 });
  expect(pair.b.messages.at(-1)?.data).toEqual(pattern(1, 3000));
  expect(pair.a.messages.at(-1)?.data).toEqual(pattern(2, 3000));
}

describe("association set-up and INIT collisions (RFC 9260 §5.1, §5.2)", () => {
  it("both sides send INIT at once (§5.2.1): one association, both connected once", () => {
    for (const seed of [51, 52, 53, 54, 55]) {
      const pair = new SctpPair({ seed, link: { delayMs: 10 + seed, jitterMs: 5 } });
      pair.connectBoth();
      pair.runFor(500);
      expect(pair.a.events.filter((e) => e.kind === "connected").length).toBe(1);
      expect(pair.b.events.filter((e) => e.kind === "connected").length).toBe(1);
      exchange(pair);
    }
  });

  it("one side connects, the other never calls connect (passive open, stateless INIT ACK)", () => {
    const pair = new SctpPair({ seed: 56, link: { delayMs: 10 } });
    pair.a.endpoint.connect(pair.now);
    pair.driver.flush();
    pair.runUntil(() => pair.a.has("connected") && pair.b.has("connected"));
    exchange(pair);
  });

  it("lost INIT, INIT ACK, COOKIE ECHO and COOKIE ACK are retransmitted by T1 (a duplicate COOKIE ECHO is case D)", () => {
    for (const lose of ["init", "init-ack", "cookie-echo", "cookie-ack"]) {
      const pair = new SctpPair({ seed: 57, link: { delayMs: 10 } });
      let dropped = 0;
      pair.link.filter = (_from, data) => {
        if (dropped < 2 && types(data)[0] === lose) {
          dropped++;
          return false;
        }
        return true;
      };
      pair.a.endpoint.connect(pair.now);
      pair.driver.flush();
      const r = pair.runUntil(() => pair.a.has("connected") && pair.b.has("connected"));
      expect(dropped).toBe(2);
      expect(r.now).toBeGreaterThan(1000);
      expect(pair.a.endpoint.counters["t1-expiries"]).toBeGreaterThanOrEqual(1);
      exchange(pair);
    }
  });

  it("no answer at all: connect fails with connect-timeout after Max.Init.Retransmits", () => {
    const pair = new SctpPair({ seed: 58, link: { delayMs: 10 }, a: { maxInitRetransmits: 3 } });
    pair.link.filter = () => false;
    pair.a.endpoint.connect(pair.now);
    pair.driver.flush();
    pair.runUntil(() => pair.a.has("failed"));
    const f = pair.a.event("failed");
    expect(f?.error.code).toBe("connect-timeout");
    // 1 s, then 2, 4, 8 s of back-off.
    expect(pair.now).toBe(1000 + 2000 + 4000 + 8000);
    expect(pair.a.endpoint.state).toBe("closed");
  });

  it("§5.2.4 B and C: the peer answered our INIT before it connected, then sent its own INIT", () => {
    const pair = new SctpPair({ seed: 59, link: { delayMs: 10 } });
    // A's first COOKIE ECHO (with B's stateless cookie) is held back and replayed at the end.
    let held: Uint8Array | undefined;
    pair.link.filter = (from, data) => {
      if (from === 0 && held === undefined && types(data)[0] === "cookie-echo") {
        held = data;
        return false;
      }
      return true;
    };
    pair.a.endpoint.connect(pair.now);
    pair.driver.flush();
    pair.runFor(25); // INIT to B, stateless INIT ACK back, A in COOKIE-ECHOED (its COOKIE ECHO held)
    expect(pair.a.endpoint.state).toBe("cookie-echoed");
    expect(held).toBeDefined();
    pair.b.endpoint.connect(pair.now); // B now sends its own INIT, with another tag
    pair.driver.flush();
    pair.runUntil(() => pair.a.has("connected") && pair.b.has("connected"));
    expect(pair.a.endpoint.counters["init-collision-b"]).toBe(1);
    // The late COOKIE ECHO of the first attempt: case C, silently discarded.
    pair.b.endpoint.handlePacket(pair.now, held as Uint8Array);
    expect(pair.b.endpoint.counters["cookie-echo-discarded"]).toBe(1);
    expect(pair.b.endpoint.state).toBe("established");
    exchange(pair);
    expect(pair.a.events.filter((e) => e.kind === "connected").length).toBe(1);
  });

  it("§5.2.4 A: the peer restarts (a new INIT to an established association, Tie-Tags in the cookie)", () => {
    const pair = new SctpPair({ seed: 60, link: { delayMs: 10 } });
    pair.connectBoth();
    exchange(pair);
    // B "restarts": its INIT with a new tag reaches A, which is still established.
    const r = new Prng(61);
    const b2 = pair.b.replace({ random: (n) => r.bytes(n) });
    b2.connect(pair.now);
    pair.driver.flush();
    pair.runUntil(() => pair.b.has("connected") && pair.a.has("restarted"));
    expect(pair.a.endpoint.counters.restarts).toBe(1);
    expect(pair.a.endpoint.state).toBe("established");
    pair.a.messages.length = 0;
    pair.b.messages.length = 0;
    exchange(pair);
  });

  it("COOKIE ACKs lost until the cookie aged: the repeated COOKIE ECHO is still answered (case D, stale cookie)", () => {
    // Regression: the stale cookie got a Stale Cookie ERROR although the association existed; the peer
    // started over and never got in.
    const pair = new SctpPair({ seed: 62, link: { delayMs: 10 }, a: { cookieLifetimeMs: 3000 } });
    pair.link.filter = (from, data) => !(from === 0 && pair.now < 10_000 && types(data)[0] === "cookie-ack");
    pair.b.endpoint.connect(pair.now);
    pair.driver.flush();
    pair.runUntil(() => pair.a.has("connected") && pair.b.has("connected"), { maxTimeMs: 120_000 });
    expect(pair.a.endpoint.counters["cookie-echo-repeated-stale"]).toBeGreaterThan(0);
    expect(pair.a.endpoint.counters["cookie-stale"]).toBeUndefined();
    exchange(pair);
  });

  it("the peer runs its set-up again with its old tag (an INIT to an established association): accepted as a restart", () => {
    // Regression: by the table of §5.2.4, a COOKIE ECHO with our Tie-Tags but the peer's old tag was
    // discarded, and such a peer retried until it failed.
    const pair = new SctpPair({ seed: 63, link: { delayMs: 10 } });
    let bInit: Uint8Array | undefined;
    pair.link.filter = (from, data) => {
      if (from === 1 && types(data)[0] === "init") bInit ??= data.slice();
      return true;
    };
    pair.connectBoth();
    // B's INIT again (same Initiate Tag) reaches the established A: an INIT ACK with a new tag and Tie-Tags.
    pair.a.endpoint.handlePacket(pair.now, bInit as Uint8Array);
    const ack = decodeSctpPacket(pair.a.endpoint.pollTransmit() as Uint8Array);
    if (!ack.ok || ack.value.chunks[0]?.type !== "init-ack") throw new Error("no INIT ACK");
    const initAck = ack.value.chunks[0];
    const cookie = initAck.parameters.find((p) => p.type === "state-cookie");
    if (cookie?.type !== "state-cookie") throw new Error("no cookie");
    // What B would send back from COOKIE-WAIT: the cookie, under the new tag.
    pair.a.endpoint.handlePacket(
      pair.now,
      encodeSctpPacket({
        sourcePort: 5000,
        destinationPort: 5000,
        verificationTag: initAck.initiateTag,
        chunks: [{ type: "cookie-echo", cookie: cookie.cookie }],
      }),
    );
    pair.a.drain(pair.now);
    expect(pair.a.has("restarted")).toBe(true);
    const reply = decodeSctpPacket(pair.a.endpoint.pollTransmit() as Uint8Array, {
      acceptZeroChecksum: true,
    });
    expect(reply.ok && reply.value.chunks[0]?.type).toBe("cookie-ack");
    expect(reply.ok && reply.value.verificationTag).toBe(ack.value.verificationTag);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Chunk, crc32c, decodeSctpPacket, encodeSctpPacket } from "../../src/index.js";
import { Prng } from "./prng.js";
import { pattern, SctpPair } from "./sctp-pair.js";

/** Sets a correct CRC32c on a (modified) packet, so that it gets past the checksum to the machine. */
function fixCrc(p: Uint8Array): Uint8Array {
  p.fill(0, 8, 12);
  const c = crc32c(p);
  p[8] = c & 0xff;
  p[9] = (c >>> 8) & 0xff;
  p[10] = (c >>> 16) & 0xff;
  p[11] = c >>> 24;
  return p;
}

function packet(verificationTag: number, chunks: Chunk[]): Uint8Array {
  return encodeSctpPacket({ sourcePort: 5000, destinationPort: 5000, verificationTag, chunks });
}

/** An established pair, and a's packets to b as the link carried them (for b's tag and a's TSNs). */
function established(seed: number, b = {}) {
  const pair = new SctpPair({ seed, link: { delayMs: 10 }, b });
  const fromA: Uint8Array[] = [];
  pair.link.filter = (from, data) => {
    if (from === 0) fromA.push(data.slice());
    return true;
  };
  pair.connectBoth();
  pair.send(pair.a, 1, pattern(1, 100), undefined, 1);
  pair.runUntil(() => pair.b.messages.length === 1);
  const dataPacket = fromA.find((p) => {
    const d = decodeSctpPacket(p, { verifyChecksum: false });
    return d.ok && d.value.chunks.some((c) => c.type === "i-data");
  }) as Uint8Array;
  const d = decodeSctpPacket(dataPacket, { verifyChecksum: false });
  if (!d.ok) throw new Error("no data packet");
  const chunk = d.value.chunks.find((c) => c.type === "i-data");
  return {
    pair,
    fromA,
    dataPacket,
    bTag: d.value.verificationTag,
    lastTsn: chunk?.type === "i-data" ? chunk.tsn : 0,
  };
}

describe("bad input never crashes and never corrupts state", () => {
  it("a wrong verification tag is dropped and counted (RFC 9260 §8.5)", () => {
    const { pair, bTag, lastTsn } = established(101);
    const forged = packet((bTag + 1) >>> 0, [
      {
        type: "i-data",
        immediate: false,
        unordered: false,
        beginning: true,
        ending: true,
        tsn: (lastTsn + 1) >>> 0,
        streamId: 1,
        mid: 1,
        ppid: 53,
        fsn: 0,
        userData: pattern(2, 10),
      },
    ]);
    pair.b.endpoint.handlePacket(pair.now, forged);
    expect(pair.b.endpoint.counters["bad-verification-tag"]).toBe(1);
    expect(pair.b.endpoint.pollTransmit()).toBeUndefined();
    pair.b.drain(pair.now);
    expect(pair.b.messages.length).toBe(1);
    // The same chunk under the right tag is taken.
    const genuine = packet(bTag, [
      {
        type: "i-data",
        immediate: false,
        unordered: false,
        beginning: true,
        ending: true,
        tsn: (lastTsn + 1) >>> 0,
        streamId: 1,
        mid: 1,
        ppid: 53,
        fsn: 0,
        userData: pattern(2, 10),
      },
    ]);
    pair.b.endpoint.handlePacket(pair.now, genuine);
    pair.b.drain(pair.now);
    expect(pair.b.messages.at(-1)?.data).toEqual(pattern(2, 10));
  });

  it("a bad CRC32c is dropped and counted", () => {
    const { pair, dataPacket } = established(102, { zeroChecksum: false });
    const bad = dataPacket.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0x40;
    pair.b.endpoint.handlePacket(pair.now, bad);
    expect(pair.b.endpoint.counters["bad-checksum"]).toBe(1);
    expect(pair.b.endpoint.pollTransmit()).toBeUndefined();
  });

  it('10,000 INITs from as many "peers" leave no state, established or not', () => {
    const r = new Prng(103);
    const flood = (target: SctpPair["a"]["endpoint"], now: number) => {
      let answers = 0;
      for (let i = 0; i < 10_000; i++) {
        const init = packet(0, [
          {
            type: "init",
            initiateTag: r.nextU32() || 1,
            aRwnd: 65536,
            numberOfOutboundStreams: 1024,
            numberOfInboundStreams: 1024,
            initialTsn: r.nextU32(),
            parameters: [],
          },
        ]);
        target.handlePacket(now, init);
        for (let p = target.pollTransmit(); p !== undefined; p = target.pollTransmit()) answers++;
      }
      return answers;
    };
    // An association that never connected: answers each INIT, stays closed, holds nothing.
    const idle = new SctpPair({ seed: 104 });
    expect(flood(idle.b.endpoint, 0)).toBe(10_000);
    expect(idle.b.endpoint.state).toBe("closed");
    expect(idle.b.endpoint.usage()).toEqual({
      sendStreams: 0,
      receiveStreams: 0,
      queuedBytes: 0,
      inFlightBytes: 0,
      receiveBufferedBytes: 0,
    });
    expect(idle.b.endpoint.pollTimeout()).toBeUndefined();
    // It can still be connected normally afterwards.
    idle.a.endpoint.connect(idle.now);
    idle.driver.flush();
    idle.runUntil(() => idle.a.has("connected") && idle.b.has("connected"));
    // An established one: same, and its association goes on untouched.
    const { pair } = established(105);
    const before = pair.b.endpoint.usage();
    expect(flood(pair.b.endpoint, pair.now)).toBe(10_000);
    expect(pair.b.endpoint.state).toBe("established");
    expect(pair.b.endpoint.usage()).toEqual(before);
    pair.send(pair.a, 1, pattern(3, 5000), undefined, 3);
    pair.runUntil(() => pair.b.messages.length === 2);
    expect(pair.b.messages[1]?.ppid).toBe(3);
    // Forged COOKIE ECHOs: refused by the MAC, no state either.
    for (let i = 0; i < 1000; i++) {
      const cookie = r.bytes(88);
      cookie[0] = 1; // our cookie format's version: the forgery reaches the MAC check
      idle.b.endpoint.handlePacket(idle.now, packet(r.nextU32(), [{ type: "cookie-echo", cookie }]));
    }
    expect(idle.b.endpoint.counters["cookie-bad-mac"] ?? 0).toBe(1000);
    expect(idle.b.endpoint.usage().receiveStreams).toBe(0);
    expect(idle.b.endpoint.state).toBe("established");
  });

  it("a peer that ignores our window: reassembly over the cap aborts with a typed error", () => {
    const { pair, bTag, lastTsn } = established(106, {
      receiveWindowBytes: 64 * 1024,
      maxReceiveMessageSize: 64 * 1024,
      reassemblyLimitBytes: 256 * 1024,
    });
    // First fragments of ever more messages, none ever finished, in TSN order: each moves the
    // cumulative ack, so the closed window does not stop them; the cap does.
    let tsn = lastTsn;
    for (let mid = 0; mid < 400 && !pair.b.has("failed"); mid++) {
      tsn = (tsn + 1) >>> 0;
      pair.b.endpoint.handlePacket(
        pair.now,
        packet(bTag, [
          {
            type: "i-data",
            immediate: false,
            unordered: true,
            beginning: true,
            ending: false,
            tsn,
            streamId: 2,
            mid,
            ppid: 53,
            fsn: 0,
            userData: pattern(mid, 1000),
          },
        ]),
      );
      pair.b.drain(pair.now);
    }
    const failed = pair.b.event("failed");
    expect(failed?.error.name).toBe("SctpError");
    expect(failed?.error.code).toBe("reassembly-overflow");
    expect(pair.b.endpoint.state).toBe("closed");
    const abort = pair.b.endpoint.pollTransmit() as Uint8Array;
    const d = decodeSctpPacket(abort, { acceptZeroChecksum: true });
    expect(d.ok && d.value.chunks[0]).toMatchObject({
      type: "abort",
      errorCauses: [{ type: "out-of-resource" }],
    });
  });

  it("a message over our max-message-size aborts with message-too-large", () => {
    const pair = new SctpPair({
      seed: 107,
      link: { delayMs: 10 },
      a: { maxSendMessageSize: 1 << 20 },
      b: { maxReceiveMessageSize: 256 * 1024 },
    });
    pair.connectBoth();
    pair.send(pair.a, 1, pattern(1, 300 * 1024), undefined, 1);
    pair.runUntil(() => pair.b.has("failed") && pair.a.has("closed"));
    expect(pair.b.event("failed")?.error.code).toBe("message-too-large");
    expect(pair.a.event("closed")?.reason).toBe("abort-received");
  });

  it("fuzz: mutated packets of a whole session, CRC fixed so they reach the machine, never throw inside it", () => {
    // A corpus of every kind of packet a session produces (set-up, data, SACK, FORWARD TSN, RE-CONFIG,
    // HEARTBEAT, SHUTDOWN), from both sides.
    const corpus: Uint8Array[] = [];
    const pair = new SctpPair({
      seed: 108,
      link: { delayMs: 10, lossRate: 0.1 },
      a: { heartbeatIntervalMs: 200 },
    });
    pair.link.filter = (_from, data) => {
      corpus.push(data.slice());
      return true;
    };
    pair.connectBoth();
    for (let i = 0; i < 30; i++)
      pair.send(pair.a, i % 3, pattern(i, 2500), { maxRetransmits: i % 2, unordered: i % 4 === 0 }, i);
    pair.a.endpoint.resetStreams(pair.now, [1]);
    pair.driver.flush();
    pair.runFor(3000);
    pair.a.endpoint.shutdown(pair.now);
    pair.driver.flush();
    pair.runFor(3000);
    expect(corpus.length).toBeGreaterThan(50);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: corpus.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (which, edits, keepHeader) => {
          const target = established(109).pair.b.endpoint;
          const p = (corpus[which] as Uint8Array).slice();
          for (const [at, v] of edits) {
            const i = keepHeader ? 12 + (at % Math.max(1, p.length - 12)) : at % p.length;
            if (i < p.length) p[i] = v;
          }
          target.handlePacket(1000, fixCrc(p));
          for (let i = 0; i < 10 && target.pollTransmit() !== undefined; i++);
          for (let e = target.pollEvent(); e !== undefined; e = target.pollEvent());
          target.handleTimeout(target.pollTimeout() ?? 2000);
          expect(target.counters["internal-error"]).toBeUndefined();
        },
      ),
      { numRuns: 300, seed: 110 },
    );
  });
});

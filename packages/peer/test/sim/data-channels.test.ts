/**
 * Data channels between two Tern machines (`DataChannels` over `DtlsTransport`) on the seeded simulated
 * network, manual clock: DCEP, ids by DTLS role, negotiated channels, PPIDs, ordering and partial
 * reliability, closing through stream resets and id reuse, bufferedAmount, send errors, bad DCEP input.
 */
import { runFor, runUntil } from "@tern/ice/testing";
import { describe, expect, it } from "vitest";
import { dataChannelPair } from "./data-channel-pair.js";

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

async function connected(seed = 1, lossRate = 0) {
  const p = await dataChannelPair({ seed, lossRate, delayMs: [5, 15] });
  runUntil(p.net, () => p.a.dc.state === "connected" && p.b.dc.state === "connected", {
    maxSteps: 20_000,
    maxTimeMs: 30_000,
  });
  return p;
}

describe("data channels over DTLS on the simulated network", () => {
  it("the DTLS client opens a channel on an even id; the server sees it (DCEP OPEN/ACK) and both exchange every PPID form", async () => {
    const { net, a, b } = await connected();
    const ca = a.createChannel({ label: "chat", protocol: "json", priority: "high" });
    expect(ca.id).toBe(0);
    expect(ca.readyState).toBe("open"); // opens as DATA_CHANNEL_OPEN leaves (RFC 8832 §6)
    runUntil(net, () => b.of("remote-channel").length === 1, { maxSteps: 1000 });
    const cb = b.of("remote-channel")[0]?.channel;
    expect(cb).toMatchObject({ id: 0, label: "chat", protocol: "json", ordered: true, priority: "high" });
    expect(cb?.readyState).toBe("open");
    if (!cb) throw new Error("no channel");
    const sent: [Uint8Array, boolean][] = [
      [text("hello"), false],
      [new Uint8Array([1, 2, 3, 0, 255]), true],
      [new Uint8Array(0), false],
      [new Uint8Array(0), true],
      [text("ünïcødé ✓"), false],
    ];
    for (const [d, binary] of sent) a.dc.send(net.now(), ca, d, binary);
    for (const [d, binary] of sent) b.dc.send(net.now(), cb, d, binary);
    a.pump(net.now());
    b.pump(net.now());
    runUntil(net, () => b.of("message").length === 5 && a.of("message").length === 5, { maxSteps: 1000 });
    for (const side of [a, b]) {
      expect(side.of("message").map((m) => [Buffer.from(m.data).toString("hex"), m.binary])).toEqual(
        sent.map(([d, binary]) => [Buffer.from(d).toString("hex"), binary]),
      );
    }
    const bytes = sent.reduce((n, [d]) => n + d.length, 0);
    expect(ca.counters).toEqual({
      messagesSent: 5,
      bytesSent: bytes,
      messagesReceived: 5,
      bytesReceived: bytes,
    });
    expect(ca.awaitingAck).toBe(false);
    // the server's own channel gets an odd id
    const cb2 = b.createChannel({ label: "from-b" });
    expect(cb2.id).toBe(1);
    runUntil(net, () => a.of("remote-channel").length === 1, { maxSteps: 1000 });
    expect(a.of("remote-channel")[0]?.channel.id).toBe(1);
  });

  it("a negotiated channel opens on its fixed id without DCEP; a channel made before the DTLS role is known gets its id at start", async () => {
    const p = await dataChannelPair({ seed: 2, delayMs: [5, 15] });
    const { net, a, b } = p;
    const na = a.createChannel({ label: "n", negotiated: true, id: 7 });
    const nb = b.createChannel({ label: "n", negotiated: true, id: 7 });
    const early = a.createChannel({ label: "early" });
    expect([na.readyState, early.id, early.readyState]).toEqual(["connecting", null, "connecting"]);
    expect(() => a.dc.send(0, na, text("too soon"), false)).toThrow(/invalid-state/);
    runUntil(net, () => na.readyState === "open" && nb.readyState === "open", { maxSteps: 20_000 });
    expect(early.id).toBe(0); // A is the DTLS client: even
    a.dc.send(net.now(), na, text("over 7"), false);
    a.pump(net.now());
    runUntil(net, () => b.of("message", nb).length === 1 && b.of("remote-channel").length === 1, {
      maxSteps: 1000,
    });
    expect(str(b.of("message", nb)[0]?.data ?? new Uint8Array())).toBe("over 7");
    // only the DCEP channel was announced to B
    expect(b.of("remote-channel").map((e) => e.channel.label)).toEqual(["early"]);
    expect(() => a.createChannel({ label: "dup", negotiated: true, id: 7 })).toThrow(/id-in-use/);
  });

  it("createDataChannel's checks: TypeError cases and an id in use", async () => {
    const { a } = await connected(3);
    expect(() => a.createChannel({ label: "x", negotiated: true })).toThrow(/invalid-argument/);
    expect(() => a.createChannel({ label: "x", maxRetransmits: 1, maxPacketLifeTime: 1 })).toThrow(
      /invalid-argument/,
    );
    expect(() => a.createChannel({ label: "x", negotiated: true, id: 65535 })).toThrow(/invalid-argument/);
    expect(() => a.createChannel({ label: "x".repeat(65536) })).toThrow(/invalid-argument/);
    expect(() => a.createChannel({ label: "x", maxRetransmits: -1 })).toThrow(/invalid-argument/);
    const big = a.createChannel({ label: "x", maxRetransmits: 100_000 });
    expect(big.maxRetransmits).toBe(65535); // clamped (W3C: unsigned short)
    expect(a.dc.maxChannels).toBe(65535);
  });

  it("ordered reliable at 5 % loss with reordering and duplication: 1,000 mixed messages up to 64 KiB each way arrive once, intact, in order", async () => {
    const p = await dataChannelPair({ seed: 4, lossRate: 0.05, delayMs: [5, 25], duplicateRate: 0.02 });
    const { net, a, b } = p;
    runUntil(net, () => a.dc.state === "connected" && b.dc.state === "connected", { maxSteps: 50_000 });
    const ca = a.createChannel({ label: "bulk" });
    runUntil(net, () => b.of("remote-channel").length === 1, { maxSteps: 10_000 });
    const cb = b.of("remote-channel")[0]?.channel;
    if (!cb) throw new Error("no channel");
    const rng = net.prng.fork();
    const messages = Array.from({ length: 1000 }, (_, i) => {
      const size = rng.next() < 0.05 ? Math.floor(rng.next() * 65536) + 1 : Math.floor(rng.next() * 2000);
      const data = rng.bytes(size);
      return {
        data: i % 2 === 0 ? data : text(Buffer.from(data).toString("base64").slice(0, size)),
        binary: i % 2 === 0,
      };
    });
    // the sending application keeps bufferedAmount under 256 KiB, as a real one would
    const send = (side: typeof a, ch: typeof ca, next: { i: number }) => {
      while (next.i < messages.length && ch.bufferedAmount < 262144) {
        const m = messages[next.i++];
        if (m) side.dc.send(net.now(), ch, m.data, m.binary);
      }
    };
    const na = { i: 0 };
    const nb = { i: 0 };
    ca.bufferedAmountLowThreshold = 65536;
    cb.bufferedAmountLowThreshold = 65536;
    a.onEvent = (_t, e) => e.kind === "buffered-amount-low" && send(a, ca, na);
    b.onEvent = (_t, e) => e.kind === "buffered-amount-low" && send(b, cb, nb);
    send(a, ca, na);
    send(b, cb, nb);
    a.pump(net.now());
    b.pump(net.now());
    runUntil(net, () => a.of("message").length === 1000 && b.of("message").length === 1000, {
      maxSteps: 500_000,
      maxTimeMs: 600_000,
    });
    for (const side of [a, b]) {
      const got = side.of("message");
      expect(got.length).toBe(1000);
      got.forEach((m, i) => {
        expect(m.binary).toBe(messages[i]?.binary);
        expect(Buffer.compare(m.data, messages[i]?.data ?? new Uint8Array()), `message ${i}`).toBe(0);
      });
    }
    expect(net.counters.lost).toBeGreaterThan(0);
    expect(a.dc.association?.counters.retransmissions ?? 0).toBeGreaterThan(0);
  });

  it("unordered, maxRetransmits 0, at 20 % loss: what is lost is abandoned, the rest arrives, a reliable channel beside it does not stall", async () => {
    const p = await dataChannelPair({ seed: 5, lossRate: 0.2, delayMs: [5, 25] });
    const { net, a, b } = p;
    runUntil(net, () => a.dc.state === "connected" && b.dc.state === "connected", { maxSteps: 50_000 });
    const lossy = a.createChannel({ label: "lossy", ordered: false, maxRetransmits: 0 });
    const reliable = a.createChannel({ label: "reliable" });
    runUntil(net, () => b.of("remote-channel").length === 2, { maxSteps: 20_000, maxTimeMs: 60_000 });
    const remote = b.of("remote-channel")[0]?.channel;
    expect(remote).toMatchObject({
      label: "lossy",
      ordered: false,
      maxRetransmits: 0,
      maxPacketLifeTime: null,
    });
    // the ACK is in: messages now go unordered
    runUntil(net, () => !lossy.awaitingAck && !reliable.awaitingAck, { maxSteps: 20_000 });
    for (let i = 0; i < 500; i++) {
      a.dc.send(net.now(), lossy, text(`m${i}`), false);
      a.pump(net.now());
      runFor(net, 2);
    }
    a.dc.send(net.now(), reliable, text("after"), false);
    a.pump(net.now());
    runUntil(net, () => b.of("message").some((m) => str(m.data) === "after"), {
      maxSteps: 50_000,
      maxTimeMs: 30_000,
    });
    runFor(net, 5000);
    const got = b
      .of("message")
      .filter((m) => m.channel === remote)
      .map((m) => str(m.data));
    expect(new Set(got).size).toBe(got.length); // none twice
    expect(got.length).toBeGreaterThan(250);
    expect(got.length).toBeLessThan(500);
    expect(a.dc.association?.counters["messages-abandoned"] ?? 0).toBeGreaterThan(0);
  });

  it("maxPacketLifeTime and priority travel in DATA_CHANNEL_OPEN", async () => {
    const { net, a, b } = await connected(6);
    a.createChannel({ label: "ttl", ordered: false, maxPacketLifeTime: 150, priority: "very-low" });
    runUntil(net, () => b.of("remote-channel").length === 1, { maxSteps: 1000 });
    expect(b.of("remote-channel")[0]?.channel).toMatchObject({
      ordered: false,
      maxPacketLifeTime: 150,
      maxRetransmits: null,
      priority: "very-low",
    });
  });

  it("close from either side resets the stream both ways: closing, then close on both; the id is reused", async () => {
    const { net, a, b } = await connected(7);
    const ca = a.createChannel({ label: "one" });
    runUntil(net, () => b.of("remote-channel").length === 1, { maxSteps: 1000 });
    const cb = b.of("remote-channel")[0]?.channel;
    if (!cb) throw new Error("no channel");
    a.dc.send(net.now(), ca, text("last words"), false);
    a.dc.close(net.now(), ca);
    expect(ca.readyState).toBe("closing");
    expect(() => a.dc.send(net.now(), ca, text("no"), false)).toThrow(/invalid-state/);
    a.pump(net.now());
    runUntil(net, () => ca.readyState === "closed" && cb.readyState === "closed", { maxSteps: 5000 });
    // the data sent before close arrives before the close (the reset waits for it)
    expect(b.of("message").map((m) => str(m.data))).toEqual(["last words"]);
    expect(b.events.filter((e) => "channel" in e && e.channel === cb).map((e) => e.kind)).toEqual([
      "remote-channel",
      "open",
      "message",
      "closing",
      "close",
    ]);
    expect(a.of("closing", ca)).toEqual([]); // W3C: no closing event for our own close()
    expect(a.of("close", ca).length).toBe(1);
    const again = a.createChannel({ label: "two" });
    expect(again.id).toBe(0);
    runUntil(net, () => b.of("remote-channel").length === 2, { maxSteps: 1000 });
    const cb2 = b.of("remote-channel")[1]?.channel;
    if (!cb2) throw new Error("no channel");
    // now B closes the one A opened
    b.dc.close(net.now(), cb2);
    b.pump(net.now());
    runUntil(net, () => again.readyState === "closed" && cb2.readyState === "closed", { maxSteps: 5000 });
    expect(a.of("closing", again).length).toBe(1);
    // both close at once
    const x = a.createChannel({ label: "three" });
    runUntil(net, () => b.of("remote-channel").length === 3, { maxSteps: 1000 });
    const xb = b.of("remote-channel")[2]?.channel;
    if (!xb) throw new Error("no channel");
    a.dc.close(net.now(), x);
    b.dc.close(net.now(), xb);
    a.pump(net.now());
    b.pump(net.now());
    runUntil(net, () => x.readyState === "closed" && xb.readyState === "closed", { maxSteps: 5000 });
    expect([a.dc.idsInUse, b.dc.idsInUse]).toEqual([0, 0]);
  });

  it("bufferedAmount rises on send and falls as packets leave; bufferedamountlow fires once on crossing the threshold", async () => {
    const { net, a, b } = await connected(8);
    const ca = a.createChannel({ label: "buf" });
    runUntil(net, () => b.of("remote-channel").length === 1, { maxSteps: 1000 });
    ca.bufferedAmountLowThreshold = 100_000;
    const chunk = new Uint8Array(65536).fill(7);
    for (let i = 0; i < 16; i++) a.dc.send(net.now(), ca, chunk, true);
    expect(ca.bufferedAmount).toBe(16 * 65536);
    a.pump(net.now());
    expect(ca.bufferedAmount).toBeLessThan(16 * 65536); // the first window left at once
    runUntil(net, () => b.of("message").length === 16, { maxSteps: 20_000 });
    expect(ca.bufferedAmount).toBe(0);
    expect(a.of("buffered-amount-low", ca).length).toBe(1);
  });

  it("a message over the peer's max-message-size is refused (TypeError in W3C); 0 means no limit", async () => {
    const p = await dataChannelPair({
      seed: 9,
      delayMs: [5, 15],
      parametersA: {
        localPort: 5000,
        remotePort: 5000,
        localMaxMessageSize: 262144,
        remoteMaxMessageSize: 1024,
      },
      parametersB: { localPort: 5000, remotePort: 5000, localMaxMessageSize: 1024, remoteMaxMessageSize: 0 },
    });
    const { net, a, b } = p;
    runUntil(net, () => a.dc.state === "connected" && b.dc.state === "connected", { maxSteps: 20_000 });
    expect([a.dc.maxMessageSize, b.dc.maxMessageSize]).toEqual([1024, 16 << 20]);
    const ca = a.createChannel({ label: "small" });
    expect(() => a.dc.send(net.now(), ca, new Uint8Array(1025), true)).toThrow(/message-too-large/);
    a.dc.send(net.now(), ca, new Uint8Array(1024), true);
    a.pump(net.now());
    runUntil(net, () => b.of("message").length === 1, { maxSteps: 1000 });
  });

  it("a malformed DCEP message, or an OPEN on a stream in use, closes that one channel (error, then close), never the others or the association", async () => {
    const { net, a, b } = await connected(10);
    const victim = a.createChannel({ label: "victim" });
    const other = a.createChannel({ label: "other" });
    runUntil(net, () => b.of("remote-channel").length === 2, { maxSteps: 1000 });
    const [vb, ob] = b.of("remote-channel").map((e) => e.channel);
    if (!vb || !ob) throw new Error("no channels");
    // A's association underneath plays a broken peer: garbage with the DCEP PPID on the victim's stream
    a.dc.association?.send(net.now(), victim.id ?? 0, 50, new Uint8Array([0x03, 0x00, 0x01]));
    a.pump(net.now());
    runUntil(net, () => vb.readyState === "closed" && victim.readyState === "closed", { maxSteps: 5000 });
    expect(b.of("error", vb).map((e) => e.reason)).toEqual(["malformed DCEP message (dcep-truncated)"]);
    expect(
      b.events
        .filter((e) => "channel" in e && e.channel === vb)
        .map((e) => e.kind)
        .slice(-2),
    ).toEqual(["error", "close"]);
    expect(b.dc.counters["dcep-malformed"]).toBe(1);
    // an OPEN on a stream in use, and a malformed OPEN on an unused stream: refused, their streams reset
    const raw = a.dc.association;
    raw?.send(net.now(), other.id ?? 0, 50, new Uint8Array([0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    raw?.send(net.now(), 8, 50, new Uint8Array([0x07]));
    a.pump(net.now());
    runFor(net, 500);
    expect(b.dc.counters["dcep-open-refused"]).toBe(1);
    expect(b.dc.counters["dcep-malformed"]).toBe(2);
    expect(b.of("remote-channel").length).toBe(2);
    // B reset stream 8 (A, playing a broken peer, has no channel there to reset back) and closed "other"
    expect(a.dc.counters["reset-unknown-stream"]).toBe(1);
    expect(b.of("error", ob).map((e) => e.reason)).toEqual([expect.stringMatching(/in use/)]);
    runUntil(net, () => ob.readyState === "closed" && other.readyState === "closed", { maxSteps: 5000 });
    expect(b.dc.association?.state).toBe("established");
    // an OPEN with B's own parity on a free stream is taken (as Chromium does; werift picks ids by ICE role)
    raw?.send(net.now(), 5, 50, new Uint8Array([0x03, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0x41]));
    a.pump(net.now());
    runUntil(net, () => b.of("remote-channel").length === 3, { maxSteps: 1000 });
    expect(b.of("remote-channel")[2]?.channel).toMatchObject({ id: 5, label: "A", readyState: "open" });
    expect(b.dc.counters["dcep-open-our-parity"]).toBe(1);
    const third = a.createChannel({ label: "third" });
    // a channel opened afterwards works
    runUntil(net, () => b.of("remote-channel").length === 4, { maxSteps: 1000 });
    const thirdB = b.of("remote-channel")[3]?.channel;
    if (!thirdB) throw new Error("no channel");
    a.dc.send(net.now(), third, text("still here"), false);
    a.pump(net.now());
    runUntil(net, () => b.of("message", thirdB).length === 1, { maxSteps: 1000 });
  });

  it("1,000 channels opened and closed on one association: ids reused, nothing left behind", async () => {
    const { net, a, b } = await connected(11);
    const baseline = a.dc.association?.usage();
    for (let round = 0; round < 10; round++) {
      const opener = round % 2 === 0 ? a : b;
      const other = opener === a ? b : a;
      const before = other.of("remote-channel").length;
      const mine = Array.from({ length: 100 }, (_, i) => opener.createChannel({ label: `r${round}c${i}` }));
      runUntil(net, () => other.of("remote-channel").length === before + 100, { maxSteps: 20_000 });
      const theirs = other
        .of("remote-channel")
        .slice(-100)
        .map((e) => e.channel);
      for (const c of mine) opener.dc.send(net.now(), c, text("hi"), false);
      opener.pump(net.now());
      // half closed by the opener, half by the other side
      for (const [i, c] of mine.entries()) if (i % 2 === 0) opener.dc.close(net.now(), c);
      // (the peer may see the OPENs in another order: streams are scheduled round-robin)
      for (const c of theirs) if (Number(c.label.split("c")[1]) % 2 === 1) other.dc.close(net.now(), c);
      opener.pump(net.now());
      other.pump(net.now());
      runUntil(net, () => [...mine, ...theirs].every((c) => c.readyState === "closed"), { maxSteps: 50_000 });
      expect(Math.max(...mine.map((c) => c.id ?? 0))).toBeLessThan(200); // reused, not growing
    }
    expect([a.dc.channels.size, b.dc.channels.size, a.dc.idsInUse, b.dc.idsInUse]).toEqual([0, 0, 0, 0]);
    const after = a.dc.association?.usage();
    expect(after).toEqual(baseline);
  });

  it("the peer's connection closes (ABORT, Close called): every channel gets error then close", async () => {
    const { net, a, b } = await connected(12);
    a.createChannel({ label: "x" });
    a.createChannel({ label: "y" });
    runUntil(net, () => b.of("remote-channel").length === 2, { maxSteps: 1000 });
    a.dc.closeAll(net.now());
    a.pump(net.now());
    runUntil(net, () => b.dc.state === "closed", { maxSteps: 1000 });
    expect(b.of("error").map((e) => e.reason)).toEqual([
      expect.stringMatching(/Close called/),
      expect.stringMatching(/Close called/),
    ]);
    expect(b.of("close").length).toBe(2);
    expect(b.of("transport-closed")[0]?.error).toMatch(/ABORT/);
    expect(a.events.filter((e) => e.kind === "close")).toEqual([]); // W3C pc.close(): no events
  });
});

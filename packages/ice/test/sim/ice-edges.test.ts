import { describe, expect, it } from "vitest";
import { shortTermKey } from "../../src/crypto/stun-integrity.js";
import { IceAgent } from "../../src/machine/ice-agent.js";
import type { IceCredentials, Millis } from "../../src/machine/ice-types.js";
import { type Candidate, parseCandidate } from "../../src/wire/candidate.js";
import {
  decodeStunMessage,
  encodeStunMessage,
  getAttribute,
  stunSuccessResponse,
  verifyMessageIntegrity,
} from "../../src/wire/stun-message.js";
import { StunMethod } from "../../src/wire/stun-message-types.js";
import type { TransportAddr } from "../../src/wire/transport-address.js";
import { runFor, runUntil } from "./driver.js";
import { icePair, start } from "./ice-pair.js";
import { Prng } from "./prng.js";
import { type SimEndpoint, SimNetwork, type SimTransmit } from "./sim-network.js";

/**
 * An ICE-lite peer (RFC 8445 §2.5): never checks, only answers checks authenticated with its password,
 * and takes the pair the controlling agent nominates with USE-CANDIDATE.
 */
class IceLitePeer implements SimEndpoint {
  readonly creds: IceCredentials = { ufrag: "lite", pwd: "litepasswordlitepassword" };
  readonly out: SimTransmit[] = [];
  nominated: TransportAddr | undefined;
  checks = 0;
  constructor(readonly addr: TransportAddr) {}
  handleDatagram(_now: Millis, local: TransportAddr, remote: TransportAddr, data: Uint8Array): void {
    const m = decodeStunMessage(data);
    if (!m.ok || m.value.class !== "request") return;
    if (verifyMessageIntegrity(m.value, shortTermKey(this.creds.pwd)) !== "ok") return;
    this.checks++;
    if (getAttribute(m.value, "use-candidate")) this.nominated = remote;
    const res = stunSuccessResponse(m.value, [{ type: "xor-mapped-address", value: remote }]);
    this.out.push({
      from: local,
      to: remote,
      data: encodeStunMessage(res, { integrityKey: shortTermKey(this.creds.pwd), fingerprint: true }),
    });
  }
  handleTimeout(): void {}
  pollTransmit(): SimTransmit | undefined {
    return this.out.shift();
  }
  pollTimeout(): Millis | undefined {
    return undefined;
  }
}

function hostCandidate(addr: TransportAddr, priority = 2130706431): Candidate {
  return {
    foundation: "1",
    component: 1,
    transport: "udp",
    priority,
    address: addr.address,
    port: addr.port,
    type: "host",
    extensions: [],
  };
}

describe("ICE edges", () => {
  it("against an ICE-lite peer: we control (even if configured controlled) and nominate", () => {
    const net = new SimNetwork({ seed: 71, delayMs: [3, 3] });
    const lite = new IceLitePeer({ address: "10.0.0.9", port: 3478 });
    net.attach(lite, [lite.addr], { name: "lite" });
    const { a } = icePair(net, { a: { role: "controlled", remoteIceLite: true } });
    a.peer = undefined;
    expect(a.agent.iceRole).toBe("controlling");
    a.agent.setRemoteCredentials(0, lite.creds);
    a.agent.gather(0, a.bases);
    a.agent.addRemoteCandidate(0, hostCandidate(lite.addr));
    a.agent.endOfRemoteCandidates(0);
    a.drainEvents(0);
    runUntil(net, () => a.connected(), { maxSteps: 10_000 });
    expect(lite.nominated).toEqual({ address: "10.0.0.1", port: 5000 });
    expect(a.agent.selectedPair?.remote.port).toBe(3478);
    // consent keeps running against the lite peer
    const before = lite.checks;
    runFor(net, 20_000);
    expect(lite.checks).toBeGreaterThan(before + 2);
    expect(a.connected()).toBe(true);
  });

  it("answers a check carrying an unknown comprehension-required attribute with 420 UNKNOWN-ATTRIBUTES", () => {
    const rng = new Prng(5);
    const agent = new IceAgent({ random: (n) => rng.bytes(n), role: "controlled" });
    const local = { address: "10.0.0.1", port: 5000 };
    const remote = { address: "10.0.0.2", port: 6000 };
    agent.gather(0, [local]);
    const req = encodeStunMessage(
      {
        method: StunMethod.Binding,
        class: "request",
        transactionId: rng.bytes(12),
        attributes: [
          { type: "username", value: `${agent.credentials.ufrag}:peer` },
          { type: "unknown", code: 0x7777, raw: Uint8Array.of(1, 2, 3, 4) },
        ],
      },
      { integrityKey: shortTermKey(agent.credentials.pwd), fingerprint: true },
    );
    agent.handleDatagram(1, local, remote, req);
    const t = agent.pollTransmit();
    expect(t?.to).toEqual(remote);
    const res = decodeStunMessage(t?.data ?? new Uint8Array());
    expect(res.ok && res.value.class).toBe("error");
    expect(res.ok && getAttribute(res.value, "error-code")?.code).toBe(420);
    expect(res.ok && getAttribute(res.value, "unknown-attributes")?.value).toEqual([0x7777]);
  });

  it("sends nothing back for a check whose MESSAGE-INTEGRITY fails, and counts it", () => {
    const rng = new Prng(6);
    const agent = new IceAgent({ random: (n) => rng.bytes(n), role: "controlled" });
    const local = { address: "10.0.0.1", port: 5000 };
    agent.gather(0, [local]);
    const req = encodeStunMessage(
      {
        method: StunMethod.Binding,
        class: "request",
        transactionId: rng.bytes(12),
        attributes: [
          { type: "username", value: `${agent.credentials.ufrag}:peer` },
          { type: "priority", value: 1 },
        ],
      },
      { integrityKey: shortTermKey("not the password at all!"), fingerprint: true },
    );
    agent.handleDatagram(1, local, { address: "10.0.0.2", port: 6000 }, req);
    expect(agent.pollTransmit()).toBeUndefined();
    expect(agent.counters["stun-bad-integrity"]).toBe(1);
    expect(agent.remoteCandidates).toHaveLength(0);
  });

  it("bounds remote candidates and pairs", () => {
    const rng = new Prng(7);
    const agent = new IceAgent({ random: (n) => rng.bytes(n), maxRemoteCandidates: 100, maxPairs: 100 });
    agent.gather(0, [{ address: "10.0.0.1", port: 5000 }]);
    agent.setRemoteCredentials(0, { ufrag: "peer", pwd: "peerpasswordpeerpassword" });
    let accepted = 0;
    for (let i = 0; i < 500; i++) {
      if (
        agent.addRemoteCandidate(0, hostCandidate({ address: `10.1.${i >> 8}.${i & 255}`, port: 1000 + i }))
      )
        accepted++;
    }
    expect(accepted).toBe(100);
    expect(agent.remoteCandidates).toHaveLength(100);
    expect(agent.pairs.length).toBeLessThanOrEqual(100);
    expect(agent.counters["remote-candidate-limit"]).toBe(400);
    // rejected kinds: another component, TCP, an unresolved name
    const bad = [
      "candidate:1 2 udp 1 10.0.0.3 9 typ host",
      "candidate:1 1 tcp 1 10.0.0.3 9 typ host tcptype passive",
      "candidate:1 1 udp 1 abc.local 9 typ host",
    ];
    for (const line of bad) {
      const c = parseCandidate(line);
      expect(c.ok).toBe(true);
      if (c.ok) expect(agent.addRemoteCandidate(0, c.value)).toBe(false);
    }
  });

  it("relayed candidates (the TURN seam): relay priority, checks leave from the relayed address", () => {
    const rng = new Prng(8);
    const agent = new IceAgent({ random: (n) => rng.bytes(n) });
    agent.gather(0, []);
    const relayed = { address: "198.51.100.7", port: 40000 };
    const c = agent.addRelayedCandidate(0, relayed, { address: "203.0.113.5", port: 50000 });
    expect(c.type).toBe("relay");
    expect(c.priority >>> 24).toBe(0);
    expect(c.relatedAddress).toBe("203.0.113.5");
    agent.setRemoteCredentials(0, { ufrag: "peer", pwd: "peerpasswordpeerpassword" });
    agent.addRemoteCandidate(0, hostCandidate({ address: "192.0.2.1", port: 7000 }));
    const t = agent.pollTransmit();
    expect(t?.from).toEqual(relayed);
    expect(t?.to).toMatchObject({ address: "192.0.2.1", port: 7000 });
  });

  it("connects over IPv6, and never pairs IPv4 with IPv6", () => {
    const net = new SimNetwork({ seed: 81, delayMs: [2, 4] });
    const { a, b } = icePair(net, {
      aBases: [
        { address: "fd00::1", port: 5000 },
        { address: "10.0.0.1", port: 5001 },
      ],
      bBases: [{ address: "fd00::2", port: 6000 }],
    });
    start(net, a, b);
    runUntil(net, () => a.connected() && b.connected(), { maxSteps: 10_000 });
    expect(a.agent.selectedPair?.remote.address).toBe("fd00::2");
    expect(
      a.agent.pairs.every((p) => p.local.base.address.includes(":") === p.remote.address.includes(":")),
    ).toBe(true);
  });
});

describe("nomination under loss", () => {
  it("re-nominates when every answer to the nominating check is lost (no stall)", () => {
    const net = new SimNetwork({ seed: 91, delayMs: [5, 5] });
    const { a, b } = icePair(net, { a: { checkRtoMs: 50, checkRc: 2 }, b: { checkRtoMs: 50, checkRc: 2 } });
    start(net, a, b);
    // As soon as A has a valid pair (and sends USE-CANDIDATE), B's answers are lost for 3 s.
    runUntil(net, () => a.agent.pairs.some((p) => p.valid), { maxSteps: 10_000 });
    const unblock = net.block(
      { address: "10.0.0.2" },
      { address: "10.0.0.1" },
      { untilMs: net.now() + 3000 },
    );
    runUntil(net, () => a.connected() && b.connected(), { maxSteps: 50_000, maxTimeMs: 20_000 });
    unblock();
    expect(net.now()).toBeGreaterThan(3000);
    expect(a.agent.selectedPair?.remote.port).toBe(6000);
  });
});

describe("triggered checks (RFC 8445 §7.3.1.4)", () => {
  // In the NAT lab's relay-only runs the first check of one side was often lost (the other side's TURN
  // permission was not installed yet), and that side connected only after its next Ta tick: 14 or 65 ms.
  it("a check arriving on a pair whose own check was lost is answered with a check at once, not at the next Ta tick", () => {
    const net = new SimNetwork({ seed: 7, delayMs: [5, 5] });
    const { a, b } = icePair(net);
    // B's checks to A are lost for the first 3 ms: its first check is; A's reaches B at 5 ms.
    net.addLinkRule({ from: { address: "10.0.0.2" }, to: { address: "10.0.0.1" }, drop: true, untilMs: 3 });
    start(net, a, b);
    runUntil(net, () => b.connected(), { maxSteps: 10_000, maxTimeMs: 5_000 });
    // A's check reaches B at 5 ms: B's triggered check then gets its answer at 15 ms, and A's nomination
    // (sent on A's first success, at 10 ms) arrives at 15 ms. Waiting for the Ta tick (50 ms) would be 60.
    expect(net.now(), `B connected at ${net.now()} ms`).toBeLessThan(30);
    runUntil(net, () => a.connected(), { maxSteps: 10_000, maxTimeMs: 5_000 });
    expect(a.agent.selectedPair?.remote.port).toBe(6000);
    expect(b.agent.selectedPair?.remote.port).toBe(5000);
  });

  it("sends at most one such check per pair per Ta: nominating checks heard every millisecond stay paced", () => {
    const rng = new Prng(8);
    const b = new IceAgent({ random: (n) => rng.bytes(n), role: "controlled" });
    const local = { address: "10.0.0.2", port: 6000 };
    const remote = { address: "10.0.0.1", port: 5000 };
    const peer: IceCredentials = { ufrag: "peer", pwd: "peerpasswordpeerpassword" };
    b.setRemoteCredentials(0, peer);
    b.gather(0, [local]);
    b.addRemoteCandidate(0, hostCandidate(remote));
    const isRequest = (d: Uint8Array) => {
      const m = decodeStunMessage(d);
      return m.ok && m.value.class === "request" && m.value.method === StunMethod.Binding;
    };
    let checks = 0;
    const drain = () => {
      for (let t = b.pollTransmit(); t; t = b.pollTransmit()) if (isRequest(t.data)) checks++;
      while (b.pollEvent());
    };
    drain(); // B's own first check, never answered here
    // The controlling peer's nominating check, a new transaction every millisecond for 400 ms.
    for (let now = 1; now <= 400; now++) {
      const check = encodeStunMessage(
        {
          method: StunMethod.Binding,
          class: "request",
          transactionId: rng.bytes(12),
          attributes: [
            { type: "username", value: `${b.credentials.ufrag}:${peer.ufrag}` },
            { type: "priority", value: 1862270975 },
            { type: "ice-controlling", value: 1n },
            { type: "use-candidate" },
          ],
        },
        { integrityKey: shortTermKey(b.credentials.pwd), fingerprint: true },
      );
      b.handleDatagram(now, local, remote, check);
      const due = b.pollTimeout();
      if (due !== undefined && due <= now) b.handleTimeout(now);
      drain();
    }
    // The first check, then at most one per Ta (50 ms), at once or at the tick.
    expect(checks).toBeGreaterThanOrEqual(2);
    expect(checks).toBeLessThanOrEqual(1 + 400 / 50 + 1);
  });
});

/**
 * Issue 18, "STUN reflection": the ICE agent answered an unauthenticated 24-byte Binding request (no
 * USERNAME, no MESSAGE-INTEGRITY, one unknown comprehension-required attribute) from any source with a
 * 64-byte 420 — 2.67× the attacker's bytes, reflected at whatever address the datagram names. An agent
 * answers only this session's authenticated checks, and never with more bytes than the check had.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shortTermKey } from "../../src/crypto/stun-integrity.js";
import { IceAgent } from "../../src/machine/ice-agent.js";
import type { IceAgentConfig } from "../../src/machine/ice-agent-config.js";
import { decodeStunMessage, encodeStunMessage, getAttribute } from "../../src/wire/stun-message.js";
import type { StunAttribute } from "../../src/wire/stun-message-types.js";
import { StunMethod } from "../../src/wire/stun-message-types.js";
import { Prng } from "../sim/prng.js";

const local = { address: "10.0.0.1", port: 5000 };

function agent(extra: Partial<IceAgentConfig> = {}): IceAgent {
  const rng = new Prng(18);
  const a = new IceAgent({ random: (n) => rng.bytes(n), role: "controlled", ...extra });
  a.gather(0, [local]);
  for (let e = a.pollEvent(); e; e = a.pollEvent());
  return a;
}

function drain(a: IceAgent): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let t = a.pollTransmit(); t; t = a.pollTransmit()) out.push(t.data);
  return out;
}

/** The request: a bare header and one unknown comprehension-required attribute (0x7777, empty). */
function bareRequest(txid: Uint8Array): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setUint16(0, 0x0001); // Binding request
  v.setUint16(2, 4);
  v.setUint32(4, 0x2112a442);
  b.set(txid, 8);
  v.setUint16(20, 0x7777);
  v.setUint16(22, 0);
  return b;
}

describe("STUN reflection (issue 18)", () => {
  it("the issue's 24-byte unauthenticated request gets no answer, and the drop is counted", () => {
    const a = agent();
    const req = bareRequest(new Uint8Array(12).fill(7));
    expect(decodeStunMessage(req).ok).toBe(true);
    a.handleDatagram(1, local, { address: "198.51.100.7", port: 53 }, req);
    expect(drain(a)).toEqual([]);
    expect(a.counters["stun-missing-credentials"]).toBe(1);
    expect(a.counters["stun-unknown-comprehension-required"]).toBe(0);
  });

  it("a flood of unauthenticated or wrongly authenticated requests from many sources reflects 0 bytes", () => {
    const a = agent();
    let bytesIn = 0;
    let bytesOut = 0;
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.integer({ min: 1, max: 65535 }),
        fc.constantFrom("none", "username-only", "wrong-ufrag", "wrong-key"),
        fc.array(fc.integer({ min: 0x0000, max: 0x7fff }), { maxLength: 3 }),
        (txid, port, auth, unknownCodes) => {
          const attributes: StunAttribute[] = unknownCodes.map((code) => ({
            type: "unknown",
            code: code | 0x4000,
            raw: new Uint8Array(0),
          }));
          const user = auth === "wrong-ufrag" ? "nope:peer" : `${a.credentials.ufrag}:peer`;
          if (auth !== "none") attributes.unshift({ type: "username", value: user });
          const key =
            auth === "none" || auth === "username-only"
              ? undefined
              : auth === "wrong-key"
                ? shortTermKey("the wrong password, long enough")
                : shortTermKey(a.credentials.pwd);
          const req =
            attributes.length === 0
              ? bareRequest(txid)
              : encodeStunMessage(
                  { method: StunMethod.Binding, class: "request", transactionId: txid, attributes },
                  key ? { integrityKey: key, fingerprint: true } : { fingerprint: true },
                );
          bytesIn += req.length;
          a.handleDatagram(1, local, { address: "203.0.113.9", port }, req);
          bytesOut += drain(a).reduce((n, d) => n + d.length, 0);
        },
      ),
      { numRuns: 2000 },
    );
    expect(bytesOut).toBe(0);
    expect(bytesIn).toBeGreaterThan(0);
    const dropped =
      a.counters["stun-missing-credentials"] +
      a.counters["stun-wrong-username"] +
      a.counters["stun-bad-integrity"];
    expect(dropped).toBe(2000);
  });

  it("an authenticated check with an unknown comprehension-required attribute still gets 420, with integrity", () => {
    const a = agent();
    const req = encodeStunMessage(
      {
        method: StunMethod.Binding,
        class: "request",
        transactionId: new Uint8Array(12).fill(3),
        attributes: [
          { type: "username", value: `${a.credentials.ufrag}:peer` },
          { type: "unknown", code: 0x7777, raw: new Uint8Array(0) },
        ],
      },
      { integrityKey: shortTermKey(a.credentials.pwd), fingerprint: true },
    );
    a.handleDatagram(1, local, { address: "10.0.0.2", port: 6000 }, req);
    const [res] = drain(a);
    const d = decodeStunMessage(res ?? new Uint8Array());
    expect(d.ok && getAttribute(d.value, "error-code")?.code).toBe(420);
    expect(d.ok && getAttribute(d.value, "message-integrity")).toBeDefined();
    expect(res?.length).toBeLessThanOrEqual(req.length);
  });

  it("no answer is larger than its check: SOFTWARE is left out when it would not fit", () => {
    const a = agent({ software: "x".repeat(200) });
    for (const [i, address] of ["10.0.0.2", "2001:db8::1234:5678:9abc:def0"].entries()) {
      const req = encodeStunMessage(
        {
          method: StunMethod.Binding,
          class: "request",
          transactionId: new Uint8Array(12).fill(40 + i),
          attributes: [
            { type: "username", value: `${a.credentials.ufrag}:peer` },
            { type: "priority", value: 1 },
            { type: "ice-controlling", value: 5n },
          ],
        },
        { integrityKey: shortTermKey(a.credentials.pwd), fingerprint: true },
      );
      a.handleDatagram(1, local, { address, port: 6000 }, req);
      const out = drain(a);
      expect(out.length).toBe(1);
      expect(out[0]?.length).toBeLessThanOrEqual(req.length);
      const d = decodeStunMessage(out[0] ?? new Uint8Array());
      expect(d.ok && d.value.class).toBe("success");
      expect(d.ok && getAttribute(d.value, "software")).toBeUndefined();
    }
    // a large request has room for SOFTWARE
    const big = agent({ software: "tern" });
    const req = encodeStunMessage(
      {
        method: StunMethod.Binding,
        class: "request",
        transactionId: new Uint8Array(12).fill(5),
        attributes: [
          { type: "username", value: `${big.credentials.ufrag}:${"p".repeat(64)}` },
          { type: "priority", value: 1 },
          { type: "ice-controlling", value: 5n },
        ],
      },
      { integrityKey: shortTermKey(big.credentials.pwd), fingerprint: true },
    );
    big.handleDatagram(1, local, { address: "10.0.0.2", port: 6000 }, req);
    const d = decodeStunMessage(drain(big)[0] ?? new Uint8Array());
    expect(d.ok && getAttribute(d.value, "software")?.value).toBe("tern");
  });

  it("a real check replayed from another address gets no answer and teaches no candidate", () => {
    const a = agent();
    const check = encodeStunMessage(
      {
        method: StunMethod.Binding,
        class: "request",
        transactionId: new Uint8Array(12).fill(6),
        attributes: [
          { type: "username", value: `${a.credentials.ufrag}:peer` },
          { type: "priority", value: 1 },
          { type: "ice-controlling", value: 5n },
        ],
      },
      { integrityKey: shortTermKey(a.credentials.pwd), fingerprint: true },
    );
    const peer = { address: "10.0.0.2", port: 6000 };
    a.handleDatagram(1, local, peer, check);
    expect(drain(a).length).toBeGreaterThan(0); // the answer, and a triggered check
    // the peer's retransmission (same address) is answered again
    a.handleDatagram(2, local, peer, check);
    expect(drain(a).length).toBe(1);
    // an attacker's copy from elsewhere is not, and its address is no candidate
    for (let port = 1; port <= 50; port++)
      a.handleDatagram(3, local, { address: "198.51.100.7", port }, check);
    expect(drain(a)).toEqual([]);
    expect(a.counters["stun-replayed-transaction"]).toBe(50);
    expect(a.remoteCandidates.some((c) => c.address === "198.51.100.7")).toBe(false);
  });
});

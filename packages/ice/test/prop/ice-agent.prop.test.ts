import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shortTermKey } from "../../src/crypto/stun-integrity.js";
import { encodeStunMessage } from "../../src/wire/stun-message.js";
import { StunMethod } from "../../src/wire/stun-message-types.js";
import { runUntil } from "../sim/driver.js";
import { icePair, start } from "../sim/ice-pair.js";
import { SimNetwork } from "../sim/sim-network.js";

/** A connected pair of agents, A's view: what a remote peer (or anyone who can reach the socket) can send. */
function connectedPair() {
  const net = new SimNetwork({ seed: 99, delayMs: [1, 1] });
  const { a, b } = icePair(net);
  start(net, a, b);
  runUntil(net, () => a.connected() && b.connected(), { maxSteps: 10_000 });
  return { net, a, b };
}

describe("ICE agent under hostile input", () => {
  it("arbitrary datagrams from the peer's address never throw and never change the selected pair", () => {
    const { net, a } = connectedPair();
    const selected = a.agent.selectedPair;
    const local = { address: "10.0.0.1", port: 5000 };
    const from = { address: "10.0.0.2", port: 6000 };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, stunish) => {
        const d = bytes.slice();
        if (stunish && d.length > 0) d[0] = (d[0] ?? 0) & 3;
        a.agent.handleDatagram(net.now(), local, from, d);
        a.agent.handleTimeout(net.now());
        for (let t = a.agent.pollTransmit(); t; t = a.agent.pollTransmit());
      }),
      { numRuns: 2000 },
    );
    expect(a.agent.selectedPair).toEqual(selected);
    expect(a.connected()).toBe(true);
  });

  it("checks with any attribute values but a wrong key are dropped without a response", () => {
    const { net, a } = connectedPair();
    const local = { address: "10.0.0.1", port: 5000 };
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.boolean(),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.integer({ min: 1, max: 65535 }),
        (user, priority, tie, useCandidate, txid, port) => {
          const bytes = encodeStunMessage(
            {
              method: StunMethod.Binding,
              class: "request",
              transactionId: txid,
              attributes: [
                { type: "username", value: `${a.agent.credentials.ufrag}:${user}` },
                { type: "priority", value: priority },
                { type: "ice-controlling", value: tie },
                ...(useCandidate ? [{ type: "use-candidate" } as const] : []),
              ],
            },
            { integrityKey: shortTermKey("wrong-password-wrong-password"), fingerprint: true },
          );
          a.agent.handleDatagram(net.now(), local, { address: "10.0.0.66", port }, bytes);
          expect(a.agent.pollTransmit()).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
    expect(a.agent.iceRole).toBe("controlling");
    expect(a.agent.remoteCandidates.every((c) => c.address !== "10.0.0.66")).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { pattern, SctpPair } from "./sctp-pair.js";

const MIB = 1 << 20;
const ONE_WAY_MS = 20;
const RTT_MS = 2 * ONE_WAY_MS;

/**
 * A 1 MiB message on stream 1, then (100 ms later, mid-transfer) 10 bytes on stream 2: how much later
 * than an unloaded one-way trip does the small one arrive?
 */
function smallBehindLarge(iData: boolean, seed: number) {
  const pair = new SctpPair({
    seed,
    link: { delayMs: ONE_WAY_MS, mtu: 1200 },
    a: { maxSendMessageSize: MIB, announceIData: iData },
    b: { maxReceiveMessageSize: MIB, receiveWindowBytes: 4 * MIB, announceIData: iData },
  });
  pair.connectBoth();
  expect(pair.a.event("connected")?.iData).toBe(iData);
  pair.send(pair.a, 1, pattern(1, MIB), undefined, 1);
  pair.runFor(100);
  const sentAt = pair.now;
  pair.send(pair.a, 2, pattern(2, 10), undefined, 2);
  pair.runUntil(() => pair.b.messages.length === 2, { maxSteps: 100_000 });
  const small = pair.b.messages.find((m) => m.streamId === 2);
  const large = pair.b.messages.find((m) => m.streamId === 1);
  expect(small?.data).toEqual(pattern(2, 10));
  expect(large?.data.length).toBe(MIB);
  return { extraDelay: (small?.at ?? 0) - sentAt - ONE_WAY_MS, largeAt: large?.at ?? 0, sentAt };
}

describe("I-DATA interleaving (RFC 8260)", () => {
  it("with I-DATA, a 1 MiB message on one stream delays a 10-byte message on another by at most one RTT", () => {
    const r = smallBehindLarge(true, 31);
    expect(r.extraDelay).toBeLessThanOrEqual(RTT_MS);
    expect(r.largeAt).toBeGreaterThan(r.sentAt + RTT_MS);
    console.log(
      `[sim] I-DATA: 10 B behind 1 MiB arrives ${r.extraDelay.toFixed(1)} ms after an unloaded trip (RTT ${RTT_MS} ms); the 1 MiB message at ${(r.largeAt - r.sentAt).toFixed(0)} ms`,
    );
  });

  it("without I-DATA, the 10-byte message waits for the whole 1 MiB message", () => {
    const r = smallBehindLarge(false, 32);
    expect(r.extraDelay).toBeGreaterThan(3 * RTT_MS);
    // It cannot be handed to the network before the large message's last fragment.
    expect(r.extraDelay + r.sentAt + ONE_WAY_MS).toBeGreaterThanOrEqual(r.largeAt);
    console.log(
      `[sim] DATA: 10 B behind 1 MiB arrives ${r.extraDelay.toFixed(1)} ms after an unloaded trip; the 1 MiB message at ${(r.largeAt - r.sentAt).toFixed(0)} ms`,
    );
  });
});

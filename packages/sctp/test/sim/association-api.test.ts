import { describe, expect, it } from "vitest";
import { SctpAssociation, SctpUsageError, UsageError } from "../../src/index.js";
import { pattern, SctpPair } from "./sctp-pair.js";

function codeOf(f: () => void): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as SctpUsageError).code;
  }
  return undefined;
}

describe("the public API: misuse throws a typed UsageError, bufferedAmount is visible", () => {
  it("send refuses what it cannot queue, saying which", () => {
    const lone = new SctpAssociation({ random: (n) => new Uint8Array(n).fill(1) });
    expect(codeOf(() => lone.send(0, 0, 53, pattern(1, 10)))).toBe("not-established");
    expect(() => new SctpAssociation({ random: (n) => new Uint8Array(n), mtu: 10 })).toThrow(SctpUsageError);
    const pair = new SctpPair({
      seed: 131,
      link: { delayMs: 10 },
      a: { sendBufferBytes: 100_000, maxOutboundStreams: 16 },
    });
    pair.connectBoth();
    const a = pair.a.endpoint;
    expect(codeOf(() => a.send(pair.now, 0, 53, new Uint8Array(0)))).toBe("empty-message");
    expect(codeOf(() => a.send(pair.now, 0, 53, pattern(1, 65537)))).toBe("message-too-large");
    expect(codeOf(() => a.send(pair.now, 16, 53, pattern(1, 10)))).toBe("invalid-stream");
    expect(codeOf(() => a.send(pair.now, 0, -1, pattern(1, 10)))).toBe("invalid-argument");
    a.send(pair.now, 0, 53, pattern(1, 60_000));
    expect(codeOf(() => a.send(pair.now, 0, 53, pattern(2, 60_000)))).toBe("send-buffer-full");
    expect(codeOf(() => a.connect(pair.now))).toBe("invalid-state");
  });

  it("bufferedAmount counts what is not yet handed to the network, and buffered-amount events report it going down", () => {
    const pair = new SctpPair({ seed: 132, link: { delayMs: 10 }, a: { maxSendMessageSize: 262144 } });
    pair.connectBoth();
    const a = pair.a.endpoint;
    a.send(pair.now, 5, 53, pattern(1, 200_000));
    a.send(pair.now, 6, 53, pattern(2, 100));
    expect(a.bufferedAmount(5)).toBe(200_000);
    expect(a.bufferedAmount(6)).toBe(100);
    expect(a.bufferedAmount(7)).toBe(0);
    pair.driver.flush();
    const afterFirstFlight = a.bufferedAmount(5);
    expect(afterFirstFlight).toBeLessThan(200_000);
    expect(afterFirstFlight).toBeGreaterThan(150_000); // cwnd lets only a few packets go at first
    pair.runUntil(() => pair.b.messages.length === 2);
    expect(a.bufferedAmount(5)).toBe(0);
    const amounts = pair.a.events.flatMap((e) =>
      e.kind === "buffered-amount" && e.streamId === 5 ? [e.bufferedAmount] : [],
    );
    expect(amounts.length).toBeGreaterThan(3);
    for (let i = 1; i < amounts.length; i++) expect(amounts[i]).toBeLessThan(amounts[i - 1] as number);
    expect(amounts.at(-1)).toBe(0);
  });
});

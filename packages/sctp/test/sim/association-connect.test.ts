import { describe, expect, it } from "vitest";
import { pattern, SctpPair } from "./sctp-pair.js";

describe("association set-up and a first message", () => {
  it("both sides connect at once (INIT collision, RFC 9260 §5.2.1) and exchange messages", () => {
    const pair = new SctpPair({ seed: 1, link: { delayMs: 20 } });
    const r = pair.connectBoth();
    expect(pair.a.endpoint.state).toBe("established");
    expect(pair.b.endpoint.state).toBe("established");
    expect(pair.a.event("connected")).toMatchObject({
      iData: true,
      zeroChecksumSend: true,
      zeroChecksumReceive: true,
    });
    expect(r.now).toBeLessThanOrEqual(100);
    pair.send(pair.a, 1, pattern(1, 100));
    pair.send(pair.b, 2, pattern(2, 5000));
    pair.runUntil(() => pair.a.messages.length === 1 && pair.b.messages.length === 1);
    expect(pair.b.messages[0]?.data).toEqual(pattern(1, 100));
    expect(pair.a.messages[0]?.data).toEqual(pattern(2, 5000));
  });
});

/**
 * The sans-IO TURN client (RFC 8656 §8) against hand-made server responses, on a manual clock: refresh
 * timing, retries, 437 and 438, and the deallocation on close.
 */
import { describe, expect, it } from "vitest";
import { getAttribute, verifyMessageIntegrity } from "../../src/wire/stun-message.js";
import { type StunAttribute, StunMethod } from "../../src/wire/stun-message-types.js";
import {
  advance,
  allocated,
  events,
  KEY,
  oneRequest,
  reply,
  requests,
  SEC,
  transmits,
} from "./turn-server-replies.js";

describe("TURN Refresh and deallocation (RFC 8656 §8)", () => {
  it("refreshes at lifetime − 60 s, with the new LIFETIME from the response", () => {
    const a = allocated({ lifetimeSec: 600 });
    expect(a.pollTimeout()).toBe(540 * SEC);
    a.handleTimeout(539 * SEC);
    expect(transmits(a)).toEqual([]);
    a.handleTimeout(540 * SEC);
    const req = oneRequest(a, StunMethod.Refresh);
    expect(getAttribute(req, "lifetime")?.value).toBe(600);
    expect(verifyMessageIntegrity(req, KEY)).toBe("ok");
    a.handleDatagram(541 * SEC, reply(req, "success", [{ type: "lifetime", value: 300 }]));
    expect(events(a)).toEqual([{ kind: "refreshed", lifetimeSec: 300 }]);
    expect(a.expiresAt).toBe(841 * SEC);
    expect(a.pollTimeout()).toBe(541 * SEC + 240 * SEC);
  });

  it("refreshes at half the lifetime when it is short", () => {
    const a = allocated({}, 100);
    expect(a.pollTimeout()).toBe(50 * SEC);
  });

  it("retries a timed-out Refresh while the allocation lives, then fails with `refresh-failed`", () => {
    const a = allocated({}, 600);
    advance(a, 540 * SEC);
    expect(oneRequest(a, StunMethod.Refresh)).toBeDefined();
    advance(a, 600 * SEC);
    // the first Refresh timed out at 579.5 s and a second one started; it times out after expiry
    expect(requests(a).filter((m) => m.method === StunMethod.Refresh).length).toBeGreaterThan(1);
    advance(a, 700 * SEC);
    const failed = events(a).find((e) => e.kind === "failed");
    expect(failed?.kind === "failed" && failed.error.code).toBe("refresh-failed");
  });

  it("fails with `refresh-failed` (437) when the server lost the allocation", () => {
    const a = allocated();
    a.refresh(10 * SEC);
    const req = oneRequest(a, StunMethod.Refresh);
    a.handleDatagram(11 * SEC, reply(req, "error", [{ type: "error-code", code: 437, reason: "Mismatch" }]));
    const [e] = events(a);
    expect(e?.kind === "failed" && [e.error.code, e.error.stunCode]).toEqual(["refresh-failed", 437]);
  });

  it("re-authenticates a Refresh answered 438 with the new nonce", () => {
    const a = allocated();
    a.refresh(10 * SEC);
    const req = oneRequest(a, StunMethod.Refresh);
    a.handleDatagram(
      10 * SEC,
      reply(
        req,
        "error",
        [
          { type: "error-code", code: 438, reason: "Stale" },
          { type: "nonce", value: "fresh" },
        ],
        { integrity: "none" },
      ),
    );
    const retry = oneRequest(a, StunMethod.Refresh);
    expect(getAttribute(retry, "nonce")?.value).toBe("fresh");
    a.handleDatagram(10 * SEC, reply(retry, "success", [{ type: "lifetime", value: 600 }]));
    expect(events(a).map((e) => e.kind)).toEqual(["refreshed"]);
  });

  it("close() sends Refresh LIFETIME 0 and reports a confirmed deallocation", () => {
    const a = allocated();
    a.close(5 * SEC);
    const req = oneRequest(a, StunMethod.Refresh);
    expect(getAttribute(req, "lifetime")?.value).toBe(0);
    a.handleDatagram(5 * SEC, reply(req, "success", [{ type: "lifetime", value: 0 }]));
    expect(events(a)).toEqual([{ kind: "closed", deallocated: true }]);
    expect(a.pollTimeout()).toBeUndefined();
  });

  it("close() re-sends the deallocation with the new nonce after 438 Stale Nonce", () => {
    const a = allocated();
    a.close(5 * SEC);
    const req = oneRequest(a, StunMethod.Refresh);
    const stale: StunAttribute[] = [
      { type: "error-code", code: 438, reason: "Stale Nonce" },
      { type: "nonce", value: "n-9" },
    ];
    a.handleDatagram(5 * SEC, reply(req, "error", stale, { integrity: "none" }));
    const retry = oneRequest(a, StunMethod.Refresh);
    expect([getAttribute(retry, "lifetime")?.value, getAttribute(retry, "nonce")?.value]).toEqual([0, "n-9"]);
    a.handleDatagram(5 * SEC, reply(retry, "success", []));
    expect(events(a)).toEqual([{ kind: "closed", deallocated: true }]);
  });

  it("close() gives up on an unanswered deallocation after 3 sends", () => {
    const a = allocated({ rtoMs: 500 });
    a.close(0);
    let sends = transmits(a).length;
    advance(a, 60 * SEC);
    sends += transmits(a).length;
    expect(sends).toBe(3);
    expect(events(a)).toEqual([{ kind: "closed", deallocated: false }]);
  });
});

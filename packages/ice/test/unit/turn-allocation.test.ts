/**
 * The sans-IO TURN client (RFC 8656) against hand-made server responses, on a manual clock: the Allocate
 * with its 401 challenge, SHA-256 credentials, 438 Stale Nonce, typed errors and retransmission timeouts.
 * Refresh is in turn-refresh.test.ts, permissions and channels in turn-permissions-channels.test.ts.
 */
import { describe, expect, it } from "vitest";
import { longTermKey } from "../../src/crypto/stun-integrity.js";
import {
  getAttribute,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
} from "../../src/wire/stun-message.js";
import { type StunAttribute, StunAttrType, StunMethod } from "../../src/wire/stun-message-types.js";
import { decodePasswordAlgorithms } from "../../src/wire/turn-password-algorithms.js";
import {
  allocateSuccess,
  challenge,
  events,
  KEY,
  MAPPED,
  oneRequest,
  PASS,
  REALM,
  RELAYED,
  reply,
  SEC,
  transmits,
  turn,
  USER,
} from "./turn-server-replies.js";

describe("TURN Allocate with long-term credentials (RFC 8656 §7, RFC 8489 §9.2)", () => {
  it("answers the 401 with USERNAME, REALM, NONCE and a MESSAGE-INTEGRITY keyed MD5(user:realm:pass)", () => {
    const a = turn();
    a.allocate(0);
    const first = oneRequest(a, StunMethod.Allocate);
    expect(getAttribute(first, "requested-transport")?.value).toBe(17);
    expect(getAttribute(first, "username")).toBeUndefined();
    expect(getAttribute(first, "message-integrity")).toBeUndefined();

    a.handleDatagram(5, reply(first, "error", challenge("n-1"), { integrity: "none" }));
    const second = oneRequest(a, StunMethod.Allocate);
    expect(Buffer.from(second.transactionId).equals(Buffer.from(first.transactionId))).toBe(false);
    expect(getAttribute(second, "username")?.value).toBe(USER);
    expect(getAttribute(second, "realm")?.value).toBe(REALM);
    expect(getAttribute(second, "nonce")?.value).toBe("n-1");
    expect(getAttribute(second, "requested-transport")?.value).toBe(17);
    expect(verifyMessageIntegrity(second, KEY)).toBe("ok");

    a.handleDatagram(10, reply(second, "success", allocateSuccess(600)));
    expect(events(a)).toEqual([{ kind: "allocated", relayed: RELAYED, mapped: MAPPED, lifetimeSec: 600 }]);
    expect(a.state).toBe("allocated");
    expect(a.relayedAddress).toEqual(RELAYED);
    expect(a.expiresAt).toBe(10 + 600 * SEC);
  });

  it("uses SHA-256 and MESSAGE-INTEGRITY-SHA256 when the server offers PASSWORD-ALGORITHMS, echoing the list", () => {
    const offered = Uint8Array.of(0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00); // MD5, SHA-256
    const a = turn();
    a.allocate(0);
    const first = oneRequest(a, StunMethod.Allocate);
    const extra: StunAttribute[] = [{ type: "unknown", code: StunAttrType.PasswordAlgorithms, raw: offered }];
    a.handleDatagram(0, reply(first, "error", challenge("obMatJos2AAABxyz", extra), { integrity: "none" }));
    const second = oneRequest(a, StunMethod.Allocate);
    const key256 = longTermKey(USER, REALM, PASS, "sha256");
    expect(verifyMessageIntegritySha256(second, key256)).toBe("ok");
    expect(getAttribute(second, "message-integrity")).toBeUndefined();
    const echoed = second.attributes.find(
      (x) => x.type === "unknown" && x.code === StunAttrType.PasswordAlgorithms,
    );
    expect(echoed?.type === "unknown" && Buffer.from(echoed.raw).equals(Buffer.from(offered))).toBe(true);
    const chosen = second.attributes.find(
      (x) => x.type === "unknown" && x.code === StunAttrType.PasswordAlgorithm,
    );
    const parsed = chosen?.type === "unknown" ? decodePasswordAlgorithms(chosen.raw) : undefined;
    expect(parsed?.ok && parsed.value.map((e) => e.algorithm)).toEqual([2]);
    a.handleDatagram(1, reply(second, "success", allocateSuccess(), { integrity: "sha256", key: key256 }));
    expect(events(a).map((e) => e.kind)).toEqual(["allocated"]);
    expect(a.passwordAlgorithm).toBe("sha256");
  });

  it("fails with `unauthorized` when the credentials are refused (401 to the authenticated Allocate)", () => {
    const a = turn();
    a.allocate(0);
    a.handleDatagram(
      0,
      reply(oneRequest(a, StunMethod.Allocate), "error", challenge(), { integrity: "none" }),
    );
    a.handleDatagram(
      0,
      reply(oneRequest(a, StunMethod.Allocate), "error", challenge("n-2"), { integrity: "none" }),
    );
    const [e, ...rest] = events(a);
    expect(rest).toEqual([]);
    expect(e?.kind === "failed" && [e.error.code, e.error.stunCode]).toEqual(["unauthorized", 401]);
    expect(a.state).toBe("failed");
    expect(transmits(a)).toEqual([]);
    expect(a.pollTimeout()).toBeUndefined();
  });

  it("retries with the new nonce on 438 Stale Nonce, and gives up after maxStaleNonceRetries", () => {
    const stale = (nonce: string): StunAttribute[] => [
      { type: "error-code", code: 438, reason: "Stale Nonce" },
      { type: "realm", value: REALM },
      { type: "nonce", value: nonce },
    ];
    const a = turn({ maxStaleNonceRetries: 2 });
    a.allocate(0);
    a.handleDatagram(
      0,
      reply(oneRequest(a, StunMethod.Allocate), "error", challenge("n-1"), { integrity: "none" }),
    );
    let req = oneRequest(a, StunMethod.Allocate);
    expect(getAttribute(req, "nonce")?.value).toBe("n-1");
    for (const nonce of ["n-2", "n-3"]) {
      a.handleDatagram(1, reply(req, "error", stale(nonce), { integrity: "none" }));
      const retry = oneRequest(a, StunMethod.Allocate);
      expect(Buffer.from(retry.transactionId).equals(Buffer.from(req.transactionId))).toBe(false);
      expect(getAttribute(retry, "nonce")?.value).toBe(nonce);
      expect(verifyMessageIntegrity(retry, KEY)).toBe("ok");
      req = retry;
    }
    expect(events(a)).toEqual([]);
    a.handleDatagram(2, reply(req, "error", stale("n-4"), { integrity: "none" }));
    const [e] = events(a);
    expect(e?.kind === "failed" && [e.error.code, e.error.stunCode]).toEqual(["stale-nonce", 438]);
    expect(a.counters["stale-nonce-retries"]).toBe(2);
  });

  it.each([
    [437, "allocation-mismatch"],
    [486, "allocation-quota"],
    [508, "insufficient-capacity"],
    [442, "unsupported-transport"],
    [403, "forbidden"],
    [500, "protocol-error"],
  ] as const)("maps an Allocate error %i to a typed %s error", (code, expected) => {
    const a = turn();
    a.allocate(0);
    a.handleDatagram(
      0,
      reply(oneRequest(a, StunMethod.Allocate), "error", challenge(), { integrity: "none" }),
    );
    const req = oneRequest(a, StunMethod.Allocate);
    a.handleDatagram(
      1,
      reply(req, "error", [{ type: "error-code", code, reason: "no" }], { integrity: "sha1" }),
    );
    const [e] = events(a);
    expect(e?.kind === "failed" && [e.error.code, e.error.stunCode]).toEqual([expected, code]);
  });

  it("fails with `server-unreachable` after the Allocate's retransmissions (RFC 8489 §6.2.1: 39.5 s at RTO 500 ms)", () => {
    const a = turn();
    a.allocate(0);
    let sends = transmits(a).length;
    for (let i = 0; i < 20 && a.state === "allocating"; i++) {
      const t = a.pollTimeout();
      if (t === undefined) break;
      a.handleTimeout(t);
      sends += transmits(a).length;
    }
    expect(sends).toBe(7);
    const [e] = events(a);
    expect(e?.kind === "failed" && e.error.code).toBe("server-unreachable");
  });

  it("drops a success response with a bad MESSAGE-INTEGRITY (counted) and keeps the transaction alive", () => {
    const a = turn();
    a.allocate(0);
    a.handleDatagram(
      0,
      reply(oneRequest(a, StunMethod.Allocate), "error", challenge(), { integrity: "none" }),
    );
    const req = oneRequest(a, StunMethod.Allocate);
    a.handleDatagram(1, reply(req, "success", allocateSuccess(), { integrity: "bad" }));
    a.handleDatagram(1, reply(req, "success", allocateSuccess(), { integrity: "none" }));
    expect(events(a)).toEqual([]);
    expect(a.counters["stun-bad-integrity"]).toBe(1);
    expect(a.counters["stun-missing-integrity"]).toBe(1);
    a.handleDatagram(2, reply(req, "success", allocateSuccess()));
    expect(events(a).map((e) => e.kind)).toEqual(["allocated"]);
    a.handleDatagram(3, reply(req, "success", allocateSuccess()));
    expect(a.counters["stun-unknown-transaction"]).toBe(1);
  });

  it("over TCP/TLS sends each request once and times out after 39.5 s", () => {
    const a = turn({ transport: "tcp" });
    a.allocate(0);
    expect(transmits(a).length).toBe(1);
    expect(a.pollTimeout()).toBe(39_500);
    a.handleTimeout(39_499);
    expect(transmits(a).length).toBe(0);
    a.handleTimeout(39_500);
    expect(transmits(a).length).toBe(0);
    expect(events(a).map((e) => e.kind)).toEqual(["failed"]);
  });
});

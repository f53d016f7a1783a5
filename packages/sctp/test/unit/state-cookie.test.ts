import { describe, expect, it } from "vitest";
import {
  openStateCookie,
  PeerCapability,
  STATE_COOKIE_LENGTH,
  type StateCookie,
  sealStateCookie,
} from "../../src/crypto/state-cookie.js";

const secret = new Uint8Array(32).fill(7);
const cookie: StateCookie = {
  localTag: 0x01020304,
  localInitialTsn: 0xfffffff0,
  peerTag: 0xa0b0c0d0,
  peerInitialTsn: 42,
  peerRwnd: 131072,
  peerOutboundStreams: 1024,
  peerInboundStreams: 65535,
  localOutboundStreams: 65535,
  localInboundStreams: 65535,
  localTieTag: 0,
  peerTieTag: 0x55555555,
  peerCapabilities: PeerCapability.iData | PeerCapability.zeroChecksum,
  createdAtMs: 12_345.5,
  lifetimeMs: 60_000,
};

describe("state cookie (RFC 9260 §5.1.3, §5.1.5)", () => {
  it("opens what it sealed, field for field", () => {
    const bytes = sealStateCookie(secret, cookie);
    expect(bytes.length).toBe(STATE_COOKIE_LENGTH);
    expect(openStateCookie(secret, bytes, 12_345.5 + 1000)).toEqual({ ok: true, cookie });
  });

  it("rejects every single-bit change (fields or MAC)", () => {
    const bytes = sealStateCookie(secret, cookie);
    for (let i = 1; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i] = (bad[i] as number) ^ 0x01;
      expect(openStateCookie(secret, bad, 12_400)).toEqual({ ok: false, reason: "bad-mac" });
    }
  });

  it("rejects a cookie signed with another secret", () => {
    const bytes = sealStateCookie(new Uint8Array(32).fill(8), cookie);
    expect(openStateCookie(secret, bytes, 12_400)).toEqual({ ok: false, reason: "bad-mac" });
  });

  it("reports a stale cookie with its staleness in µs (the Stale Cookie cause, §3.3.10.3)", () => {
    const bytes = sealStateCookie(secret, cookie);
    expect(openStateCookie(secret, bytes, 12_345.5 + 60_000)).toMatchObject({ ok: true });
    expect(openStateCookie(secret, bytes, 12_345.5 + 60_250)).toEqual({
      ok: false,
      reason: "stale",
      stalenessUs: 250_000,
      cookie,
    });
  });

  it("never throws on junk", () => {
    for (const junk of [
      new Uint8Array(0),
      new Uint8Array(3),
      new Uint8Array(STATE_COOKIE_LENGTH),
      new Uint8Array(500),
    ]) {
      expect(openStateCookie(secret, junk, 0).ok).toBe(false);
    }
  });
});

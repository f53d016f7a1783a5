/**
 * SRTP/SRTCP against werift 0.25's own implementation (node_modules/werift, rtp/src/srtp), both ways, for
 * the profiles werift implements: SRTP_AES128_CM_HMAC_SHA1_80 and SRTP_AEAD_AES_128_GCM. Same master keys
 * on both sides; werift derives its session keys itself, so key derivation is cross-checked too.
 */

import { describe, expect, it } from "vitest";
import { RtpHeader, SrtcpSession, SrtpSession } from "werift";
import { SrtpContext } from "../../src/machine/srtp-context.js";
import { SRTP_PROTECTION_PROFILES, type SrtpProfileName } from "../../src/wire/srtp-protection-profile.js";
import { bytes, makeRtcp, makeRtp } from "../unit/srtp-test-packets.js";
import { toHex } from "../unit/srtp-vector-file.js";

const PROFILES: readonly SrtpProfileName[] = ["SRTP_AES128_CM_HMAC_SHA1_80", "SRTP_AEAD_AES_128_GCM"];

function keysFor(profile: SrtpProfileName) {
  const p = SRTP_PROTECTION_PROFILES[profile];
  const a = { masterKey: bytes(p.cipherKeyLength, 11), masterSalt: bytes(p.cipherSaltLength, 12) };
  const b = { masterKey: bytes(p.cipherKeyLength, 21), masterSalt: bytes(p.cipherSaltLength, 22) };
  const tern = SrtpContext.fromMasterKeys(profile, { local: a, remote: b });
  const config = {
    keys: {
      localMasterKey: Buffer.from(b.masterKey),
      localMasterSalt: Buffer.from(b.masterSalt),
      remoteMasterKey: Buffer.from(a.masterKey),
      remoteMasterSalt: Buffer.from(a.masterSalt),
    },
    profile: p.code,
  };
  return { tern, weriftRtp: new SrtpSession(config), weriftRtcp: new SrtcpSession(config) };
}

/** Sequence numbers from 65530 across the wrap to 5: the ROC goes 0 -> 1. */
const WRAP = [...Array.from({ length: 6 }, (_, i) => 65530 + i), ...Array.from({ length: 6 }, (_, i) => i)];

describe.each(PROFILES)("%s interop with werift", (profile) => {
  it("Tern protect -> werift decrypt, across the ROC wrap, with CSRCs, extensions and padding", () => {
    const { tern, weriftRtp } = keysFor(profile);
    WRAP.forEach((seq, i) => {
      const rtp = makeRtp({
        seq,
        ssrc: 0xcafe0001,
        csrcs: i % 3 === 0 ? [] : [0x1111, 0x2222].slice(0, i % 3),
        extensionWords: i % 2 === 0 ? undefined : 2,
        payload: bytes(i % 4 === 0 ? 160 : 1200, seq),
        padding: i === 5 ? 4 : 0,
      });
      const out = weriftRtp.decrypt(Buffer.from(tern.protect(rtp)));
      expect(toHex(out), `seq ${seq}`).toBe(toHex(rtp));
    });
    expect(tern.localRolloverCounter(0xcafe0001)).toBe(1);
  });

  it("werift encrypt -> Tern unprotect, across the ROC wrap", () => {
    const { tern, weriftRtp } = keysFor(profile);
    WRAP.forEach((seq, i) => {
      const header = new RtpHeader({
        sequenceNumber: seq,
        ssrc: 0xbeef0002,
        payloadType: 111,
        timestamp: 960 * i,
        marker: i === 0,
        csrc: i % 2 === 0 ? [] : [0x01020304],
      });
      const payload = Buffer.from(bytes(i % 2 === 0 ? 160 : 1200, seq));
      const r = tern.unprotect(weriftRtp.encrypt(payload, header));
      if (!r.ok) throw new Error(`seq ${seq}: ${r.error.code}`);
      expect(toHex(r.value)).toBe(toHex(Buffer.concat([header.serialize(header.serializeSize), payload])));
    });
    expect(tern.remoteRolloverCounter(0xbeef0002)).toBe(1);
    expect(tern.counters.rtp).toEqual({ malformed: 0, "auth-failed": 0, replay: 0, "too-old": 0 });
  });

  it("SRTCP both ways", () => {
    const { tern, weriftRtcp } = keysFor(profile);
    for (let n = 0; n < 5; n++) {
      const rtcp = makeRtcp(0x0a0b0c0d, n % 3, n);
      expect(toHex(weriftRtcp.decrypt(Buffer.from(tern.protectRtcp(rtcp))))).toBe(toHex(rtcp));
      const r = tern.unprotectRtcp(weriftRtcp.encrypt(Buffer.from(rtcp)));
      if (!r.ok) throw new Error(r.error.code);
      expect(toHex(r.value)).toBe(toHex(rtcp));
    }
  });

  it("werift rejects a Tern packet with one flipped bit, and Tern rejects werift's", () => {
    const { tern, weriftRtp } = keysFor(profile);
    const bad = Uint8Array.from(tern.protect(makeRtp({ seq: 7, ssrc: 9, payload: bytes(100) })));
    bad[20]! ^= 1;
    expect(() => weriftRtp.decrypt(Buffer.from(bad))).toThrow();
    const enc = Uint8Array.from(
      weriftRtp.encrypt(Buffer.from(bytes(100)), new RtpHeader({ sequenceNumber: 8, ssrc: 10 })),
    );
    enc[enc.length - 1]! ^= 1;
    expect(tern.unprotect(enc).ok).toBe(false);
    expect(tern.counters.rtp["auth-failed"]).toBe(1);
  });
});

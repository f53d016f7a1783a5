import { describe, expect, it } from "vitest";
import { deriveSrtpSessionKeys } from "../../src/crypto/srtp-key-derivation.js";
import { createSrtpTransform } from "../../src/crypto/srtp-transform.js";
import { SrtpContext, SrtpUsageError } from "../../src/machine/srtp-context.js";
import { SRTP_PROTECTION_PROFILES, type SrtpProfileName } from "../../src/wire/srtp-protection-profile.js";
import { bytes, makeRtcp, makeRtp } from "./srtp-test-packets.js";
import { toHex } from "./srtp-vector-file.js";

const PROFILES = Object.keys(SRTP_PROTECTION_PROFILES) as SrtpProfileName[];

function pair(profile: SrtpProfileName, options?: { replayWindowPackets?: number; maxSsrcs?: number }) {
  const p = SRTP_PROTECTION_PROFILES[profile];
  const a = { masterKey: bytes(p.cipherKeyLength, 1), masterSalt: bytes(p.cipherSaltLength, 2) };
  const b = { masterKey: bytes(p.cipherKeyLength, 3), masterSalt: bytes(p.cipherSaltLength, 4) };
  return {
    alice: SrtpContext.fromMasterKeys(profile, { local: a, remote: b }, options),
    bob: SrtpContext.fromMasterKeys(profile, { local: b, remote: a }, options),
  };
}
const aliceSalt = (profile: SrtpProfileName) => bytes(SRTP_PROTECTION_PROFILES[profile].cipherSaltLength, 2);
const rtp = (seq: number, ssrc = 0x1234, n = 160) => makeRtp({ seq, ssrc, payload: bytes(n, seq + 1) });

describe.each(PROFILES)("SrtpContext %s", (profile) => {
  it("srtp-replay-attack: a replayed packet is rejected and counted; RTCP too", () => {
    const { alice, bob } = pair(profile);
    const p = alice.protect(rtp(10));
    expect(bob.unprotect(p).ok).toBe(true);
    const again = bob.unprotect(p);
    expect(again).toEqual({ ok: false, error: { code: "replay", at: 0 } });
    expect(bob.counters.rtp.replay).toBe(1);
    const c = alice.protectRtcp(makeRtcp(0x1234, 1));
    expect(bob.unprotectRtcp(c).ok).toBe(true);
    expect(bob.unprotectRtcp(c).ok).toBe(false);
    expect(bob.counters.rtcp.replay).toBe(1);
  });

  it("a tampered packet is rejected and counted (RTP and RTCP)", () => {
    const { alice, bob } = pair(profile);
    const p = Uint8Array.from(alice.protect(rtp(10)));
    p[40]! ^= 0x10;
    const r = bob.unprotect(p);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe("auth-failed");
    expect(bob.counters.rtp["auth-failed"]).toBe(1);
    const c = Uint8Array.from(alice.protectRtcp(makeRtcp(9, 2)));
    c[20]! ^= 1;
    expect(bob.unprotectRtcp(c).ok).toBe(false);
    expect(bob.counters.rtcp["auth-failed"]).toBe(1);
  });

  it("a forged packet does not advance the ROC or the replay window", () => {
    const { alice, bob } = pair(profile);
    expect(bob.unprotect(alice.protect(rtp(65530))).ok).toBe(true);
    // a forgery with seq 3 would mean ROC 1 if it were believed
    const forged = Uint8Array.from(alice.protect(rtp(65531)));
    forged[2] = 0;
    forged[3] = 3;
    expect(bob.unprotect(forged).ok).toBe(false);
    expect(bob.remoteRolloverCounter(0x1234)).toBe(0);
    // the genuine next packets (ROC 0, then the wrap to ROC 1) still authenticate
    for (const seq of [65531, 65535, 0, 3])
      expect(bob.unprotect(alice.protect(rtp(seq))).ok, `seq ${seq}`).toBe(true);
    expect(bob.remoteRolloverCounter(0x1234)).toBe(1);
    expect(bob.counters.rtp["auth-failed"]).toBe(1);
  });

  it("rollover with reordering around the wrap (RFC 3711 §3.3.1)", () => {
    const { alice, bob } = pair(profile);
    const sent = [65533, 65534, 65535, 0, 1, 2].map((s) => alice.protect(rtp(s)));
    for (const i of [0, 1, 3, 2, 5, 4]) expect(bob.unprotect(sent[i]!).ok, `packet ${i}`).toBe(true);
    expect(bob.remoteRolloverCounter(0x1234)).toBe(1);
    expect(alice.localRolloverCounter(0x1234)).toBe(1);
    expect(bob.unprotect(sent[2]!).ok).toBe(false); // replay of the ROC-0 packet after the wrap
  });

  it("too-old: behind the replay window; a bigger window accepts it", () => {
    const small = pair(profile);
    const big = pair(profile, { replayWindowPackets: 1024 });
    for (const { alice, bob } of [small, big]) {
      const late = alice.protect(rtp(100));
      expect(bob.unprotect(alice.protect(rtp(1000))).ok).toBe(true);
      const r = bob.unprotect(late);
      if (bob === small.bob) {
        expect(r.ok || r.error.code).toBe("too-old");
        expect(bob.counters.rtp["too-old"]).toBe(1);
      } else {
        expect(r.ok).toBe(true);
      }
    }
  });

  it("malformed input is a typed failure, counted", () => {
    const { bob } = pair(profile);
    const tag = SRTP_PROTECTION_PROFILES[profile].srtpAuthTagLength;
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(5), "truncated-trailer"],
      [new Uint8Array(12 + tag).fill(0x40), "bad-version"],
      [Uint8Array.from([0x8f, ...new Uint8Array(11 + tag)]), "truncated-csrc"],
      [Uint8Array.from([0x90, ...new Uint8Array(11 + tag)]), "truncated-extension"],
    ];
    for (const [packet, detail] of cases) {
      const r = bob.unprotect(packet);
      expect(r.ok || r.error).toMatchObject({ code: "malformed", detail });
    }
    expect(bob.counters.rtp.malformed).toBe(cases.length);
    expect(bob.unprotectRtcp(new Uint8Array(10)).ok).toBe(false);
    expect(bob.counters.rtcp.malformed).toBe(1);
  });

  it("authenticated packets with bad RTP padding are dropped as malformed and change no state", () => {
    const { alice, bob } = pair(profile);
    const p = makeRtp({ seq: 1, ssrc: 5, payload: bytes(20) });
    p[0]! |= 0x20; // P set, and the last octet claims more padding than the payload holds
    p[p.length - 1] = 200;
    expect(() => alice.protect(p)).toThrow(SrtpUsageError);
    // a sender that does not check: the raw transform under alice's keys
    const keys = deriveSrtpSessionKeys(
      profile,
      bytes(SRTP_PROTECTION_PROFILES[profile].cipherKeyLength, 1),
      aliceSalt(profile),
    );
    const forgedBySender = createSrtpTransform(profile, keys);
    const stream = forgedBySender.createRtpStream(5);
    const r = bob.unprotect(forgedBySender.protectRtp(p, 12, 5, 0, 1, stream));
    expect(r.ok || r.error).toMatchObject({ code: "malformed", detail: "bad-padding" });
    expect(bob.remoteRolloverCounter(5)).toBeUndefined();
    const padded = makeRtp({ seq: 2, ssrc: 5, payload: bytes(20), padding: 8 });
    const ok = bob.unprotect(alice.protect(padded));
    expect(ok.ok && toHex(ok.value)).toBe(toHex(padded));
  });

  it("SRTCP: E = 0 (authenticated only) goes through, and the payload travels in the clear", () => {
    const { alice, bob } = pair(profile);
    const rtcp = makeRtcp(0x77, 2, 0x33);
    const plain = alice.protectRtcp(rtcp, { encrypt: false });
    expect(toHex(plain.subarray(0, rtcp.length))).toBe(toHex(rtcp));
    const r = bob.unprotectRtcp(plain);
    expect(r.ok && toHex(r.value)).toBe(toHex(rtcp));
    const enc = alice.protectRtcp(rtcp);
    expect(toHex(enc.subarray(8, rtcp.length))).not.toBe(toHex(rtcp.subarray(8)));
  });

  it("remembers at most maxSsrcs SSRCs per direction, forgetting the oldest", () => {
    const { alice, bob } = pair(profile, { maxSsrcs: 4 });
    for (let ssrc = 1; ssrc <= 6; ssrc++) expect(bob.unprotect(alice.protect(rtp(1, ssrc))).ok).toBe(true);
    expect(bob.ssrcCounts.rtpIn).toBe(4);
    expect(alice.ssrcCounts.rtpOut).toBe(4);
    expect(bob.remoteRolloverCounter(1)).toBeUndefined();
    expect(bob.remoteRolloverCounter(6)).toBe(0);
  });

  it("forgets the least recently used SSRC, not the first one added (RTP and RTCP, both directions)", () => {
    const { alice, bob } = pair(profile, { maxSsrcs: 3 });
    // SSRC 1 is added first but stays in use; 2 and 3 go quiet; 4 and 5 arrive
    let seq = 100;
    for (const ssrc of [1, 2, 3, 1, 4, 1, 5]) {
      expect(bob.unprotect(alice.protect(rtp(seq++, ssrc))).ok).toBe(true);
      expect(bob.unprotectRtcp(alice.protectRtcp(makeRtcp(ssrc, 1))).ok).toBe(true);
    }
    expect(bob.ssrcCounts).toEqual({ rtpOut: 0, rtpIn: 3, rtcpOut: 0, rtcpIn: 3 });
    expect(bob.remoteRolloverCounter(1)).toBe(0);
    expect(bob.remoteRolloverCounter(2)).toBeUndefined();
    expect(bob.remoteRolloverCounter(3)).toBeUndefined();
    expect(alice.localRolloverCounter(1)).toBe(0);
    expect(alice.localRolloverCounter(2)).toBeUndefined();
    // the stream kept in use keeps its replay window: a replay of its first packet is still caught
    const first = alice.protect(rtp(seq++, 1));
    expect(bob.unprotect(first).ok).toBe(true);
    for (const ssrc of [6, 1, 7]) expect(bob.unprotect(alice.protect(rtp(seq++, ssrc))).ok).toBe(true);
    expect(bob.unprotect(first)).toEqual({ ok: false, error: { code: "replay", at: 0 } });
    // SRTCP: sender SSRC 1's replay window survived too
    const c = alice.protectRtcp(makeRtcp(1, 2));
    expect(bob.unprotectRtcp(c).ok).toBe(true);
    for (const ssrc of [8, 1, 9])
      expect(bob.unprotectRtcp(alice.protectRtcp(makeRtcp(ssrc, 1))).ok).toBe(true);
    expect(bob.unprotectRtcp(c).ok).toBe(false);
    expect(bob.counters.rtcp.replay).toBe(1);
  });

  it("big packets (own buffer, grown scratch) and inputs at odd offsets round-trip", () => {
    const { alice, bob } = pair(profile);
    const cases = [
      [20000, 0],
      [1200, 1],
      [1201, 3],
      [7, 1],
    ] as const;
    for (const [k, [n, offset]] of cases.entries()) {
      const p = makeRtp({ seq: 100 + k, ssrc: 77, payload: bytes(n, n) });
      const shifted = new Uint8Array(p.length + offset);
      shifted.set(p, offset);
      const sent = alice.protect(shifted.subarray(offset));
      const onTheWire = new Uint8Array(sent.length + offset);
      onTheWire.set(sent, offset);
      const r = bob.unprotect(onTheWire.subarray(offset));
      expect(r.ok && toHex(r.value), `payload ${n} at +${offset}`).toBe(toHex(p));
    }
  });

  it("protect rejects what is not RTP / RTCP with a SrtpUsageError", () => {
    const { alice } = pair(profile);
    expect(() => alice.protect(new Uint8Array(4))).toThrow(SrtpUsageError);
    expect(() => alice.protect(new Uint8Array(20))).toThrow(/bad-version/);
    expect(() => alice.protectRtcp(new Uint8Array(4))).toThrow(SrtpUsageError);
  });
});

describe("SrtpContext construction", () => {
  it("from keying material: client and server roles pair up", () => {
    const material = bytes(60, 9);
    const client = SrtpContext.fromKeyingMaterial("SRTP_AES128_CM_HMAC_SHA1_80", material, "client");
    const server = SrtpContext.fromKeyingMaterial("SRTP_AES128_CM_HMAC_SHA1_80", material, "server");
    const p = rtp(3);
    const r = server.unprotect(client.protect(p));
    expect(r.ok && toHex(r.value)).toBe(toHex(p));
    // a second client would not understand the first (it uses the server's keys to receive)
    const other = SrtpContext.fromKeyingMaterial("SRTP_AES128_CM_HMAC_SHA1_80", material, "client");
    expect(other.unprotect(client.protect(rtp(4))).ok).toBe(false);
  });

  it("rejects bad options and key sizes", () => {
    expect(() => SrtpContext.fromKeyingMaterial("SRTP_AEAD_AES_128_GCM", bytes(60), "client")).toThrow(
      RangeError,
    );
    const keys = { masterKey: bytes(16), masterSalt: bytes(14) };
    const both = { local: keys, remote: keys };
    expect(() =>
      SrtpContext.fromMasterKeys("SRTP_AES128_CM_HMAC_SHA1_80", both, { replayWindowPackets: 100 }),
    ).toThrow(RangeError);
    expect(() => SrtpContext.fromMasterKeys("SRTP_AES128_CM_HMAC_SHA1_80", both, { maxSsrcs: 0 })).toThrow(
      RangeError,
    );
  });

  it("SRTP_AES128_CM_HMAC_SHA1_32 appends a 4-octet SRTP tag and a 10-octet SRTCP tag", () => {
    const keys = { masterKey: bytes(16), masterSalt: bytes(14) };
    const ctx = SrtpContext.fromMasterKeys("SRTP_AES128_CM_HMAC_SHA1_32", { local: keys, remote: keys });
    expect(ctx.protect(rtp(1, 1, 100)).length).toBe(112 + 4);
    expect(ctx.protectRtcp(makeRtcp(1, 0)).length).toBe(8 + 4 + 10);
  });
});

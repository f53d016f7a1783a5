import { createCipheriv, createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HmacSha1 } from "../../src/crypto/srtp-hmac-sha1.js";
import { deriveSrtpSessionKeys } from "../../src/crypto/srtp-key-derivation.js";
import { SrtpContext } from "../../src/machine/srtp-context.js";
import { SRTP_PROTECTION_PROFILES, type SrtpProfileName } from "../../src/wire/srtp-protection-profile.js";
import { makeRtcp, makeRtp } from "../unit/srtp-test-packets.js";
import { toHex } from "../unit/srtp-vector-file.js";

const PROFILES = Object.keys(SRTP_PROTECTION_PROFILES) as SrtpProfileName[];

function pair(profile: SrtpProfileName, seed = 1) {
  const p = SRTP_PROTECTION_PROFILES[profile];
  const a = {
    masterKey: new Uint8Array(p.cipherKeyLength).fill(seed),
    masterSalt: new Uint8Array(p.cipherSaltLength).fill(seed + 1),
  };
  const b = {
    masterKey: new Uint8Array(p.cipherKeyLength).fill(seed + 2),
    masterSalt: new Uint8Array(p.cipherSaltLength).fill(seed + 3),
  };
  return {
    alice: SrtpContext.fromMasterKeys(profile, { local: a, remote: b }),
    bob: SrtpContext.fromMasterKeys(profile, { local: b, remote: a }),
    aliceKeys: a,
  };
}

const dropped = (c: SrtpContext) => Object.values(c.counters.rtp).reduce((x, y) => x + y, 0);

const rtpShape = fc.record({
  seqStep: fc.integer({ min: 1, max: 3000 }),
  ssrc: fc.constantFrom(1, 0xffffffff, 0x12345678),
  csrcs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
  extensionWords: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
  payload: fc.uint8Array({ maxLength: 1400 }),
  padding: fc.integer({ min: 0, max: 40 }),
});

describe("SRTP properties (fast-check)", () => {
  it.each(PROFILES)(
    "%s: unprotect / unprotectRtcp never throw on arbitrary bytes, and count each drop",
    (profile) => {
      const { bob } = pair(profile);
      let drops = 0;
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, v2) => {
          if (v2 && bytes.length > 0) bytes[0] = 0x80 | (bytes[0]! & 0x3f);
          const r = bob.unprotect(bytes);
          const c = bob.unprotectRtcp(bytes);
          drops += (r.ok ? 0 : 1) + (c.ok ? 0 : 1);
          expect(dropped(bob) + Object.values(bob.counters.rtcp).reduce((x, y) => x + y, 0)).toBe(drops);
        }),
        { numRuns: 300 },
      );
    },
  );

  it.each(PROFILES)(
    "%s: protect -> unprotect is the identity (CSRCs, extensions, padding, ROC wraps)",
    (profile) => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 65535 }),
          fc.array(rtpShape, { minLength: 1, maxLength: 25 }),
          (start, shapes) => {
            const { alice, bob } = pair(profile);
            const seqs = new Map<number, number>();
            for (const s of shapes) {
              const seq = ((seqs.get(s.ssrc) ?? start) + s.seqStep) & 0xffff;
              seqs.set(s.ssrc, seq);
              const rtp = makeRtp({ ...s, seq, padding: s.padding > 0 ? s.padding : undefined });
              const r = bob.unprotect(alice.protect(rtp));
              if (!r.ok) throw new Error(`${r.error.code} ${r.error.detail ?? ""}`);
              expect(toHex(r.value)).toBe(toHex(rtp));
            }
            expect(dropped(bob)).toBe(0);
            const rtcp = makeRtcp(7, shapes.length % 4);
            const c = bob.unprotectRtcp(alice.protectRtcp(rtcp));
            expect(c.ok && toHex(c.value)).toBe(toHex(rtcp));
          },
        ),
        { numRuns: 40 },
      );
    },
  );

  it.each(PROFILES)("%s: any single bit flip is rejected and counted, and changes no state", (profile) => {
    fc.assert(
      fc.property(rtpShape, fc.nat(), (s, bitSeed) => {
        const { alice, bob } = pair(profile);
        // bob has state for this SSRC: one packet before
        const first = bob.unprotect(alice.protect(makeRtp({ ...s, seq: 100, padding: undefined })));
        expect(first.ok).toBe(true);
        const srtp = alice.protect(makeRtp({ ...s, seq: 101, padding: undefined }));
        const bit = bitSeed % (srtp.length * 8);
        const bad = Uint8Array.from(srtp);
        bad[bit >>> 3]! ^= 1 << (bit & 7);
        const r = bob.unprotect(bad);
        expect(r.ok).toBe(false);
        expect(dropped(bob)).toBe(1);
        // past the header, the only possible reason is the tag; inside it, a flip may also break the header's
        // structure (V, CC, X, extension length: "malformed") or move the index (sequence number)
        const headerLength =
          srtp.length - s.payload.length - SRTP_PROTECTION_PROFILES[profile].srtpAuthTagLength;
        if (!r.ok) {
          if (bit >>> 3 >= headerLength) expect(r.error.code).toBe("auth-failed");
          else expect(["auth-failed", "malformed", "replay", "too-old"]).toContain(r.error.code);
        }
        // nothing moved: the genuine packet still goes through
        expect(bob.unprotect(srtp).ok).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("AES-CM SRTP equals the textbook construction (aes-128-ctr + createHmac) for any index walk", () => {
    const profile = "SRTP_AES128_CM_HMAC_SHA1_80";
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            jump: fc.integer({ min: -40, max: 32000 }),
            length: fc.integer({ min: 0, max: 1500 }),
          }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        (steps) => {
          const { alice, aliceKeys } = pair(profile);
          const keys = deriveSrtpSessionKeys(profile, aliceKeys.masterKey, aliceKeys.masterSalt).srtp;
          let index = 5;
          let highest = 5;
          for (const { jump, length } of steps) {
            index = Math.max(0, index + jump);
            if (index < highest - 30000) index = highest; // stay within the 2^15 the ROC estimate resolves
            highest = Math.max(highest, index);
            const roc = Math.floor(index / 65536);
            const seq = index % 65536;
            const payload = new Uint8Array(length).fill(length & 0xff);
            const rtp = makeRtp({ seq, ssrc: 0xdeadbeef, payload });
            const iv = new Uint8Array(16);
            iv.set(keys.cipherSalt);
            const ivView = new DataView(iv.buffer);
            ivView.setUint32(4, ivView.getUint32(4) ^ 0xdeadbeef);
            ivView.setUint32(8, ivView.getUint32(8) ^ roc);
            ivView.setUint16(12, ivView.getUint16(12) ^ seq);
            const enc = createCipheriv("aes-128-ctr", keys.cipherKey, iv).update(payload);
            const rocBytes = new Uint8Array(4);
            new DataView(rocBytes.buffer).setUint32(0, roc);
            const tag = createHmac("sha1", keys.authKey)
              .update(rtp.subarray(0, 12))
              .update(enc)
              .update(rocBytes)
              .digest()
              .subarray(0, 10);
            const expected = toHex(rtp.subarray(0, 12)) + toHex(enc) + toHex(tag);
            expect(toHex(alice.protect(rtp)), `index ${index}`).toBe(expected);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it("HMAC-SHA1 from crypto.hash over ipad/opad equals createHmac, for contexts interleaved", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 100 }), { minLength: 1, maxLength: 3 }),
        fc.array(
          fc.record({
            key: fc.nat(),
            msg: fc.uint8Array({ maxLength: 3000 }),
            tagLength: fc.integer({ min: 1, max: 20 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (keys, steps) => {
          // one scratch buffer is shared by every context: each sign must still use its own key
          const macs = keys.map((k) => new HmacSha1(k));
          for (const { key, msg, tagLength } of steps) {
            const mac = macs[key % macs.length] as HmacSha1;
            mac.reserve(msg.length).set(msg, HmacSha1.MESSAGE_OFFSET);
            const out = new Uint8Array(tagLength);
            mac.sign(msg.length, out, 0, tagLength);
            expect(toHex(out)).toBe(
              createHmac("sha1", keys[key % keys.length] as Uint8Array)
                .update(msg)
                .digest("hex")
                .slice(0, 2 * tagLength),
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

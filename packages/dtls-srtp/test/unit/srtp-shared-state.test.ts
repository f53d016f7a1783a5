/**
 * SRTP contexts share process-wide scratch (the HMAC message buffer, the AES-CM counter blocks, the buffer
 * a received tag is compared in) and make their AES-CM ciphers on first use: contexts used interleaved,
 * with packets of growing size, give byte for byte what contexts used alone give (RFC 3711 §3.3, §3.4).
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deriveSrtpSessionKeys } from "../../src/crypto/srtp-key-derivation.js";
import { SrtpContext } from "../../src/machine/srtp-context.js";
import { SRTP_PROTECTION_PROFILES, type SrtpProfileName } from "../../src/wire/srtp-protection-profile.js";
import { bytes, makeRtcp, makeRtp } from "./srtp-test-packets.js";

function senderKeys(profile: SrtpProfileName, seed: number) {
  const p = SRTP_PROTECTION_PROFILES[profile];
  return { masterKey: bytes(p.cipherKeyLength, seed), masterSalt: bytes(p.cipherSaltLength, seed + 1) };
}

function contexts(profile: SrtpProfileName, seed: number) {
  const p = SRTP_PROTECTION_PROFILES[profile];
  const a = senderKeys(profile, seed);
  const b = {
    masterKey: bytes(p.cipherKeyLength, seed + 2),
    masterSalt: bytes(p.cipherSaltLength, seed + 3),
  };
  return {
    sender: SrtpContext.fromMasterKeys(profile, { local: a, remote: b }),
    receiver: SrtpContext.fromMasterKeys(profile, { local: b, remote: a }),
  };
}

/** Packets of one session: RTP of growing size (past the scratch's initial 1500 octets) and RTCP. */
function packets(ssrc: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < 6; i++) {
    out.push(makeRtp({ seq: 100 + i, ssrc, payload: bytes(200 + i * 700, ssrc + i) }));
    out.push(makeRtcp(ssrc, i + 1));
  }
  return out;
}

const isRtcp = (p: Uint8Array): boolean => (p[1] as number) >= 192 && (p[1] as number) <= 223;

/**
 * The tag `createHmac` gives (RFC 3711 §4.2.1): SRTP authenticates the packet then the ROC (0 here),
 * SRTCP the packet with its E||index word.
 */
function expectedTag(profile: SrtpProfileName, seed: number, wire: Uint8Array, rtcp: boolean): string {
  const p = SRTP_PROTECTION_PROFILES[profile];
  const { masterKey, masterSalt } = senderKeys(profile, seed);
  const keys = deriveSrtpSessionKeys(profile, masterKey, masterSalt);
  const tagLength = rtcp ? p.srtcpAuthTagLength : p.srtpAuthTagLength;
  const mac = createHmac("sha1", rtcp ? keys.srtcp.authKey : keys.srtp.authKey);
  mac.update(wire.subarray(0, wire.length - tagLength));
  if (!rtcp) mac.update(new Uint8Array(4));
  return mac.digest("hex").slice(0, 2 * tagLength);
}

const tagOf = (profile: SrtpProfileName, wire: Uint8Array, rtcp: boolean): string => {
  const p = SRTP_PROTECTION_PROFILES[profile];
  const n = rtcp ? p.srtcpAuthTagLength : p.srtpAuthTagLength;
  return Buffer.from(wire.subarray(wire.length - n)).toString("hex");
};

describe.each(["SRTP_AES128_CM_HMAC_SHA1_80", "SRTP_AES128_CM_HMAC_SHA1_32"] as SrtpProfileName[])(
  "%s contexts interleaved",
  (profile) => {
    it("protect and unprotect exactly as contexts used one at a time", () => {
      const sessions = [11, 21, 31].map((seed) => ({ seed, packets: packets(0x1000 + seed) }));
      // alone: each session's packets through its own fresh contexts, one session after the other
      const alone = sessions.map(({ seed, packets: ps }) => {
        const { sender } = contexts(profile, seed);
        return ps.map((p) => (isRtcp(p) ? sender.protectRtcp(p) : sender.protect(p)).slice());
      });
      // interleaved: packet i of every session before packet i + 1 of any, senders and receivers alternating
      const live = sessions.map(({ seed }) => contexts(profile, seed));
      for (let i = 0; i < (sessions[0]?.packets.length ?? 0); i++) {
        for (const [s, { packets: ps }] of sessions.entries()) {
          const { sender, receiver } = live[s] as ReturnType<typeof contexts>;
          const plain = ps[i] as Uint8Array;
          const wire = isRtcp(plain) ? sender.protectRtcp(plain) : sender.protect(plain);
          expect(wire).toEqual(alone[s]?.[i]);
          const seed = sessions[s]?.seed as number;
          expect(tagOf(profile, wire, isRtcp(plain))).toBe(expectedTag(profile, seed, wire, isRtcp(plain)));
          const back = isRtcp(plain) ? receiver.unprotectRtcp(wire) : receiver.unprotect(wire);
          expect(back.ok && [...back.value]).toEqual([...plain]);
        }
      }
      for (const { receiver } of live) {
        expect(receiver.counters.rtp["auth-failed"]).toBe(0);
        expect(receiver.counters.rtcp["auth-failed"]).toBe(0);
      }
    });

    it("a receiver that never got a packet still authenticates the first one it gets", () => {
      const { sender, receiver } = contexts(profile, 41);
      const other = contexts(profile, 51);
      other.receiver.unprotect(other.sender.protect(makeRtp({ seq: 1, ssrc: 5, payload: bytes(3000, 1) })));
      const wire = sender.protectRtcp(makeRtcp(7, 1));
      const tampered = wire.slice();
      tampered[tampered.length - 1]! ^= 1;
      expect(receiver.unprotectRtcp(tampered).ok).toBe(false);
      expect(receiver.unprotectRtcp(wire).ok).toBe(true);
    });
  },
);

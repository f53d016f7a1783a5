/**
 * `pnpm bench srtp`: SRTP protect / unprotect throughput, packets per CPU-second (process.cpuUsage, so GC
 * threads count), 12-byte header + 160 B or 1200 B payload, one SSRC with consecutive sequence numbers.
 *
 * Contenders, all in this run:
 * - Tern: `SrtpContext.protect` / `unprotect` (packages/dtls-srtp).
 * - werift 0.25: `SrtpSession.encrypt(payload, header)` / `decrypt(buf)` — its real call shape.
 * - node:crypto naive: per packet one `createCipheriv("aes-128-ctr")` + one `createHmac("sha1")`
 *   (AES-CM), or one `aes-128-gcm` cipher (AEAD), and `Buffer.concat` — what a straightforward port does.
 *
 * Each figure is the median of ROUNDS rounds of PACKETS packets; unprotect inputs are made before the
 * timed loop (fresh indices every round, so replay protection never rejects them).
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";
import { deriveSrtpSessionKeys, SrtpContext, type SrtpProfileName } from "@tern/dtls-srtp";
import { type BenchRow, median, writeReport } from "./report.js";

interface WeriftRtpHeader {
  sequenceNumber: number;
  serializeSize: number;
  serialize(size: number): Buffer;
}
interface WeriftModule {
  RtpHeader: {
    new (props: Record<string, unknown>): WeriftRtpHeader;
    deSerialize(b: Buffer): WeriftRtpHeader;
  };
  SrtpSession: new (
    config: unknown,
  ) => {
    encrypt(payload: Buffer, header: WeriftRtpHeader): Buffer;
    decrypt(buf: Buffer): Buffer;
  };
}
const werift = createRequire(import.meta.url)("werift") as WeriftModule;

const PACKETS = 20_000;
const ROUNDS = 7;
const SSRC = 0x11223344;

const PROFILES: readonly { name: SrtpProfileName; label: string; code: number }[] = [
  { name: "SRTP_AES128_CM_HMAC_SHA1_80", label: "AES_CM_128_HMAC_SHA1_80", code: 0x0001 },
  { name: "SRTP_AEAD_AES_128_GCM", label: "AEAD_AES_128_GCM", code: 0x0007 },
];

function filled(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

function rtpPacket(seq: number, payload: Buffer, ssrc = SSRC): Buffer {
  const b = Buffer.alloc(12 + payload.length);
  b[0] = 0x80;
  b[1] = 96;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(seq * 960, 4);
  b.writeUInt32BE(ssrc, 8);
  payload.copy(b, 12);
  return b;
}

interface Contender {
  readonly name: string;
  /** Untimed, before each round (round 0 is a warm-up that is not counted). */
  readonly prepare: (round: number) => void;
  readonly run: (i: number) => void;
}

/**
 * Packets per CPU-second of each contender's `run(i)` for i in [0, PACKETS). Rounds are interleaved
 * (A B C, A B C, …) so that load from elsewhere on the machine hits every contender alike.
 */
function measure(contenders: readonly Contender[]): Record<string, number> {
  const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const c of contenders) {
      c.prepare(round);
      const t = process.cpuUsage();
      for (let i = 0; i < PACKETS; i++) c.run(i);
      const used = process.cpuUsage(t);
      if (round > 0) rates.get(c.name)?.push(PACKETS / ((used.user + used.system) / 1e6));
    }
  }
  return Object.fromEntries([...rates].map(([name, r]) => [name, median(r)]));
}

/** The straightforward node:crypto SRTP: one cipher object (and one HMAC) per packet. */
function naive(profile: SrtpProfileName, masterKey: Buffer, masterSalt: Buffer) {
  const keys = deriveSrtpSessionKeys(profile, masterKey, masterSalt).srtp;
  const gcm = profile === "SRTP_AEAD_AES_128_GCM";
  const tagLength = gcm ? 16 : 10;
  const iv = (ssrc: number, roc: number, seq: number): Buffer => {
    const v = Buffer.alloc(gcm ? 12 : 16);
    if (gcm) {
      v.writeUInt32BE(ssrc, 2);
      v.writeUInt32BE(roc, 6);
      v.writeUInt16BE(seq, 10);
    } else {
      v.writeUInt32BE(ssrc, 4);
      v.writeUInt32BE(roc, 8);
      v.writeUInt16BE(seq, 12);
    }
    for (let i = 0; i < keys.cipherSalt.length; i++) v[i]! ^= keys.cipherSalt[i]!;
    return v;
  };
  const rocBytes = (roc: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(roc);
    return b;
  };
  return {
    protect(rtp: Buffer, roc: number): Buffer {
      const seq = rtp.readUInt16BE(2);
      const header = rtp.subarray(0, 12);
      if (gcm) {
        const c = createCipheriv("aes-128-gcm", keys.cipherKey, iv(rtp.readUInt32BE(8), roc, seq));
        c.setAAD(header);
        const enc = c.update(rtp.subarray(12));
        c.final();
        return Buffer.concat([header, enc, c.getAuthTag()]);
      }
      const enc = createCipheriv("aes-128-ctr", keys.cipherKey, iv(rtp.readUInt32BE(8), roc, seq)).update(
        rtp.subarray(12),
      );
      const tag = createHmac("sha1", keys.authKey).update(header).update(enc).update(rocBytes(roc)).digest();
      return Buffer.concat([header, enc, tag.subarray(0, tagLength)]);
    },
    unprotect(srtp: Buffer, roc: number): Buffer | undefined {
      const seq = srtp.readUInt16BE(2);
      const end = srtp.length - tagLength;
      const header = srtp.subarray(0, 12);
      if (gcm) {
        const d = createDecipheriv("aes-128-gcm", keys.cipherKey, iv(srtp.readUInt32BE(8), roc, seq));
        d.setAAD(header);
        d.setAuthTag(srtp.subarray(end));
        const dec = d.update(srtp.subarray(12, end));
        try {
          d.final();
        } catch {
          return undefined;
        }
        return Buffer.concat([header, dec]);
      }
      const tag = createHmac("sha1", keys.authKey)
        .update(srtp.subarray(0, end))
        .update(rocBytes(roc))
        .digest();
      if (!timingSafeEqual(tag.subarray(0, tagLength), srtp.subarray(end))) return undefined;
      const dec = createDecipheriv("aes-128-ctr", keys.cipherKey, iv(srtp.readUInt32BE(8), roc, seq)).update(
        srtp.subarray(12, end),
      );
      return Buffer.concat([header, dec]);
    },
  };
}

/** AES-CM protect, 1200 B, 8 SSRCs round-robin: the per-SSRC keystream windows must not thrash. */
function multiSsrcRow(): BenchRow {
  const profile = PROFILES[0]!;
  const masterKey = filled(16, 1);
  const masterSalt = filled(14, 2);
  const payload = filled(1200, 5);
  const plain = Array.from({ length: PACKETS }, (_, i) => rtpPacket(i >>> 3, payload, SSRC + (i & 7)));
  const keys = { masterKey, masterSalt };
  let tern = SrtpContext.fromMasterKeys(profile.name, { local: keys, remote: keys });
  const config = {
    keys: {
      localMasterKey: masterKey,
      localMasterSalt: masterSalt,
      remoteMasterKey: masterKey,
      remoteMasterSalt: masterSalt,
    },
    profile: profile.code,
  };
  let session = new werift.SrtpSession(config);
  const headers = plain.map((p) => werift.RtpHeader.deSerialize(p));
  const payloads = plain.map((p) => p.subarray(12));
  const textbook = naive(profile.name, masterKey, masterSalt);
  const values = measure([
    {
      name: "Tern",
      prepare: () => {
        tern = SrtpContext.fromMasterKeys(profile.name, { local: keys, remote: keys });
      },
      run: (i) => tern.protect(plain[i]!),
    },
    {
      name: "werift",
      prepare: () => {
        session = new werift.SrtpSession(config);
      },
      run: (i) => session.encrypt(payloads[i]!, headers[i]!),
    },
    { name: "node:crypto naive", prepare: () => {}, run: (i) => textbook.protect(plain[i]!, 0) },
  ]);
  return { case: `${profile.label} protect 1200 B, 8 SSRCs interleaved`, values };
}

export default async function (): Promise<void> {
  const rows: BenchRow[] = [];
  for (const profile of PROFILES) {
    const masterKey = filled(16, 1);
    const masterSalt = filled(profile.name === "SRTP_AEAD_AES_128_GCM" ? 12 : 14, 2);
    for (const payloadLength of [160, 1200]) {
      const payload = filled(payloadLength, 5);
      // one set of plain packets reused by protect; its seqs never repeat within a round
      const plain = Array.from({ length: PACKETS }, (_, i) => rtpPacket(i, payload));
      const newTern = () =>
        SrtpContext.fromMasterKeys(profile.name, {
          local: { masterKey, masterSalt },
          remote: { masterKey, masterSalt },
        });
      const weriftConfig = {
        keys: {
          localMasterKey: masterKey,
          localMasterSalt: masterSalt,
          remoteMasterKey: masterKey,
          remoteMasterSalt: masterSalt,
        },
        profile: profile.code,
      };

      // protect: the same plain packets every round (a sender never rejects a repeated index)
      let ternOut = newTern();
      let weriftOut = new werift.SrtpSession(weriftConfig);
      const headers = plain.map((p) => werift.RtpHeader.deSerialize(p));
      const payloads = plain.map((p) => p.subarray(12));
      const textbook = naive(profile.name, masterKey, masterSalt);
      const protect = measure([
        {
          name: "Tern",
          prepare: () => {
            ternOut = newTern();
          },
          run: (i) => ternOut.protect(plain[i]!),
        },
        {
          name: "werift",
          prepare: () => {
            weriftOut = new werift.SrtpSession(weriftConfig);
          },
          run: (i) => weriftOut.encrypt(payloads[i]!, headers[i]!),
        },
        { name: "node:crypto naive", prepare: () => {}, run: (i) => textbook.protect(plain[i]!, 0) },
      ]);
      rows.push({ case: `${profile.label} protect ${payloadLength} B`, values: protect });

      // unprotect: inputs made before each round by one long-lived sender per contender (fresh indices
      // every round; the ROC wraps in sequence), so replay protection never rejects them
      const senders = () => {
        const sender = newTern();
        let seq = 0;
        return (): Buffer[] =>
          Array.from({ length: PACKETS }, () => Buffer.from(sender.protect(rtpPacket(seq++, payload))));
      };
      const ternIn = newTern();
      const weriftIn = new werift.SrtpSession(weriftConfig);
      const forTern = senders();
      const forWerift = senders();
      let ternInputs: Buffer[] = [];
      let weriftInputs: Buffer[] = [];
      let naiveInputs: Buffer[] = [];
      let failures = 0;
      const unprotect = measure([
        {
          name: "Tern",
          prepare: () => {
            ternInputs = forTern();
          },
          run: (i) => {
            if (!ternIn.unprotect(ternInputs[i]!).ok) failures++;
          },
        },
        {
          name: "werift",
          prepare: () => {
            weriftInputs = forWerift();
          },
          run: (i) => weriftIn.decrypt(weriftInputs[i]!),
        },
        {
          // a fixed ROC (0) is all the naive receiver tracks: inputs from a fresh sender every round
          name: "node:crypto naive",
          prepare: () => {
            const s = newTern();
            naiveInputs = plain.map((p) => Buffer.from(s.protect(p)));
          },
          run: (i) => {
            if (textbook.unprotect(naiveInputs[i]!, 0) === undefined) failures++;
          },
        },
      ]);
      if (failures > 0) throw new Error(`${failures} packets failed to unprotect in the benchmark`);
      rows.push({ case: `${profile.label} unprotect ${payloadLength} B`, values: unprotect });
    }
  }
  rows.push(multiSsrcRow());
  writeReport({
    name: "srtp",
    unit: "packets/CPU-s",
    better: "higher",
    subject: "Tern",
    baselines: ["werift", "node:crypto naive"],
    rows,
    notes: [
      `${PACKETS} packets per round, median of ${ROUNDS} interleaved rounds, one SSRC, consecutive sequence numbers.`,
      "Tern AES-CM: keystream for a window of upcoming indices per SSRC from one aes-128-ecb update(), XOR over",
      "32-bit words, HMAC-SHA1 from two crypto.hash(…, 'binary') calls, outputs carved from 64 KiB slabs: no",
      "per-packet native object or off-heap Buffer. GCM needs one node:crypto cipher object per packet and",
      "node returns three Buffers from it (update, final, getAuthTag): that is the floor Tern sits on.",
    ],
  });
}

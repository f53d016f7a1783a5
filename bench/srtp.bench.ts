/**
 * `pnpm bench srtp`: SRTP protect / unprotect throughput, packets per CPU-second (process.cpuUsage, so GC
 * threads count), 12-byte header + 160 B or 1200 B payload, one SSRC with consecutive sequence numbers.
 *
 * Contenders, all in this run, each in a child process of its own, rounds interleaved:
 * - Tern: `SrtpContext.protect` / `unprotect` (packages/dtls-srtp).
 * - werift 0.25: `SrtpSession.encrypt(payload, header)` / `decrypt(buf)` — its real call shape.
 * - node:crypto naive: per packet one `createCipheriv("aes-128-ctr")` + one `createHmac("sha1")`
 *   (AES-CM), or one `aes-128-gcm` cipher (AEAD), and `Buffer.concat` — what a straightforward port does.
 *
 * Each figure is the spread over ROUNDS rounds (after one warm-up) of PACKETS packets; unprotect inputs
 * are made before the timed loop (fresh indices every round, so replay protection never rejects them).
 * Every contender gets the same packets (bytes) and the same keys.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { deriveSrtpSessionKeys, SrtpContext, type SrtpProfileName } from "@tern/dtls-srtp";
import { startEnvironment } from "./harness/environment.js";
import { type BenchRow, writeReport } from "./harness/report.js";
import { spread } from "./harness/spread.js";
import { benchEntry, interleavedRounds, quick, StackProcess } from "./harness/stack-process.js";

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
const ROUNDS = quick() ? 3 : 7;
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

interface CaseSpec {
  readonly id: string;
  readonly label: string;
  readonly profile: (typeof PROFILES)[number];
  readonly payload: number;
  readonly op: "protect" | "unprotect";
  /** SSRCs round-robin (8: the per-SSRC keystream windows must not thrash). */
  readonly ssrcs: 1 | 8;
}

const CASES: readonly CaseSpec[] = [
  ...PROFILES.flatMap((profile) =>
    [160, 1200].flatMap((payload) =>
      (["protect", "unprotect"] as const).map((op) => ({
        id: `${profile.code}-${payload}-${op}`,
        label: `${profile.label} ${op} ${payload} B`,
        profile,
        payload,
        op,
        ssrcs: 1 as const,
      })),
    ),
  ),
  {
    id: "cm-1200-protect-8ssrc",
    label: "AES_CM_128_HMAC_SHA1_80 protect 1200 B, 8 SSRCs interleaved",
    profile: PROFILES[0] as (typeof PROFILES)[number],
    payload: 1200,
    op: "protect",
    ssrcs: 8,
  },
];

const CONTENDERS = ["Tern", "werift", "node:crypto naive"] as const;
type Contender = (typeof CONTENDERS)[number];

/** One contender's work for one case: `prepare` untimed before each round, `run(i)` per packet. */
interface CaseWork {
  prepare(): void;
  run(i: number): void;
  failures(): number;
}

function caseWork(who: Contender, c: CaseSpec): CaseWork {
  const profile = c.profile;
  const masterKey = filled(16, 1);
  const masterSalt = filled(profile.name === "SRTP_AEAD_AES_128_GCM" ? 12 : 14, 2);
  const keys = { masterKey, masterSalt };
  const payload = filled(c.payload, 5);
  const plain = Array.from({ length: PACKETS }, (_, i) =>
    c.ssrcs === 8 ? rtpPacket(i >>> 3, payload, SSRC + (i & 7)) : rtpPacket(i, payload),
  );
  const newTern = () => SrtpContext.fromMasterKeys(profile.name, { local: keys, remote: keys });
  const weriftConfig = {
    keys: {
      localMasterKey: masterKey,
      localMasterSalt: masterSalt,
      remoteMasterKey: masterKey,
      remoteMasterSalt: masterSalt,
    },
    profile: profile.code,
  };
  let failures = 0;
  if (c.op === "protect") {
    // the same plain packets every round (a sender never rejects a repeated index)
    if (who === "Tern") {
      let ctx = newTern();
      return {
        prepare: () => {
          ctx = newTern();
        },
        run: (i) => void ctx.protect(plain[i]!),
        failures: () => 0,
      };
    }
    if (who === "werift") {
      const headers = plain.map((p) => werift.RtpHeader.deSerialize(p));
      const payloads = plain.map((p) => p.subarray(12));
      let session = new werift.SrtpSession(weriftConfig);
      return {
        prepare: () => {
          session = new werift.SrtpSession(weriftConfig);
        },
        run: (i) => void session.encrypt(payloads[i]!, headers[i]!),
        failures: () => 0,
      };
    }
    const textbook = naive(profile.name, masterKey, masterSalt);
    return { prepare: () => undefined, run: (i) => void textbook.protect(plain[i]!, 0), failures: () => 0 };
  }
  // unprotect: inputs made before each round by one long-lived sender (fresh indices every round; the ROC
  // wraps in sequence), so replay protection never rejects them
  const sender = newTern();
  let seq = 0;
  const fresh = (): Buffer[] =>
    Array.from({ length: PACKETS }, () => Buffer.from(sender.protect(rtpPacket(seq++, payload))));
  let inputs: Buffer[] = [];
  if (who === "Tern") {
    const rx = newTern();
    return {
      prepare: () => {
        inputs = fresh();
      },
      run: (i) => {
        if (!rx.unprotect(inputs[i]!).ok) failures++;
      },
      failures: () => failures,
    };
  }
  if (who === "werift") {
    const rx = new werift.SrtpSession(weriftConfig);
    return {
      prepare: () => {
        inputs = fresh();
      },
      run: (i) => void rx.decrypt(inputs[i]!),
      failures: () => 0,
    };
  }
  // a fixed ROC (0) is all the naive receiver tracks: inputs from a fresh sender every round
  const textbook = naive(profile.name, masterKey, masterSalt);
  return {
    prepare: () => {
      const s = newTern();
      inputs = plain.map((p) => Buffer.from(s.protect(p)));
    },
    run: (i) => {
      if (textbook.unprotect(inputs[i]!, 0) === undefined) failures++;
    },
    failures: () => failures,
  };
}

function stackCommands(who: Contender) {
  const works = new Map<string, CaseWork>();
  return {
    /** One round of a case: packets per CPU-second. */
    round: (arg: unknown): number => {
      const c = CASES.find((x) => x.id === arg);
      if (!c) throw new Error(`no case ${String(arg)}`);
      const w = works.get(c.id) ?? caseWork(who, c);
      works.set(c.id, w);
      w.prepare();
      const t = process.cpuUsage();
      for (let i = 0; i < PACKETS; i++) w.run(i);
      const used = process.cpuUsage(t);
      if (w.failures() > 0) throw new Error(`${w.failures()} packets failed to unprotect`);
      return PACKETS / ((used.user + used.system) / 1e6);
    },
  };
}

async function main(): Promise<void> {
  const env = startEnvironment();
  const script = fileURLToPath(import.meta.url);
  const procs = CONTENDERS.map((c) => new StackProcess(script, c));
  const rows: BenchRow[] = [];
  try {
    for (const c of CASES) {
      const r = await interleavedRounds<number>(procs, {
        warmUp: 1,
        rounds: ROUNDS,
        command: "round",
        arg: c.id,
      });
      rows.push({
        case: c.label,
        values: Object.fromEntries(CONTENDERS.map((n) => [n, spread(r[n] ?? [])])),
        ...(c.id === "1-1200-protect" || c.id === "7-1200-protect" ? { headline: true } : {}),
      });
    }
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
  writeReport(
    {
      name: "srtp",
      title:
        "SRTP protect / unprotect, packets per CPU-second, AES-CM and GCM, 160 B and 1200 B, same keys and packets",
      unit: "packets/CPU-s",
      better: "higher",
      subject: "Tern",
      baselines: ["werift", "node:crypto naive"],
      rows,
      config: {
        Tern: { call: "SrtpContext.protect(rtp) / unprotect(srtp)" },
        werift: { call: "SrtpSession.encrypt(payload, header) / decrypt(buf)" },
        "node:crypto naive": { call: "per packet createCipheriv (+ createHmac for AES-CM), Buffer.concat" },
      },
      method: {
        packetsPerRound: PACKETS,
        rounds: ROUNDS,
        warmUpRounds: 1,
        processes: "one child process per contender, rounds interleaved",
        packets: "12-byte header + payload, one SSRC, consecutive sequence numbers (one case: 8 SSRCs)",
      },
      notes: [
        "Tern AES-CM: keystream for a window of upcoming indices per SSRC from one aes-128-ecb update(), XOR over",
        "32-bit words, HMAC-SHA1 from two crypto.hash(…, 'binary') calls, outputs carved from 64 KiB slabs: no",
        "per-packet native object or off-heap Buffer. GCM needs one node:crypto cipher object per packet and",
        "node returns three Buffers from it (update, final, getAuthTag): that is the floor Tern sits on.",
      ],
    },
    env(),
  );
}

await benchEntry(import.meta.url, {
  main,
  stack: (name) => {
    if (!(CONTENDERS as readonly string[]).includes(name)) throw new Error(`no contender ${name}`);
    return stackCommands(name as Contender);
  },
});

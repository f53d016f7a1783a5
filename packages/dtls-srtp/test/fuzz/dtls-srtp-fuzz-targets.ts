/**
 * Fuzz targets of @tern/dtls-srtp (`pnpm fuzz`, replayed by `pnpm test`): the record layer, every
 * handshake message decoder, handshake reassembly fed fragment sequences, a live DtlsEndpoint in each role
 * and handshake state fed hostile datagrams between the real peer's flights, and SRTP/SRTCP unprotect.
 * Seeds: the Chromium 156 and Firefox 153 ClientHello captures in `test/vectors`, the RFC 3711 / RFC 7714
 * SRTP vectors there, and the flights of a real handshake recorded at load time.
 */

import { FuzzInvariantError, type FuzzTarget, joinChunks, splitChunks } from "@tern/test-support";
import { generateCertificate } from "../../src/crypto/certificate.js";
import { DtlsEndpoint } from "../../src/machine/dtls-endpoint.js";
import { HandshakeReassembly } from "../../src/machine/handshake-reassembly.js";
import { SrtpContext } from "../../src/machine/srtp-context.js";
import { decodeAlert } from "../../src/wire/alert.js";
import { decodeCertificate } from "../../src/wire/certificate.js";
import { decodeCertificateRequest } from "../../src/wire/certificate-request.js";
import { decodeCertificateVerify } from "../../src/wire/certificate-verify.js";
import { decodeClientHello, encodeClientHello } from "../../src/wire/client-hello.js";
import { decodeClientKeyExchange } from "../../src/wire/client-key-exchange.js";
import { decodeFinished } from "../../src/wire/finished.js";
import { decodeHandshakeFragments, encodeHandshakeFragment } from "../../src/wire/handshake.js";
import { decodeHelloVerifyRequest } from "../../src/wire/hello-verify-request.js";
import { decodeRecords, encodeRecord } from "../../src/wire/record.js";
import { decodeServerHello, encodeServerHello } from "../../src/wire/server-hello.js";
import { decodeServerKeyExchange } from "../../src/wire/server-key-exchange.js";
import { SeededRandom } from "../sim/seeded-random.js";
import { bytes, makeRtcp, makeRtp } from "../unit/srtp-test-packets.js";
import { readVectorFile, unhex } from "../unit/srtp-vector-file.js";

const CERTS = [
  await generateCertificate({ commonName: "fuzz-a" }),
  await generateCertificate({ commonName: "fuzz-b" }),
];

function hexLines(name: string): Uint8Array[] {
  return readVectorFile(name)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^[0-9a-f]+$/i.test(l))
    .map(unhex);
}

const CHROMIUM = hexLines("chromium-156-clienthello.datagrams.hex");
const FIREFOX = hexLines("firefox-153-clienthello.datagrams.hex");
const CAPTURED_DATAGRAMS = [...CHROMIUM, ...FIREFOX];

// ---- a live pair, stepped flight by flight -------------------------------------------------------------

type Role = "client" | "server";

interface LivePair {
  /** The endpoint under test. */
  readonly e: DtlsEndpoint;
  /** Its real peer. */
  readonly p: DtlsEndpoint;
  now: number;
}

function livePair(role: Role): LivePair {
  const [ca, cb] = CERTS as [(typeof CERTS)[number], (typeof CERTS)[number]];
  const e = new DtlsEndpoint({ role, certificate: ca, random: new SeededRandom(1).bytes });
  const p = new DtlsEndpoint({
    role: role === "client" ? "server" : "client",
    certificate: cb,
    random: new SeededRandom(2).bytes,
  });
  const pair = { e, p, now: 0 };
  (role === "client" ? e : p).handleTimeout(0);
  return pair;
}

function drain(from: DtlsEndpoint): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = from.pollTransmit(); d; d = from.pollTransmit()) out.push(d);
  for (let ev = from.pollEvent(); ev; ev = from.pollEvent());
  return out;
}

/**
 * Runs the real handshake until the endpoint under test has received `flights` of its peer's flights
 * (server: ClientHello, ClientHello with cookie, client Finished; client: HelloVerifyRequest, server
 * hello flight, server Finished). Returns the peer flight that would come next (for seeds).
 */
function advance(pair: LivePair, flights: number): Uint8Array[] {
  let delivered = 0;
  for (let step = 0; ; step++) {
    // a handshake is three round trips: more is a livelock (a step bound, not a time bound)
    if (step > 8) throw new FuzzInvariantError(`the real handshake did not settle in ${step} flights`);
    for (const d of drain(pair.e)) pair.p.handleDatagram(pair.now, d);
    const next = drain(pair.p);
    if (delivered === flights || next.length === 0) return next;
    for (const d of next) pair.e.handleDatagram(pair.now, d);
    delivered++;
  }
}

/** Recorded at load: for each role and depth, the real peer flight that comes next. */
const NEXT_FLIGHTS = new Map<string, Uint8Array[]>();
for (const role of ["server", "client"] as const) {
  for (let k = 0; k <= 3; k++) NEXT_FLIGHTS.set(`${role}/${k}`, advance(livePair(role), k));
}

/**
 * Input: byte 0 picks the role (bit 0) and the depth (bits 1-2: peer flights received first); byte 1 bit
 * 0 says whether the real peer keeps answering between hostile datagrams; then u16-length-prefixed
 * datagrams. Each hostile datagram goes to the live endpoint; with the peer answering, whatever the
 * endpoint sends reaches the peer and the peer's answer comes back. Then the clock jumps to its timers.
 */
function runLiveEndpoint(input: Uint8Array): void {
  const head = input[0] ?? 0;
  const role: Role = (head & 1) === 0 ? "server" : "client";
  const depth = (head >> 1) & 3;
  const interleave = ((input[1] ?? 0) & 1) === 1;
  const pair = livePair(role);
  advance(pair, depth);
  for (const d of splitChunks(input, 2, 48)) {
    pair.now += 1;
    pair.e.handleDatagram(pair.now, d);
    if (interleave) {
      for (const out of drain(pair.e)) pair.p.handleDatagram(pair.now, out);
      for (const back of drain(pair.p)) pair.e.handleDatagram(pair.now, back);
    }
  }
  for (let i = 0; i < 3; i++) {
    const t = pair.e.pollTimeout();
    if (t === undefined) break;
    pair.now = Math.max(pair.now, t);
    pair.e.handleTimeout(pair.now);
    drain(pair.e);
  }
  const st = pair.e.state;
  if (st !== "new" && st !== "handshaking" && st !== "connected" && st !== "closed" && st !== "failed")
    throw new FuzzInvariantError(`unknown state ${String(st)}`);
}

function liveSeeds(): Uint8Array[] {
  const seeds: Uint8Array[] = [];
  for (const [key, flight] of NEXT_FLIGHTS) {
    const [role, k] = key.split("/") as [Role, string];
    const head = (role === "server" ? 0 : 1) | (Number(k) << 1);
    seeds.push(joinChunks(flight, [head, 0]), joinChunks(flight, [head, 1]));
  }
  // the browsers' first flights, at a fresh server and at one that answered a ClientHello already
  seeds.push(joinChunks(CHROMIUM, [0, 1]), joinChunks(FIREFOX, [0, 1]), joinChunks(CHROMIUM, [2, 0]));
  return seeds;
}

// ---- reassembly ----------------------------------------------------------------------------------------

/** Input: a sequence of u16-prefixed handshake-fragment runs (one record's plaintext each), epoch 0. */
function runReassembly(input: Uint8Array): void {
  const r = new HandshakeReassembly();
  let recordSeq = 0;
  for (const plaintext of splitChunks(input, 0, 64)) {
    const d = decodeHandshakeFragments(plaintext);
    if (!d.ok) continue;
    for (const f of d.value) r.add(f, 0, recordSeq++);
    let expected = -1;
    for (let m = r.poll(); m; m = r.poll()) {
      if (expected >= 0 && m.messageSeq !== expected)
        throw new FuzzInvariantError(`message_seq ${m.messageSeq} handed on out of order (${expected} next)`);
      expected = m.messageSeq + 1;
    }
    if (r.bufferedBytes < 0 || r.bufferedBytes > r.limits.maxBufferedBytes)
      throw new FuzzInvariantError(`buffered ${r.bufferedBytes} outside 0..${r.limits.maxBufferedBytes}`);
  }
}

function handshakePlaintexts(datagrams: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const d of datagrams)
    for (const rec of decodeRecords(d).records) if (rec.contentType === 22) out.push(rec.fragment);
  return out;
}

// ---- codecs --------------------------------------------------------------------------------------------

const MESSAGE_DECODERS: readonly ((body: Uint8Array) => unknown)[] = [
  decodeClientHello,
  decodeServerHello,
  decodeHelloVerifyRequest,
  decodeCertificate,
  decodeServerKeyExchange,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeClientKeyExchange,
  decodeFinished,
  decodeAlert,
];

/** Input: byte 0 picks the decoder; the rest is the message body. What decodes re-encodes (hellos). */
function runHandshakeMessage(input: Uint8Array): void {
  const which = (input[0] ?? 0) % MESSAGE_DECODERS.length;
  const body = input.subarray(1);
  const decode = MESSAGE_DECODERS[which];
  decode?.(body);
  if (which === 0) {
    const d = decodeClientHello(body);
    if (d.ok) {
      const again = decodeClientHello(encodeClientHello(d.value));
      if (!again.ok)
        throw new FuzzInvariantError(`re-encoded ClientHello does not decode: ${again.error.code}`);
    }
  } else if (which === 1) {
    const d = decodeServerHello(body);
    if (d.ok) {
      const again = decodeServerHello(encodeServerHello(d.value));
      if (!again.ok)
        throw new FuzzInvariantError(`re-encoded ServerHello does not decode: ${again.error.code}`);
    }
  }
}

function runRecords(input: Uint8Array): void {
  const { records } = decodeRecords(input);
  for (const r of records) {
    const again = decodeRecords(encodeRecord(r));
    if (again.records.length !== 1)
      throw new FuzzInvariantError("a decoded record does not re-encode to one record");
    const frags = decodeHandshakeFragments(r.fragment);
    if (frags.ok) for (const f of frags.value) encodeHandshakeFragment(f);
  }
}

function messageSeeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const plaintext of handshakePlaintexts([
    ...CAPTURED_DATAGRAMS,
    ...[...NEXT_FLIGHTS.values()].flat(),
  ])) {
    const d = decodeHandshakeFragments(plaintext);
    if (!d.ok) continue;
    for (const f of d.value) {
      const which = [1, 2, 3, 11, 12, 13, 15, 16, 20].indexOf(f.msgType);
      if (which >= 0) out.push(Uint8Array.of(which, ...f.fragment));
    }
  }
  return out;
}

// ---- SRTP ----------------------------------------------------------------------------------------------

const PROFILES = [
  "SRTP_AES128_CM_HMAC_SHA1_80",
  "SRTP_AES128_CM_HMAC_SHA1_32",
  "SRTP_AEAD_AES_128_GCM",
  "SRTP_AEAD_AES_256_GCM",
] as const;
const SRTP_MATERIAL = bytes(88, 7);

function srtpPair(profile: (typeof PROFILES)[number]): { tx: SrtpContext; rx: SrtpContext } {
  return {
    tx: SrtpContext.fromKeyingMaterial(profile, SRTP_MATERIAL.subarray(0, keyingLength(profile)), "client"),
    rx: SrtpContext.fromKeyingMaterial(profile, SRTP_MATERIAL.subarray(0, keyingLength(profile)), "server", {
      maxSsrcs: 8,
    }),
  };
}

function keyingLength(profile: (typeof PROFILES)[number]): number {
  return profile === "SRTP_AEAD_AES_256_GCM" ? 88 : profile === "SRTP_AEAD_AES_128_GCM" ? 56 : 60;
}

/**
 * Input: byte 0 picks the profile; then u16-prefixed packets, each unprotected as SRTP (byte 0 of the
 * packet in 128..191 and second byte < 192 or > 223) or SRTCP, by the same receiving context, after three
 * authentic packets set up its state.
 */
function runSrtp(input: Uint8Array): void {
  const profile = PROFILES[(input[0] ?? 0) % PROFILES.length] ?? "SRTP_AES128_CM_HMAC_SHA1_80";
  const { tx, rx } = srtpPair(profile);
  for (let i = 0; i < 3; i++) {
    if (!rx.unprotect(tx.protect(makeRtp({ seq: 65534 + i, ssrc: 0x1234, payload: bytes(40, i) }))).ok)
      throw new FuzzInvariantError("an authentic SRTP packet was refused");
  }
  for (const p of splitChunks(input, 1, 32)) {
    const pt = p[1] ?? 0;
    const rtcp = pt >= 192 && pt <= 223;
    const c = rtcp ? rx.counters.rtcp : rx.counters.rtp;
    const dropsBefore = c.malformed + c["auth-failed"] + c.replay + c["too-old"];
    const r = rtcp ? rx.unprotectRtcp(p) : rx.unprotect(p);
    const dropsAfter = c.malformed + c["auth-failed"] + c.replay + c["too-old"];
    if (r.ok === (dropsAfter !== dropsBefore))
      throw new FuzzInvariantError(`SRTP verdict ${r.ok ? "ok" : r.error.code} and its counters disagree`);
  }
  // the state the hostile packets met is intact: the authentic stream goes on
  if (!rx.unprotect(tx.protect(makeRtp({ seq: 100, ssrc: 0x1234, payload: bytes(40, 100) }))).ok)
    throw new FuzzInvariantError("after hostile packets, the next authentic SRTP packet was refused");
}

function srtpSeeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let k = 0; k < PROFILES.length; k++) {
    const profile = PROFILES[k] ?? "SRTP_AES128_CM_HMAC_SHA1_80";
    const { tx } = srtpPair(profile);
    for (let i = 0; i < 3; i++) tx.protect(makeRtp({ seq: 65534 + i, ssrc: 0x1234, payload: bytes(40, i) }));
    const packets = [
      tx.protect(makeRtp({ seq: 1, ssrc: 0x1234, payload: bytes(100, 9) })),
      tx.protect(makeRtp({ seq: 2, ssrc: 0x5678, payload: bytes(20, 3) })),
      tx.protectRtcp(makeRtcp(0x1234, 2)),
    ];
    out.push(joinChunks(packets, [k]));
  }
  // the RFC vectors' protected packets, at the first profile (authentication fails; the layout is real)
  for (const name of [
    "srtp-rfc3711-appendix-b.txt",
    "srtp-rfc7714-section-16.txt",
    "srtcp-rfc7714-section-17.txt",
  ]) {
    const hex = readVectorFile(name).match(/[0-9a-f]{32,}/gi) ?? [];
    out.push(joinChunks(hex.slice(0, 8).map(unhex), [0]));
  }
  return out;
}

export function fuzzTargets(): FuzzTarget[] {
  return [
    {
      name: "dtls-records",
      run: runRecords,
      seeds: () => [...CAPTURED_DATAGRAMS, ...[...NEXT_FLIGHTS.values()].flat()],
    },
    { name: "dtls-handshake-messages", run: runHandshakeMessage, seeds: messageSeeds },
    {
      name: "dtls-reassembly",
      run: runReassembly,
      seeds: () => [
        joinChunks(handshakePlaintexts(CHROMIUM)),
        joinChunks(handshakePlaintexts(FIREFOX)),
        joinChunks(handshakePlaintexts([...NEXT_FLIGHTS.values()].flat())),
      ],
    },
    { name: "dtls-endpoint-live", run: runLiveEndpoint, seeds: liveSeeds, maxInputBytes: 6000 },
    { name: "srtp-unprotect", run: runSrtp, seeds: srtpSeeds },
  ];
}

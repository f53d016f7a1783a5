import { certificateFingerprint, generateCertificate } from "@tern/dtls-srtp";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MediaSession } from "../../src/machine/media-session.js";

const certs = Promise.all([generateCertificate(), generateCertificate()]);
let seed = 1;
function nextByte(): number {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed >>> 24;
}
const random = (n: number): Uint8Array => Uint8Array.from({ length: n }, nextByte);

async function sessions() {
  const [ca, cb] = await certs;
  const mk = (c: typeof ca) => new MediaSession({ certificate: c, random, cname: "x", unixMsAtZero: 0 });
  const a = mk(ca);
  const b = mk(cb);
  const fp = (c: typeof ca) => certificateFingerprint(c.chain[0] as Uint8Array, "sha-256");
  return { a, b, fpA: fp(ca), fpB: fp(cb) };
}

/** Delivers everything both ways at time `now` until nothing moves. */
function exchange(a: MediaSession, b: MediaSession, now: number): void {
  for (let moved = true; moved; ) {
    moved = false;
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      for (let d = from.pollTransmit(); d; d = from.pollTransmit()) {
        to.handleDatagram(now, d);
        moved = true;
      }
    }
  }
}

describe("MediaSession", () => {
  it("queues the peer's first DTLS flight when it arrives before startDtls: no retransmission needed", async () => {
    const { a, b, fpA, fpB } = await sessions();
    a.startDtls(0, "client", [fpB]);
    const hello = a.pollTransmit();
    expect(hello?.[0]).toBe(22); // a DTLS handshake record: the ClientHello
    b.handleDatagram(0, hello as Uint8Array); // b has not started: the datagram is queued, not dropped
    expect(b.counters.dtlsQueued).toBe(1);
    b.startDtls(0, "server", [fpA]);
    exchange(a, b, 0);
    // connected at t = 0: no timer ever fired
    expect(a.srtp).toBeDefined();
    expect(b.srtp).toBeDefined();
    expect(a.srtpProfile).toBe("SRTP_AES128_CM_HMAC_SHA1_80");
    expect(a.dtls?.counters["resent-flight"] ?? 0).toBe(0);
  });

  it("drops and counts garbage, tampered SRTP and unknown SSRCs; never throws", async () => {
    const { a, b, fpA, fpB } = await sessions();
    a.startDtls(0, "client", [fpB]);
    b.startDtls(0, "server", [fpA]);
    exchange(a, b, 0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        b.handleDatagram(1, bytes);
      }),
      { numRuns: 1000 },
    );
    const before = b.counters.srtpDropped;
    const rtp = Uint8Array.from([0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 7, 1, 2, 3]);
    const srtp = (a.srtp as NonNullable<typeof a.srtp>).protect(rtp).slice();
    srtp[srtp.length - 1] = (srtp[srtp.length - 1] ?? 0) ^ 1;
    b.handleDatagram(2, srtp);
    expect(b.counters.srtpDropped).toBe(before + 1);
    const clean = (a.srtp as NonNullable<typeof a.srtp>).protect(
      Uint8Array.from([0x80, 96, 0, 2, 0, 0, 0, 1, 0, 0, 0, 7, 1]),
    );
    const unknown = b.counters.rtpUnknownSsrc;
    b.handleDatagram(3, clean);
    expect(b.counters.rtpUnknownSsrc).toBe(unknown + 1);
    expect(b.srtp).toBeDefined();
  });

  it("a data-only session (no media negotiated) connects DTLS without an SRTP profile; with media it fails", async () => {
    const [ca, cb] = await certs;
    const fp = (c: typeof ca) => certificateFingerprint(c.chain[0] as Uint8Array, "sha-256");
    for (const mediaNegotiated of [false, true]) {
      // The client offers no use_srtp extension (as an endpoint with only a data channel may).
      const a = new MediaSession({ certificate: ca, random, cname: "a", unixMsAtZero: 0, srtpProfiles: [] });
      const b = new MediaSession({ certificate: cb, random, cname: "b", unixMsAtZero: 0 });
      for (const s of [a, b]) s.configure([], [], { mediaNegotiated });
      a.startDtls(0, "client", [fp(cb)]);
      b.startDtls(0, "server", [fp(ca)]);
      exchange(a, b, 0);
      const events = [] as string[];
      for (let e = b.pollEvent(); e; e = b.pollEvent()) events.push(e.kind);
      if (mediaNegotiated) {
        expect(events).toEqual(["failed"]);
        expect(b.dtlsConnected).toBe(false);
      } else {
        expect(events).toEqual(["dtls-connected"]);
        expect(b.dtlsConnected).toBe(true);
        expect(b.srtp).toBeUndefined();
        expect(b.sendApplicationData(1, Uint8Array.of(1, 2, 3))).toBe(true);
        exchange(a, b, 1);
        const got = [] as Uint8Array[];
        for (let e = a.pollEvent(); e; e = a.pollEvent()) if (e.kind === "application-data") got.push(e.data);
        expect(got).toEqual([Uint8Array.of(1, 2, 3)]);
      }
    }
  });

  it("reports an RTCP BYE on every remote stream (RFC 3550 §6.6) as remote-bye all", async () => {
    const { a, b, fpA, fpB } = await sessions();
    const template = {
      mid: "0",
      kind: "audio" as const,
      codecs: [{ codec: "opus" as const, payloadType: 111, clockRate: 48000, nack: false, pli: false }],
      ssrcs: [{ ssrc: 1111 }, { ssrc: 2222 }],
    };
    b.configure([], [template]);
    a.startDtls(0, "client", [fpB]);
    b.startDtls(0, "server", [fpA]);
    exchange(a, b, 0);
    for (let e = b.pollEvent(); e; e = b.pollEvent()) void e;
    const srtp = a.srtp as NonNullable<typeof a.srtp>;
    const bye = (ssrc: number): Uint8Array =>
      srtp.protectRtcp(
        Uint8Array.from([0x81, 203, 0, 1, ssrc >>> 24, (ssrc >>> 16) & 255, (ssrc >>> 8) & 255, ssrc & 255]),
      );
    b.handleDatagram(1, bye(1111));
    b.handleDatagram(2, bye(2222));
    const byes = [] as unknown[];
    for (let e = b.pollEvent(); e; e = b.pollEvent()) if (e.kind === "remote-bye") byes.push(e);
    expect(byes).toEqual([
      { kind: "remote-bye", ssrcs: [1111], all: false },
      { kind: "remote-bye", ssrcs: [2222], all: true },
    ]);
  });
});

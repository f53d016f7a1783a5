/**
 * Record layer and flight behaviour between two endpoints: tampered records are dropped and counted
 * (RFC 6347 §4.1.2.7), the last flight is resent when the peer retransmits (§4.2.4), renegotiation is
 * refused (RFC 5746 §4.5), close_notify ends both sides (RFC 5246 §7.2.1), and the NSS key log line is right.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { DtlsCertificate } from "../../src/crypto/certificate.js";
import { certificateFingerprint } from "../../src/crypto/fingerprint.js";
import { keyBlock } from "../../src/crypto/prf.js";
import { createRecordCipher } from "../../src/crypto/record-protection.js";
import { UsageError } from "../../src/machine/dtls-error.js";
import { type CipherSuiteInfo, cipherSuiteInfo } from "../../src/wire/cipher-suite.js";
import { encodeClientHello } from "../../src/wire/client-hello.js";
import { encodeHandshakeFragment } from "../../src/wire/handshake.js";
import { decodeRecords, encodeRecord } from "../../src/wire/record.js";
import { AlertDescription } from "../../src/wire/tls-parameters.js";
import { twoCertificates } from "./certificates.js";
import { EndpointPair } from "./endpoint-pair.js";
import { SeededRandom } from "./seeded-random.js";

/** These are DTLS 1.2 (RFC 6347) behaviours: both sides pinned to 1.2. */
const V12 = ["1.2"] as const;

let a: DtlsCertificate;
let b: DtlsCertificate;
beforeAll(async () => {
  [a, b] = await twoCertificates();
});

const hexBytes = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

function pair(seed: number, extra: { keyLog?: (l: string) => void } = {}) {
  const rng = new SeededRandom(seed);
  return new EndpointPair(
    { role: "client", versions: V12, certificate: a, random: rng.bytes, initialRetransmitMs: 200, ...extra },
    {
      role: "server",
      versions: V12,
      certificate: b,
      helloVerifyRequest: false,
      remoteFingerprints: [certificateFingerprint(a.chain[0] as Uint8Array)],
      random: rng.bytes,
      initialRetransmitMs: 200,
    },
    { seed },
  );
}

describe("records and flights", () => {
  it("tampered application data is dropped and counted; the association survives", () => {
    const p = pair(1);
    p.runUntil(p.settled);
    p.link.tamper = (_from, d) => {
      const t = d.slice();
      t[t.length - 1] = (t[t.length - 1] as number) ^ 1; // flip a bit of the AEAD tag
      return t;
    };
    p.a.send(new Uint8Array([1, 2, 3]));
    p.drain();
    p.runUntil((q) => q.link.nextDeliveryAt() === undefined);
    expect(p.b.counters["bad-record-mac"]).toBe(1);
    expect(p.kinds("b")).toEqual(["connected"]);
    p.link.tamper = undefined;
    p.a.send(new Uint8Array([4, 5, 6]));
    p.runUntil((q) => q.events.b.length === 2);
    const e = p.events.b[1];
    expect(e?.kind === "application-data" && [...e.data]).toEqual([4, 5, 6]);
  });

  it("a tampered Finished is dropped, counted, and the retransmitted flight completes the handshake", () => {
    const p = pair(2);
    let tampered = 0;
    p.link.tamper = (from, d) => {
      // The client's flight 5 ends with its epoch-1 Finished: corrupt the first copy only.
      if (from === "a" && tampered === 0 && d.includes(20) && d.length > 200) {
        tampered++;
        const t = d.slice();
        t[t.length - 3] = (t[t.length - 3] as number) ^ 0x80;
        return t;
      }
      return d;
    };
    p.runUntil(p.settled);
    expect(tampered).toBe(1);
    expect(p.b.counters["bad-record-mac"]).toBe(1);
    expect(p.kinds("a")).toEqual(["connected"]);
    expect(p.kinds("b")).toEqual(["connected"]);
    expect(p.a.counters["retransmitted-flight"]).toBeGreaterThan(0);
  });

  it("the server resends its final flight when the client retransmits flight 5", () => {
    const p = pair(3);
    let dropped = 0;
    p.link.tamper = (from, d) => {
      // Drop the server's first ChangeCipherSpec + Finished datagram (record type 20 first).
      if (from === "b" && d[0] === 20 && dropped === 0) {
        dropped++;
        return undefined;
      }
      return d;
    };
    p.runUntil(p.settled);
    expect(dropped).toBe(1);
    expect(p.kinds("a")).toEqual(["connected"]);
    expect(p.a.counters["retransmitted-flight"]).toBe(1);
    expect(p.b.counters["peer-retransmission"]).toBeGreaterThan(0);
    expect(p.b.counters["resent-flight"]).toBe(1);
    expect(p.b.pollTimeout()).toBeUndefined(); // the final flight has no timer
  });

  it("a protected ClientHello after the handshake is refused with a no_renegotiation warning", () => {
    let master: Uint8Array | undefined;
    let clientRandom: Uint8Array | undefined;
    const p = pair(4, {
      keyLog: (line) => {
        const [, cr, ms] = line.split(" ");
        clientRandom = hexBytes(cr ?? "");
        master = hexBytes(ms ?? "");
      },
    });
    let serverRandom: Uint8Array | undefined;
    p.link.tamper = (from, d) => {
      // The first datagram of flight 4 starts with the ServerHello: record(13) + handshake header(12) + version(2).
      if (from === "b" && serverRandom === undefined && d[0] === 22 && d[13] === 2)
        serverRandom = d.slice(27, 59);
      return d;
    };
    p.runUntil(p.settled);
    if (master === undefined || clientRandom === undefined || serverRandom === undefined)
      throw new Error("no keys");
    const suite = cipherSuiteInfo(0xc02b) as CipherSuiteInfo;
    const kb = keyBlock("sha256", master, clientRandom, serverRandom, 16, 4);
    const clientWrite = createRecordCipher(suite, kb.clientWriteKey, kb.clientWriteIv);
    const serverWrite = createRecordCipher(suite, kb.serverWriteKey, kb.serverWriteIv);
    const hello = encodeClientHello({
      clientVersion: 0xfefd,
      random: new Uint8Array(32),
      sessionId: new Uint8Array(0),
      cookie: new Uint8Array(0),
      cipherSuites: [0xc02b],
      compressionMethods: [0],
      extensions: [],
    });
    // Client messages so far: ClientHello 0, Certificate 1, ClientKeyExchange 2, CertificateVerify 3, Finished 4.
    const fragment = encodeHandshakeFragment({
      msgType: 1,
      length: hello.length,
      messageSeq: 5,
      fragmentOffset: 0,
      fragment: hello,
    });
    const seq = 1000;
    const record = encodeRecord({
      contentType: 22,
      version: 0xfefd,
      epoch: 1,
      sequenceNumber: seq,
      fragment: clientWrite.seal(1, seq, 22, 0xfefd, fragment),
    });
    p.b.handleDatagram(p.now, record);
    expect(p.b.counters["renegotiation-refused"]).toBe(1);
    const reply = p.b.pollTransmit();
    const { records } = decodeRecords(reply ?? new Uint8Array(0));
    const alert = records[0];
    expect(alert?.contentType).toBe(21);
    const plain =
      alert && serverWrite.open(alert.epoch, alert.sequenceNumber, 21, alert.version, alert.fragment);
    expect(plain && [...plain]).toEqual([1, AlertDescription.no_renegotiation]);
    expect(p.b.state).toBe("connected");
  });

  it("close() sends close_notify: both sides end with `closed`", () => {
    const p = pair(5);
    p.runUntil(p.settled);
    p.a.close();
    p.runUntil((q) => q.events.b.length === 2);
    expect(p.events.a.at(-1)).toEqual({ kind: "closed", by: "local" });
    expect(p.events.b.at(-1)).toEqual({ kind: "closed", by: "peer" });
    expect(() => p.a.send(new Uint8Array(1))).toThrow(UsageError);
    expect(p.b.state).toBe("closed");
  });

  it("reports the NSS key log line for the handshake", () => {
    const lines: string[] = [];
    const p = pair(6, { keyLog: (l) => lines.push(l) });
    p.runUntil(p.settled);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
  });

  it("misuse throws UsageError: send before connected, reserved exporter label", () => {
    const p = pair(7);
    expect(() => p.a.send(new Uint8Array(1))).toThrow(UsageError);
    expect(() => p.a.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 60)).toThrow(UsageError);
    p.runUntil(p.settled);
    expect(() => p.a.exportKeyingMaterial("master secret", undefined, 48)).toThrow(UsageError);
    expect(p.a.exportKeyingMaterial("EXPORTER-test", new Uint8Array(0), 20)).not.toEqual(
      p.a.exportKeyingMaterial("EXPORTER-test", undefined, 20),
    );
  });
});

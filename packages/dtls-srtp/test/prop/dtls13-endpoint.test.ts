/**
 * fast-check: hostile datagrams injected into a live DTLS 1.3 (or downgrading) handshake, at any step and
 * into either side — arbitrary bytes, unified-header records with any epoch bits, plaintext ACKs and
 * handshake fragments of every 1.3 message type, copies of real datagrams with one byte changed — never
 * throw; whatever the endpoints end in, it is a typed event, and when both connect their keys agree.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { DtlsCertificate } from "../../src/crypto/certificate.js";
import { encodeAck } from "../../src/wire/ack.js";
import { encodeHandshakeFragment } from "../../src/wire/handshake.js";
import { encodeRecord } from "../../src/wire/record.js";
import { encodeUnifiedHeader } from "../../src/wire/unified-header.js";
import { twoCertificates } from "../sim/certificates.js";
import { webrtcPair } from "../sim/dtls13-pair.js";

let certs: [DtlsCertificate, DtlsCertificate];
beforeAll(async () => {
  certs = await twoCertificates();
});

const hostile = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc
    .record({
      epoch: fc.integer({ min: 0, max: 7 }),
      seq: fc.integer({ min: 0, max: 0xffff }),
      body: fc.uint8Array({ maxLength: 120 }),
    })
    .map((r) => new Uint8Array([...encodeUnifiedHeader(r.epoch, r.seq, r.body.length), ...r.body])),
  fc
    .record({
      seq: fc.nat({ max: 200 }),
      numbers: fc.array(
        fc.record({ epoch: fc.integer({ min: 0, max: 5 }), sequenceNumber: fc.nat({ max: 50 }) }),
        { maxLength: 6 },
      ),
    })
    .map((r) =>
      encodeRecord({
        contentType: 26,
        version: 0xfefd,
        epoch: 0,
        sequenceNumber: r.seq,
        fragment: encodeAck({ recordNumbers: r.numbers }),
      }),
    ),
  fc
    .record({
      seq: fc.nat({ max: 200 }),
      msgType: fc.constantFrom(1, 2, 4, 8, 11, 13, 15, 20, 24, 254),
      messageSeq: fc.nat({ max: 4 }),
      length: fc.nat({ max: 70000 }),
      offset: fc.nat({ max: 2000 }),
      body: fc.uint8Array({ maxLength: 150 }),
    })
    .map((r) =>
      encodeRecord({
        contentType: 22,
        version: 0xfefd,
        epoch: 0,
        sequenceNumber: r.seq,
        fragment: encodeHandshakeFragment({
          msgType: r.msgType,
          length: Math.max(r.length, r.offset + r.body.length),
          messageSeq: r.messageSeq,
          fragmentOffset: r.offset,
          fragment: r.body,
        }),
      }),
    ),
);

describe("DTLS 1.3 endpoints under hostile datagrams", () => {
  it("never throw, end only in typed events, and agree on keys when both connect", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(
          fc.record({
            at: fc.nat({ max: 12 }),
            to: fc.constantFrom("a", "b"),
            data: hostile,
            mutate: fc.option(fc.nat()),
          }),
          {
            maxLength: 6,
          },
        ),
        fc.constantFrom<readonly ("1.3" | "1.2")[]>(["1.3", "1.2"], ["1.3"], ["1.2"]),
        (seed, injections, serverVersions) => {
          const p = webrtcPair(
            certs,
            seed,
            { seed, loss: 0.05 },
            { maxRetransmissions: 4 },
            {},
            { versions: serverVersions },
          );
          const seen: Uint8Array[] = [];
          p.link.tamper = (_, d) => {
            seen.push(d);
            return d;
          };
          let step = 0;
          p.runUntil((q) => {
            for (const inj of injections.filter((i) => i.at === step)) {
              let data = inj.data;
              if (inj.mutate !== null && seen.length > 0) {
                data = (seen[inj.mutate % seen.length] as Uint8Array).slice();
                const i = inj.mutate % Math.max(data.length, 1);
                if (data.length > 0) data[i] = ((data[i] as number) ^ (1 + (inj.mutate % 255))) & 0xff;
              }
              q.endpoint(inj.to).handleDatagram(q.now, data);
              q.drain();
            }
            step++;
            return (
              q.settled() ||
              (q.a.pollTimeout() === undefined &&
                q.b.pollTimeout() === undefined &&
                q.link.nextDeliveryAt() === undefined)
            );
          }, 20_000);
          for (const side of ["a", "b"] as const) {
            for (const e of p.events[side])
              expect(["connected", "failed", "closed", "application-data"]).toContain(e.kind);
          }
          if (p.a.state === "connected" && p.b.state === "connected") {
            expect(p.a.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 56)).toEqual(
              p.b.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 56),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** fast-check: an endpoint never throws on arbitrary datagrams, and reassembly is order-independent. */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type DtlsCertificate, generateCertificate } from "../../src/crypto/certificate.js";
import { DtlsEndpoint } from "../../src/machine/dtls-endpoint.js";
import { HandshakeReassembly } from "../../src/machine/handshake-reassembly.js";
import { encodeHandshakeFragment } from "../../src/wire/handshake.js";
import { encodeRecord } from "../../src/wire/record.js";

let certificate: DtlsCertificate;
beforeAll(async () => {
  certificate = await generateCertificate();
});

describe("endpoint robustness", () => {
  it("handleDatagram never throws on arbitrary bytes or arbitrary handshake records (client and server)", () => {
    const datagram = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc
        .record({
          contentType: fc.integer({ min: 20, max: 24 }),
          epoch: fc.integer({ min: 0, max: 2 }),
          seq: fc.integer({ min: 0, max: 100 }),
          msgType: fc.constantFrom(1, 2, 3, 11, 12, 13, 14, 15, 16, 20, 0),
          messageSeq: fc.integer({ min: 0, max: 3 }),
          body: fc.uint8Array({ maxLength: 200 }),
        })
        .map((r) =>
          encodeRecord({
            contentType: r.contentType,
            version: 0xfefd,
            epoch: r.epoch,
            sequenceNumber: r.seq,
            fragment:
              r.contentType === 22
                ? encodeHandshakeFragment({
                    msgType: r.msgType,
                    length: r.body.length,
                    messageSeq: r.messageSeq,
                    fragmentOffset: 0,
                    fragment: r.body,
                  })
                : r.body,
          }),
        ),
    );
    fc.assert(
      fc.property(fc.array(datagram, { maxLength: 6 }), fc.boolean(), (ds, server) => {
        const e = new DtlsEndpoint(
          server ? { role: "server", certificate, helloVerifyRequest: false } : { role: "client" },
        );
        e.handleTimeout(0);
        for (const d of ds) e.handleDatagram(1, d);
        e.handleTimeout(5000);
        while (e.pollTransmit() !== undefined);
        for (let ev = e.pollEvent(); ev !== undefined; ev = e.pollEvent()) {
          expect(["failed", "closed"]).toContain(ev.kind);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("reassembly gives the same message whatever the split, order and duplication", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (body, cutSeeds, order) => {
          const cuts = [...new Set(cutSeeds.map((c) => c % body.length))].sort((a, b) => a - b);
          const bounds = [0, ...cuts.filter((c) => c > 0), body.length];
          const fragments = bounds.slice(0, -1).map((start, i) => ({
            msgType: 11,
            length: body.length,
            messageSeq: 0,
            fragmentOffset: start,
            fragment: body.subarray(start, bounds[i + 1]),
          }));
          // a permutation with duplicates, and every fragment at least once
          const sequence = [...order.map((o) => fragments[o % fragments.length]), ...fragments.reverse()];
          const r = new HandshakeReassembly();
          for (const f of sequence) if (f !== undefined) r.add(f, 0);
          expect(r.poll()?.body).toEqual(body);
        },
      ),
    );
  });
});

/**
 * How a Tern server answers hand-made ClientHellos: RFC 7627 §5.3 (no EMS), RFC 6347 §4.2.1 (cookies bound
 * to the client's parameters and address), version negotiation, group and SCSV handling (RFC 8422 §5.1,
 * RFC 5746 §3.6).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type DtlsCertificate, generateCertificate } from "../../src/crypto/certificate.js";
import { clientKeyShare } from "../../src/crypto/key-exchange.js";
import { DtlsEndpoint } from "../../src/machine/dtls-endpoint.js";
import type { DtlsOptions } from "../../src/machine/dtls-options.js";
import { HandshakeReassembly } from "../../src/machine/handshake-reassembly.js";
import { decodeAlert } from "../../src/wire/alert.js";
import { type ClientHello, encodeClientHello } from "../../src/wire/client-hello.js";
import type { Extension } from "../../src/wire/extensions/extension.js";
import { findExtension } from "../../src/wire/extensions/extension.js";
import {
  decodeHandshakeFragments,
  encodeHandshakeFragment,
  type HandshakeFragment,
} from "../../src/wire/handshake.js";
import { decodeHelloVerifyRequest } from "../../src/wire/hello-verify-request.js";
import { decodeRecords, encodeRecord } from "../../src/wire/record.js";
import { decodeServerHello } from "../../src/wire/server-hello.js";
import { decodeServerKeyExchange } from "../../src/wire/server-key-exchange.js";
import { AlertDescription, HandshakeType, NamedGroup } from "../../src/wire/tls-parameters.js";

let certificate: DtlsCertificate;
beforeAll(async () => {
  certificate = await generateCertificate();
});

const baseExtensions: Extension[] = [
  { type: "supported_groups", groups: [NamedGroup.x25519, NamedGroup.secp256r1] },
  { type: "signature_algorithms", schemes: [0x0403] },
  { type: "extended_master_secret" },
];

function hello(over: Partial<ClientHello> = {}): ClientHello {
  return {
    clientVersion: 0xfefd,
    random: new Uint8Array(32).fill(5),
    sessionId: new Uint8Array(0),
    cookie: new Uint8Array(0),
    cipherSuites: [0xc02b],
    compressionMethods: [0],
    extensions: baseExtensions,
    ...over,
  };
}

function datagram(ch: ClientHello, messageSeq = 0, recordSeq = 0): Uint8Array {
  const body = encodeClientHello(ch);
  const fragment = encodeHandshakeFragment({
    msgType: 1,
    length: body.length,
    messageSeq,
    fragmentOffset: 0,
    fragment: body,
  });
  return encodeRecord({ contentType: 22, version: 0xfeff, epoch: 0, sequenceNumber: recordSeq, fragment });
}

function answer(server: DtlsEndpoint): {
  messages: Map<number, Uint8Array>;
  alerts: number[];
  recordSeqs: number[];
} {
  const fragments: HandshakeFragment[] = [];
  const alerts: number[] = [];
  const recordSeqs: number[] = [];
  for (let d = server.pollTransmit(); d !== undefined; d = server.pollTransmit()) {
    for (const rec of decodeRecords(d).records) {
      recordSeqs.push(rec.sequenceNumber);
      if (rec.contentType === 21) {
        const a = decodeAlert(rec.fragment);
        if (a.ok) alerts.push(a.value.description);
      } else if (rec.contentType === 22) {
        const f = decodeHandshakeFragments(rec.fragment);
        if (f.ok) fragments.push(...f.value);
      }
    }
  }
  // The server numbers its messages from the ClientHello's message_seq (RFC 6347 §4.2.2).
  const r = new HandshakeReassembly();
  r.skipTo(Math.min(...fragments.map((f) => f.messageSeq)));
  for (const f of fragments) r.add(f, 0);
  const messages = new Map<number, Uint8Array>();
  for (let m = r.poll(); m !== undefined; m = r.poll()) messages.set(m.msgType, m.body);
  return { messages, alerts, recordSeqs };
}

const server = (o: Partial<DtlsOptions> = {}) =>
  new DtlsEndpoint({ role: "server", certificate, helloVerifyRequest: false, ...o });

describe("server negotiation", () => {
  it("refuses a client without extended_master_secret when required (default), with handshake_failure", () => {
    const s = server();
    s.handleDatagram(0, datagram(hello({ extensions: baseExtensions.slice(0, 2) })));
    expect(answer(s).alerts).toEqual([AlertDescription.handshake_failure]);
    const e = s.pollEvent();
    expect(e?.kind === "failed" && e.error.code).toBe("insufficient-security");
  });

  it("accepts it when not required, and then does not claim EMS", () => {
    const s = server({ requireExtendedMasterSecret: false });
    s.handleDatagram(0, datagram(hello({ extensions: baseExtensions.slice(0, 2) })));
    const sh = decodeServerHello(answer(s).messages.get(HandshakeType.server_hello) ?? new Uint8Array(0));
    expect(sh.ok && findExtension(sh.value.extensions, "extended_master_secret")).toBeUndefined();
  });

  it("a DTLS 1.0-only client gets protocol_version", () => {
    const s = server();
    s.handleDatagram(0, datagram(hello({ clientVersion: 0xfeff })));
    expect(answer(s).alerts).toEqual([AlertDescription.protocol_version]);
  });

  it("picks P-256 when the client has no x25519; echoes renegotiation_info for the SCSV", () => {
    const s = server();
    s.handleDatagram(
      0,
      datagram(
        hello({
          cipherSuites: [0x00ff, 0xc02b],
          extensions: [
            { type: "supported_groups", groups: [NamedGroup.X25519MLKEM768, NamedGroup.secp256r1] },
            ...baseExtensions.slice(1),
          ],
        }),
      ),
    );
    const { messages } = answer(s);
    const ske = decodeServerKeyExchange(messages.get(HandshakeType.server_key_exchange) ?? new Uint8Array(0));
    expect(ske.ok && ske.value.namedCurve).toBe(NamedGroup.secp256r1);
    const sh = decodeServerHello(messages.get(HandshakeType.server_hello) ?? new Uint8Array(0));
    expect(sh.ok && findExtension(sh.value.extensions, "renegotiation_info")).toBeDefined();
  });

  it("HelloVerifyRequest: echoes message_seq and record sequence; a wrong cookie gets a new HVR, the right one proceeds", () => {
    const s = server({ helloVerifyRequest: true, cookieSecret: new Uint8Array(32).fill(1) });
    s.handleDatagram(0, datagram(hello(), 0, 7));
    const first = answer(s);
    const hvr = decodeHelloVerifyRequest(
      first.messages.get(HandshakeType.hello_verify_request) ?? new Uint8Array(0),
    );
    if (!hvr.ok) throw new Error("no HVR");
    expect(first.recordSeqs).toEqual([7]);
    s.handleDatagram(0, datagram(hello({ cookie: new Uint8Array(32) }), 1, 8));
    expect(answer(s).messages.has(HandshakeType.hello_verify_request)).toBe(true);
    s.handleDatagram(0, datagram(hello({ cookie: hvr.value.cookie }), 2, 9));
    expect([...answer(s).messages.keys()]).toEqual([
      HandshakeType.server_hello,
      HandshakeType.certificate,
      HandshakeType.server_key_exchange,
      HandshakeType.server_hello_done,
    ]);
  });

  it("the cookie is stateless: another endpoint with the same secret accepts it, another peer address does not", () => {
    const secret = new Uint8Array(32).fill(2);
    const peer = new TextEncoder().encode("127.0.0.1:5000");
    const s1 = server({ helloVerifyRequest: true, cookieSecret: secret, cookieContext: peer });
    s1.handleDatagram(0, datagram(hello()));
    const hvr = decodeHelloVerifyRequest(
      answer(s1).messages.get(HandshakeType.hello_verify_request) ?? new Uint8Array(0),
    );
    if (!hvr.ok) throw new Error("no HVR");
    const s2 = server({ helloVerifyRequest: true, cookieSecret: secret, cookieContext: peer });
    s2.handleDatagram(0, datagram(hello({ cookie: hvr.value.cookie }), 1));
    expect(answer(s2).messages.has(HandshakeType.server_hello)).toBe(true);
    const s3 = server({
      helloVerifyRequest: true,
      cookieSecret: secret,
      cookieContext: new TextEncoder().encode("10.0.0.9:1"),
    });
    s3.handleDatagram(0, datagram(hello({ cookie: hvr.value.cookie }), 1));
    expect(answer(s3).messages.has(HandshakeType.hello_verify_request)).toBe(true);
  });

  it("a retransmitted first ClientHello (HVR lost) is answered with the HelloVerifyRequest again, at once", () => {
    const s = server({ helloVerifyRequest: true });
    s.handleDatagram(0, datagram(hello(), 0, 0));
    expect(answer(s).messages.has(HandshakeType.hello_verify_request)).toBe(true);
    s.handleDatagram(10, datagram(hello(), 0, 1));
    expect(answer(s).messages.has(HandshakeType.hello_verify_request)).toBe(true);
    // an exact duplicate (same record sequence number) is a replay: dropped, not answered
    s.handleDatagram(20, datagram(hello(), 0, 1));
    expect(s.pollTransmit()).toBeUndefined();
    expect(s.counters["replayed-record"]).toBe(1);
  });
});

const only13: Extension = { type: "supported_versions", versions: [0xfefc] };

describe("version negotiation (RFC 8446 §4.2.1)", () => {
  it("a 1.2-only server answers a ClientHello offering only DTLS 1.3 with protocol_version (issue 18)", () => {
    const s = server({ versions: ["1.2"] });
    s.handleDatagram(0, datagram(hello({ extensions: [...baseExtensions, only13] })));
    const { alerts, messages } = answer(s);
    expect(alerts).toEqual([AlertDescription.protocol_version]);
    expect(messages.size).toBe(0);
    const e = s.pollEvent();
    expect(e?.kind === "failed" && e.error.code).toBe("protocol-version");
  });

  it("a 1.3-only server answers a DTLS 1.2 ClientHello with protocol_version", () => {
    const s = server({ versions: ["1.3"] });
    s.handleDatagram(0, datagram(hello()));
    expect(answer(s).alerts).toEqual([AlertDescription.protocol_version]);
  });

  it("supported_versions decides, not legacy_version; unknown and GREASE versions are skipped", () => {
    const s = server({ versions: ["1.2"] });
    const grease: Extension = { type: "supported_versions", versions: [0x0a0a, 0x0303, 0xfefd] };
    s.handleDatagram(0, datagram(hello({ clientVersion: 0xfeff, extensions: [...baseExtensions, grease] })));
    const sh = decodeServerHello(answer(s).messages.get(HandshakeType.server_hello) ?? new Uint8Array(0));
    expect(sh.ok && sh.value.serverVersion).toBe(0xfefd);
  });

  it("a server with 1.3 enabled that settles on 1.2 marks its random with DOWNGRD\\x01 (RFC 8446 §4.1.3)", () => {
    const sh12 = (o: Partial<DtlsOptions>) => {
      const s = server(o);
      s.handleDatagram(0, datagram(hello()));
      const d = decodeServerHello(answer(s).messages.get(HandshakeType.server_hello) ?? new Uint8Array(0));
      if (!d.ok) throw new Error("no ServerHello");
      return Buffer.from(d.value.random.subarray(24)).toString("latin1");
    };
    expect(sh12({})).toBe("DOWNGRD\x01");
    expect(sh12({ versions: ["1.2"] })).not.toBe("DOWNGRD\x01");
  });
});

describe("DTLS 1.3 ClientHello with GREASE (RFC 8701) values everywhere", () => {
  it("ignores GREASE versions, suites, groups, key shares and extensions and answers in DTLS 1.3", () => {
    const share = clientKeyShare("x25519", (n) => new Uint8Array(n).fill(7));
    const ch = hello({
      cipherSuites: [0x2a2a, 0x1301, 0xc02b],
      extensions: [
        { type: "unknown", code: 0x3a3a, data: new Uint8Array(0) },
        { type: "supported_versions", versions: [0x5a5a, 0xfefc, 0xfefd] },
        { type: "supported_groups", groups: [0x6a6a, NamedGroup.x25519] },
        {
          type: "key_share",
          form: "client_hello",
          clientShares: [
            { group: 0x6a6a, keyExchange: Uint8Array.of(0) },
            { group: NamedGroup.x25519, keyExchange: share.keyExchange },
          ],
        },
        { type: "signature_algorithms", schemes: [0x7a7a, 0x0403] },
      ],
    });
    const s = server();
    s.handleDatagram(0, datagram(ch));
    const { messages } = answer(s);
    const sh = decodeServerHello(messages.get(HandshakeType.server_hello) ?? new Uint8Array(0));
    if (!sh.ok) throw new Error("no ServerHello");
    expect(findExtension(sh.value.extensions, "supported_versions")?.versions).toEqual([0xfefc]);
    expect(sh.value.cipherSuite).toBe(0x1301);
    const ks = findExtension(sh.value.extensions, "key_share");
    expect(ks?.form === "server_hello" && ks.serverShare.group).toBe(NamedGroup.x25519);
  });
});

describe("hostile fragments ahead of the ClientHello (issue 18)", () => {
  const fragmentDatagram = (f: HandshakeFragment, recordSeq: number) =>
    encodeRecord({
      contentType: 22,
      version: 0xfeff,
      epoch: 0,
      sequenceNumber: recordSeq,
      fragment: encodeHandshakeFragment(f),
    });

  it("a ClientHello fragment with a message_seq ahead of the real one does not block it", () => {
    const s = server({ versions: ["1.2"] });
    s.handleDatagram(
      0,
      fragmentDatagram(
        { msgType: 1, length: 500, messageSeq: 5, fragmentOffset: 0, fragment: new Uint8Array(20) },
        0,
      ),
    );
    expect(s.pollTransmit()).toBeUndefined();
    s.handleDatagram(1, datagram(hello(), 0, 1));
    expect([...answer(s).messages.keys()]).toContain(HandshakeType.server_hello);
    expect(s.counters["peer-retransmission"]).toBe(0);
  });

  it("tiny fragments claiming 64 KiB messages do not fill the reassembly budget", () => {
    const s = server({ versions: ["1.2"] });
    for (let i = 0; i < 40; i++) {
      const f = {
        msgType: 1,
        length: 65535,
        messageSeq: i % 9,
        fragmentOffset: i * 100,
        fragment: Uint8Array.of(i),
      };
      s.handleDatagram(0, fragmentDatagram(f, i));
    }
    s.handleDatagram(1, datagram(hello(), 0, 100));
    expect([...answer(s).messages.keys()]).toContain(HandshakeType.server_hello);
    expect(s.counters["over-budget"]).toBe(0);
  });

  it("a ClientHello that does not decode is dropped without ending the association", () => {
    const s = server({ versions: ["1.2"] });
    s.handleDatagram(
      0,
      fragmentDatagram(
        { msgType: 1, length: 3, messageSeq: 0, fragmentOffset: 0, fragment: Uint8Array.of(1, 2, 3) },
        0,
      ),
    );
    expect(s.pollEvent()).toBeUndefined();
    expect(s.state).toBe("handshaking");
    expect(s.counters["rejected-client-hello"]).toBe(1);
    s.handleDatagram(1, datagram(hello(), 0, 1));
    expect([...answer(s).messages.keys()]).toContain(HandshakeType.server_hello);
  });
});

import { parsePeerCertificate } from "../crypto/certificate.js";
import { constantTimeEqual } from "../crypto/constant-time.js";
import { helloVerifyCookie } from "../crypto/cookie.js";
import {
  ECDHE_GROUP_CODES,
  type EcdheGroup,
  type EcdheKeyPair,
  generateEcdheKeyPair,
} from "../crypto/ecdhe.js";
import {
  SUPPORTED_SIGNATURE_SCHEMES,
  signatureSchemesForKey,
  signWithScheme,
  verifyWithScheme,
} from "../crypto/signature.js";
import { decodeCertificate, encodeCertificate } from "../wire/certificate.js";
import { encodeCertificateRequest } from "../wire/certificate-request.js";
import { decodeCertificateVerify } from "../wire/certificate-verify.js";
import { type ClientHello, decodeClientHello } from "../wire/client-hello.js";
import { decodeClientKeyExchange } from "../wire/client-key-exchange.js";
import { EXTENDED_MASTER_SECRET } from "../wire/extensions/extended-master-secret.js";
import { type Extension, findExtension } from "../wire/extensions/extension.js";
import { decodeFinished, encodeFinished } from "../wire/finished.js";
import { encodeHelloVerifyRequest } from "../wire/hello-verify-request.js";
import { TlsWriter } from "../wire/presentation-language.js";
import { encodeServerHello } from "../wire/server-hello.js";
import { encodeServerHelloDone } from "../wire/server-hello-done.js";
import { encodeServerEcdhParams, encodeServerKeyExchange } from "../wire/server-key-exchange.js";
import {
  ClientCertificateType,
  CompressionMethod,
  EcPointFormat,
  HandshakeType,
  ProtocolVersion,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
} from "../wire/tls-parameters.js";
import type { FlightEntry, Millis } from "./flight-buffer.js";
import type { HandshakeContext, HandshakeIo } from "./handshake-context.js";
import type { HandshakeMessage } from "./handshake-reassembly.js";
import { DOWNGRADE_SENTINEL_12, negotiateVersion } from "./version-negotiation.js";

/**
 * What became of a ClientHello before one was accepted: answered statelessly (HelloVerifyRequest), dropped
 * (it did not decode: it changes nothing), failed (a fatal alert went out), accepted (flight 4 went out),
 * or it selects DTLS 1.3 (the endpoint hands it on).
 */
export type ClientHelloVerdict =
  | "accepted"
  | "stateless"
  | "rejected"
  | "failed"
  | { readonly upgrade: ClientHello };

type ServerState =
  | "wait-client-hello"
  | "wait-client-certificate"
  | "wait-client-key-exchange"
  | "wait-certificate-verify"
  | "wait-finished"
  | "done";

/**
 * The server side of the RFC 6347 §4.2.4 flights (see ClientHandshake for the picture): an optional
 * stateless HelloVerifyRequest (flight 2, never retransmitted on a timer), flight 4 (ServerHello …
 * ServerHelloDone, with a CertificateRequest for mutual auth), and flight 6 (ChangeCipherSpec, Finished),
 * which is only resent when the client retransmits flight 5.
 */
export class ServerHandshake {
  #state: ServerState = "wait-client-hello";
  #ecdhe: EcdheKeyPair | undefined;

  constructor(
    private readonly ctx: HandshakeContext,
    private readonly io: HandshakeIo,
  ) {}

  get done(): boolean {
    return this.#state === "done";
  }

  /** The first complete ClientHello candidate (the endpoint checked its epoch). */
  handleClientHello(now: Millis, msg: HandshakeMessage): ClientHelloVerdict {
    if (this.#state !== "wait-client-hello") return "rejected";
    const d = decodeClientHello(msg.body);
    if (!d.ok) return "rejected";
    return this.#onClientHello(now, msg, d.value);
  }

  /** A handshake message in its expected epoch (the endpoint checked it). */
  handle(now: Millis, msg: HandshakeMessage): undefined {
    switch (this.#state) {
      case "wait-client-certificate":
        if (msg.msgType === HandshakeType.certificate) return this.#onCertificate(msg);
        break;
      case "wait-client-key-exchange":
        if (msg.msgType === HandshakeType.client_key_exchange) return this.#onClientKeyExchange(msg);
        break;
      case "wait-certificate-verify":
        if (msg.msgType === HandshakeType.certificate_verify) return this.#onCertificateVerify(msg);
        break;
      case "wait-finished":
        if (msg.msgType === HandshakeType.finished) return this.#onFinished(now, msg);
        break;
      default:
        break;
    }
    this.io.fail("unexpected-message", `handshake message ${msg.msgType} in server state ${this.#state}`);
  }

  /** RFC 6347 §4.2.1 Cookie = HMAC(Secret, Client-IP, Client-Parameters). */
  #cookieFor(ch: ClientHello): Uint8Array {
    const o = this.ctx.options;
    const version = Uint8Array.of(ch.clientVersion >> 8, ch.clientVersion & 0xff);
    const suites = new TlsWriter().u16List16(ch.cipherSuites).finish();
    return helloVerifyCookie(o.cookieSecret, [
      o.cookieContext,
      version,
      ch.random,
      ch.sessionId,
      suites,
      Uint8Array.from(ch.compressionMethods),
    ]);
  }

  #onClientHello(now: Millis, msg: HandshakeMessage, ch: ClientHello): ClientHelloVerdict {
    const o = this.ctx.options;
    const version = negotiateVersion(ch, o.versions);
    if (version === undefined) {
      const offered = findExtension(ch.extensions, "supported_versions")?.versions ?? [ch.clientVersion];
      this.io.fail(
        "protocol-version",
        `client offers ${offered.map((v) => `0x${v.toString(16)}`).join(", ")}; enabled: DTLS ${o.versions.join(", ")}`,
      );
      return "failed";
    }
    if (version === "1.3") return { upgrade: ch };
    const failed = this.#negotiate12(now, msg, ch);
    return failed ?? (this.#state === "wait-client-hello" ? "stateless" : "accepted");
  }

  /** The DTLS 1.2 answer: a HelloVerifyRequest, flight 4, or a failure ("failed"). */
  #negotiate12(now: Millis, msg: HandshakeMessage, ch: ClientHello): "failed" | undefined {
    const o = this.ctx.options;
    const fail = (code: Parameters<HandshakeIo["fail"]>[0], cause: string): "failed" => {
      this.io.fail(code, cause);
      return "failed";
    };
    if (o.helloVerifyRequest) {
      const cookie = this.#cookieFor(ch);
      if (!constantTimeEqual(ch.cookie, cookie)) {
        // Stateless (RFC 6347 §4.2.1): same message_seq and record sequence number as the ClientHello.
        this.io.bumpSequence(0, msg.recordSeq);
        const hvr = encodeHelloVerifyRequest({ serverVersion: ProtocolVersion.DTLS1_0, cookie });
        const entry: FlightEntry = {
          kind: "handshake",
          epoch: 0,
          msgType: HandshakeType.hello_verify_request,
          messageSeq: msg.messageSeq,
          body: hvr,
        };
        this.io.sendFlight(now, [entry], false, ProtocolVersion.DTLS1_0);
        return undefined;
      }
    }
    const suite = o.cipherSuites.find((s) => ch.cipherSuites.includes(s.code));
    if (suite === undefined) return fail("handshake-failure", "no cipher suite in common");
    const groups = findExtension(ch.extensions, "supported_groups")?.groups ?? [ECDHE_GROUP_CODES.secp256r1];
    const group = o.namedGroups.find((g) => groups.includes(ECDHE_GROUP_CODES[g]));
    if (group === undefined) return fail("handshake-failure", "no ECDHE group in common");
    const formats = findExtension(ch.extensions, "ec_point_formats");
    if (formats !== undefined && !formats.formats.includes(EcPointFormat.uncompressed)) {
      return fail("illegal-parameter", "client does not accept uncompressed points");
    }
    const certificate = o.certificate;
    if (certificate === undefined) return fail("handshake-failure", "no certificate");
    const offeredSchemes = findExtension(ch.extensions, "signature_algorithms")?.schemes;
    const ourSchemes = signatureSchemesForKey(certificate.keyType);
    const scheme =
      offeredSchemes === undefined ? ourSchemes[0] : ourSchemes.find((s) => offeredSchemes.includes(s));
    if (scheme === undefined) return fail("handshake-failure", "no signature scheme in common");
    const ems = findExtension(ch.extensions, "extended_master_secret") !== undefined;
    if (!ems && o.requireExtendedMasterSecret) {
      return fail("insufficient-security", "client did not offer extended_master_secret");
    }
    const reneg = findExtension(ch.extensions, "renegotiation_info");
    if (reneg !== undefined && reneg.renegotiatedConnection.length !== 0) {
      return fail("handshake-failure", "non-empty renegotiation_info in an initial handshake");
    }
    let srtpProfile: number | undefined;
    const useSrtp = findExtension(ch.extensions, "use_srtp");
    if (o.srtpProfiles.length > 0) {
      srtpProfile = o.srtpProfiles.find((p) => useSrtp?.profiles.includes(p) === true);
      if (srtpProfile === undefined && !o.srtpOptional)
        return fail("handshake-failure", "no SRTP protection profile in common");
    }

    this.io.peerFlightStarted();
    this.ctx.sendSeq = msg.messageSeq;
    this.ctx.suite = suite;
    this.ctx.srtpProfile = srtpProfile;
    this.ctx.extendedMasterSecret = ems;
    this.ctx.clientRandom = ch.random;
    this.ctx.serverRandom = o.random(32).slice();
    // RFC 8446 §4.1.3: a server that speaks 1.3 marks a 1.2 answer.
    if (o.versions.includes("1.3")) this.ctx.serverRandom.set(DOWNGRADE_SENTINEL_12, 24);
    this.ctx.incoming(msg.msgType, msg.messageSeq, msg.body);
    this.#sendFlight4(now, ch, group, scheme, srtpProfile, reneg !== undefined);
    return this.#state === "wait-client-hello" ? "failed" : undefined;
  }

  #sendFlight4(
    now: Millis,
    ch: ClientHello,
    group: EcdheGroup,
    scheme: number,
    srtpProfile: number | undefined,
    clientSentRenegotiationInfo: boolean,
  ): undefined {
    const o = this.ctx.options;
    const certificate = o.certificate;
    const suite = this.ctx.suite;
    if (certificate === undefined || suite === undefined) return;
    const extensions: Extension[] = [];
    if (clientSentRenegotiationInfo || ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV)) {
      extensions.push({ type: "renegotiation_info", renegotiatedConnection: new Uint8Array(0) });
    }
    if (this.ctx.extendedMasterSecret) extensions.push(EXTENDED_MASTER_SECRET);
    if (findExtension(ch.extensions, "ec_point_formats") !== undefined) {
      extensions.push({ type: "ec_point_formats", formats: [EcPointFormat.uncompressed] });
    }
    if (srtpProfile !== undefined)
      extensions.push({ type: "use_srtp", profiles: [srtpProfile], mki: new Uint8Array(0) });
    const entries: FlightEntry[] = [];
    const serverHello = encodeServerHello({
      serverVersion: ProtocolVersion.DTLS1_2,
      random: this.ctx.serverRandom,
      sessionId: new Uint8Array(0),
      cipherSuite: suite.code,
      compressionMethod: CompressionMethod.null,
      extensions,
    });
    entries.push(this.ctx.outgoing(HandshakeType.server_hello, serverHello));
    entries.push(
      this.ctx.outgoing(HandshakeType.certificate, encodeCertificate({ certificateList: certificate.chain })),
    );
    const ecdhe = generateEcdheKeyPair(group, o.random);
    this.#ecdhe = ecdhe;
    this.ctx.group = group;
    const params = encodeServerEcdhParams(ECDHE_GROUP_CODES[group], ecdhe.publicKey);
    const signed = new Uint8Array(64 + params.length);
    signed.set(this.ctx.clientRandom);
    signed.set(this.ctx.serverRandom, 32);
    signed.set(params, 64);
    const signature = signWithScheme(scheme, certificate.privateKey, certificate.keyType, signed);
    if (signature === undefined) return this.io.fail("handshake-failure", "cannot sign ServerKeyExchange");
    const ske = encodeServerKeyExchange({
      namedCurve: ECDHE_GROUP_CODES[group],
      publicKey: ecdhe.publicKey,
      signatureScheme: scheme,
      signature,
    });
    entries.push(this.ctx.outgoing(HandshakeType.server_key_exchange, ske));
    if (o.requestClientCertificate) {
      const request = encodeCertificateRequest({
        certificateTypes: [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
        signatureSchemes: SUPPORTED_SIGNATURE_SCHEMES,
        certificateAuthorities: [],
      });
      entries.push(this.ctx.outgoing(HandshakeType.certificate_request, request));
    }
    entries.push(this.ctx.outgoing(HandshakeType.server_hello_done, encodeServerHelloDone()));
    this.io.sendFlight(now, entries, true);
    this.#state = o.requestClientCertificate ? "wait-client-certificate" : "wait-client-key-exchange";
  }

  #onCertificate(msg: HandshakeMessage): undefined {
    const d = decodeCertificate(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `Certificate: ${d.error.code}`);
    this.io.peerFlightStarted();
    const leaf = d.value.certificateList[0];
    if (leaf !== undefined) {
      const mismatch = this.ctx.checkFingerprint(leaf);
      if (mismatch !== undefined) return this.io.fail("fingerprint-mismatch", mismatch);
      const peer = parsePeerCertificate(leaf);
      if (peer === undefined) return this.io.fail("bad-certificate", "client certificate does not parse");
      this.ctx.peerCertificate = peer;
    } else if (this.ctx.options.remoteFingerprints !== undefined) {
      return this.io.fail("bad-certificate", "client sent no certificate but a fingerprint is expected");
    }
    this.ctx.incoming(msg.msgType, msg.messageSeq, msg.body);
    this.#state = "wait-client-key-exchange";
  }

  #onClientKeyExchange(msg: HandshakeMessage): undefined {
    const d = decodeClientKeyExchange(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `ClientKeyExchange: ${d.error.code}`);
    this.io.peerFlightStarted();
    const preMaster = this.#ecdhe?.computeSharedSecret(d.value.publicKey);
    if (preMaster === undefined) return this.io.fail("illegal-parameter", "client ECDHE point is invalid");
    this.ctx.incoming(msg.msgType, msg.messageSeq, msg.body);
    this.ctx.deriveMasterSecret(preMaster);
    const ciphers = this.ctx.recordCiphers();
    this.io.installEpoch(1, ciphers.read, ciphers.write);
    this.#state = this.ctx.peerCertificate !== undefined ? "wait-certificate-verify" : "wait-finished";
  }

  /** RFC 5246 §7.4.8: the signature covers every handshake message up to, not including, this one. */
  #onCertificateVerify(msg: HandshakeMessage): undefined {
    const d = decodeCertificateVerify(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `CertificateVerify: ${d.error.code}`);
    const peer = this.ctx.peerCertificate;
    const { signatureScheme, signature } = d.value;
    if (peer === undefined || !SUPPORTED_SIGNATURE_SCHEMES.includes(signatureScheme)) {
      return this.io.fail("illegal-parameter", `CertificateVerify scheme 0x${signatureScheme.toString(16)}`);
    }
    if (
      !verifyWithScheme(signatureScheme, peer.publicKey, peer.keyType, this.ctx.transcriptBytes(), signature)
    ) {
      return this.io.fail("decrypt-error", "CertificateVerify signature does not verify");
    }
    this.ctx.incoming(msg.msgType, msg.messageSeq, msg.body);
    this.#state = "wait-finished";
  }

  /** Flight 6. */
  #onFinished(now: Millis, msg: HandshakeMessage): undefined {
    const d = decodeFinished(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `Finished: ${d.error.code}`);
    if (!constantTimeEqual(d.value.verifyData, this.ctx.verifyData("client"))) {
      return this.io.fail("decrypt-error", "client Finished does not verify");
    }
    if (this.ctx.options.remoteFingerprints !== undefined && this.ctx.peerCertificate === undefined) {
      return this.io.fail("bad-certificate", "client did not authenticate but a fingerprint is expected");
    }
    this.ctx.incoming(msg.msgType, msg.messageSeq, msg.body);
    const verifyData = this.ctx.verifyData("server");
    const entries: FlightEntry[] = [
      { kind: "change_cipher_spec", epoch: 0 },
      this.ctx.outgoing(HandshakeType.finished, encodeFinished({ verifyData }), 1),
    ];
    this.io.sendFlight(now, entries, false);
    this.#state = "done";
    this.io.connected();
  }
}

import { parsePeerCertificate } from "../crypto/certificate.js";
import { constantTimeEqual } from "../crypto/constant-time.js";
import { ECDHE_GROUP_CODES, ecdheGroupFromCode, generateEcdheKeyPair } from "../crypto/ecdhe.js";
import {
  SUPPORTED_SIGNATURE_SCHEMES,
  signatureSchemesForKey,
  signWithScheme,
  verifyWithScheme,
} from "../crypto/signature.js";
import { decodeCertificate, encodeCertificate } from "../wire/certificate.js";
import { type CertificateRequest, decodeCertificateRequest } from "../wire/certificate-request.js";
import { encodeCertificateVerify } from "../wire/certificate-verify.js";
import { type ClientHello, encodeClientHello } from "../wire/client-hello.js";
import { encodeClientKeyExchange } from "../wire/client-key-exchange.js";
import { EXTENDED_MASTER_SECRET } from "../wire/extensions/extended-master-secret.js";
import { type Extension, findExtension } from "../wire/extensions/extension.js";
import { decodeFinished, encodeFinished } from "../wire/finished.js";
import { decodeHelloVerifyRequest } from "../wire/hello-verify-request.js";
import { concat } from "../wire/presentation-language.js";
import { decodeServerHello } from "../wire/server-hello.js";
import { decodeServerHelloDone } from "../wire/server-hello-done.js";
import {
  decodeServerKeyExchange,
  encodeServerEcdhParams,
  type ServerKeyExchange,
} from "../wire/server-key-exchange.js";
import { CompressionMethod, EcPointFormat, HandshakeType, ProtocolVersion } from "../wire/tls-parameters.js";
import type { FlightEntry, Millis } from "./flight-buffer.js";
import type { HandshakeContext, HandshakeIo } from "./handshake-context.js";
import type { HandshakeMessage } from "./handshake-reassembly.js";
import { hasDowngradeSentinel } from "./version-negotiation.js";

type ClientState =
  | "start"
  | "wait-server-hello"
  | "wait-certificate"
  | "wait-server-key-exchange"
  | "wait-server-hello-done"
  | "wait-finished"
  | "done";

/** A server may ask for a new cookie a few times; more is a loop. */
const MAX_HELLO_VERIFY_REQUESTS = 4;

/**
 * The client side of the RFC 6347 §4.2.4 flights:
 *
 * ```
 * 1: ClientHello                        →
 *                                       ←  2: HelloVerifyRequest (optional)
 * 3: ClientHello (with cookie)          →
 *                                       ←  4: ServerHello, Certificate, ServerKeyExchange,
 *                                              [CertificateRequest], ServerHelloDone
 * 5: [Certificate], ClientKeyExchange,  →
 *    [CertificateVerify], ChangeCipherSpec, Finished
 *                                       ←  6: ChangeCipherSpec, Finished
 * ```
 */
export class ClientHandshake {
  #state: ClientState = "start";
  #hello: ClientHello | undefined;
  #helloVerifyRequests = 0;
  #serverKeyExchange: ServerKeyExchange | undefined;
  #certificateRequest: CertificateRequest | undefined;

  constructor(
    private readonly ctx: HandshakeContext,
    private readonly io: HandshakeIo,
  ) {}

  get done(): boolean {
    return this.#state === "done";
  }

  /** Flight 1. */
  start(now: Millis): undefined {
    const o = this.ctx.options;
    this.ctx.clientRandom = o.random(32).slice();
    const extensions: Extension[] = [
      { type: "supported_groups", groups: o.namedGroups.map((g) => ECDHE_GROUP_CODES[g]) },
      { type: "ec_point_formats", formats: [EcPointFormat.uncompressed] },
      { type: "signature_algorithms", schemes: SUPPORTED_SIGNATURE_SCHEMES },
      EXTENDED_MASTER_SECRET,
      { type: "renegotiation_info", renegotiatedConnection: new Uint8Array(0) },
    ];
    if (o.srtpProfiles.length > 0) {
      extensions.push({ type: "use_srtp", profiles: o.srtpProfiles, mki: new Uint8Array(0) });
    }
    this.#hello = {
      clientVersion: ProtocolVersion.DTLS1_2,
      random: this.ctx.clientRandom,
      sessionId: new Uint8Array(0),
      cookie: new Uint8Array(0),
      cipherSuites: o.cipherSuites.map((s) => s.code),
      compressionMethods: [CompressionMethod.null],
      extensions,
    };
    this.#sendHello(now);
  }

  /**
   * Takes over a ClientHello a DTLS 1.3 client sent (with its 1.3 extensions) as flight 1, already on the
   * wire: the server answered with DTLS 1.2 or a HelloVerifyRequest.
   */
  resume(now: Millis, hello: ClientHello): undefined {
    this.ctx.clientRandom = hello.random;
    this.#hello = hello;
    const entry = this.ctx.outgoing(HandshakeType.client_hello, encodeClientHello(hello));
    this.io.sendFlight(now, [entry], true, ProtocolVersion.DTLS1_0, false);
    this.#state = "wait-server-hello";
  }

  #sendHello(now: Millis): undefined {
    const hello = this.#hello as ClientHello;
    const entry = this.ctx.outgoing(HandshakeType.client_hello, encodeClientHello(hello));
    this.io.sendFlight(now, [entry], true, ProtocolVersion.DTLS1_0);
    this.#state = "wait-server-hello";
  }

  /** A handshake message in its expected epoch (the endpoint checked it). */
  handle(now: Millis, msg: HandshakeMessage): undefined {
    switch (this.#state) {
      case "wait-server-hello":
        if (msg.msgType === HandshakeType.hello_verify_request) return this.#onHelloVerifyRequest(now, msg);
        if (msg.msgType === HandshakeType.server_hello) return this.#onServerHello(msg);
        break;
      case "wait-certificate":
        if (msg.msgType === HandshakeType.certificate) return this.#onCertificate(msg);
        break;
      case "wait-server-key-exchange":
        if (msg.msgType === HandshakeType.server_key_exchange) return this.#onServerKeyExchange(msg);
        break;
      case "wait-server-hello-done":
        if (msg.msgType === HandshakeType.certificate_request && this.#certificateRequest === undefined) {
          return this.#onCertificateRequest(msg);
        }
        if (msg.msgType === HandshakeType.server_hello_done) return this.#onServerHelloDone(now, msg);
        break;
      case "wait-finished":
        if (msg.msgType === HandshakeType.finished) return this.#onFinished(msg);
        break;
      default:
        break;
    }
    this.io.fail("unexpected-message", `handshake message ${msg.msgType} in client state ${this.#state}`);
  }

  /** RFC 6347 §4.2.1: resend the same ClientHello with the cookie; neither counts in the transcript. */
  #onHelloVerifyRequest(now: Millis, msg: HandshakeMessage): undefined {
    const d = decodeHelloVerifyRequest(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `HelloVerifyRequest: ${d.error.code}`);
    if (++this.#helloVerifyRequests > MAX_HELLO_VERIFY_REQUESTS) {
      return this.io.fail("unexpected-message", "too many HelloVerifyRequests");
    }
    this.io.peerFlightStarted();
    this.ctx.transcript.length = 0;
    this.#hello = { ...(this.#hello as ClientHello), cookie: d.value.cookie };
    this.#sendHello(now);
  }

  #onServerHello(msg: HandshakeMessage): undefined {
    const d = decodeServerHello(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `ServerHello: ${d.error.code}`);
    const sh = d.value;
    const o = this.ctx.options;
    if (sh.serverVersion !== ProtocolVersion.DTLS1_2) {
      return this.io.fail("protocol-version", `server chose version 0x${sh.serverVersion.toString(16)}`);
    }
    const offered = findExtension(this.#hello?.extensions ?? [], "supported_versions")?.versions ?? [];
    if (offered.includes(ProtocolVersion.DTLS1_3) && hasDowngradeSentinel(sh.random)) {
      return this.io.fail(
        "illegal-parameter",
        "DTLS 1.2 ServerHello with the DOWNGRD sentinel (RFC 8446 §4.1.3)",
      );
    }
    const suite = o.cipherSuites.find((s) => s.code === sh.cipherSuite);
    if (suite === undefined)
      return this.io.fail("illegal-parameter", `server chose suite 0x${sh.cipherSuite.toString(16)}`);
    if (sh.compressionMethod !== CompressionMethod.null)
      return this.io.fail("illegal-parameter", "compression");
    for (const e of sh.extensions) {
      if (e.type === "unknown" || e.type === "supported_groups" || e.type === "signature_algorithms") {
        return this.io.fail(
          "illegal-parameter",
          `ServerHello carries an extension we did not offer (${e.type})`,
        );
      }
      if (e.type === "renegotiation_info" && e.renegotiatedConnection.length !== 0) {
        return this.io.fail("handshake-failure", "non-empty renegotiation_info in an initial handshake");
      }
    }
    const srtp = findExtension(sh.extensions, "use_srtp");
    if (srtp !== undefined) {
      const p = srtp.profiles[0];
      if (
        srtp.profiles.length !== 1 ||
        p === undefined ||
        !o.srtpProfiles.includes(p) ||
        srtp.mki.length !== 0
      ) {
        return this.io.fail("illegal-parameter", "use_srtp answer is not one profile we offered");
      }
      this.ctx.srtpProfile = p;
    } else if (o.srtpProfiles.length > 0 && !o.srtpOptional) {
      return this.io.fail("handshake-failure", "server did not negotiate an SRTP protection profile");
    }
    this.ctx.extendedMasterSecret = findExtension(sh.extensions, "extended_master_secret") !== undefined;
    if (!this.ctx.extendedMasterSecret && o.requireExtendedMasterSecret) {
      return this.io.fail("insufficient-security", "server did not negotiate extended_master_secret");
    }
    this.io.peerFlightStarted();
    this.ctx.suite = suite;
    this.ctx.serverRandom = sh.random;
    this.ctx.incoming(msg.msgType, msg.messageSeq, msg.body);
    this.#state = "wait-certificate";
  }

  #onCertificate(msg: HandshakeMessage): undefined {
    const d = decodeCertificate(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `Certificate: ${d.error.code}`);
    const leaf = d.value.certificateList[0];
    if (leaf === undefined) return this.io.fail("bad-certificate", "server sent no certificate");
    const mismatch = this.ctx.checkFingerprint(leaf);
    if (mismatch !== undefined) return this.io.fail("fingerprint-mismatch", mismatch);
    const peer = parsePeerCertificate(leaf);
    if (peer === undefined) return this.io.fail("bad-certificate", "server certificate does not parse");
    if (peer.keyType !== this.ctx.suite?.auth) {
      return this.io.fail(
        "bad-certificate",
        `server key type ${peer.keyType} does not fit ${this.ctx.suite?.name}`,
      );
    }
    this.ctx.peerCertificate = peer;
    this.ctx.incoming(msg.msgType, msg.messageSeq, msg.body);
    this.#state = "wait-server-key-exchange";
  }

  /** RFC 8422 §5.4: the signature covers client_random + server_random + ServerECDHParams. */
  #onServerKeyExchange(msg: HandshakeMessage): undefined {
    const d = decodeServerKeyExchange(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `ServerKeyExchange: ${d.error.code}`);
    const ske = d.value;
    const group = ecdheGroupFromCode(ske.namedCurve);
    if (group === undefined || !this.ctx.options.namedGroups.includes(group)) {
      return this.io.fail("illegal-parameter", `server chose group ${ske.namedCurve}`);
    }
    const peer = this.ctx.peerCertificate;
    if (peer === undefined || !SUPPORTED_SIGNATURE_SCHEMES.includes(ske.signatureScheme)) {
      return this.io.fail(
        "illegal-parameter",
        `server signed with scheme 0x${ske.signatureScheme.toString(16)}`,
      );
    }
    const signed = concat(
      this.ctx.clientRandom,
      this.ctx.serverRandom,
      encodeServerEcdhParams(ske.namedCurve, ske.publicKey),
    );
    if (!verifyWithScheme(ske.signatureScheme, peer.publicKey, peer.keyType, signed, ske.signature)) {
      return this.io.fail("decrypt-error", "ServerKeyExchange signature does not verify");
    }
    this.#serverKeyExchange = ske;
    this.ctx.group = group;
    this.ctx.incoming(msg.msgType, msg.messageSeq, msg.body);
    this.#state = "wait-server-hello-done";
  }

  #onCertificateRequest(msg: HandshakeMessage): undefined {
    const d = decodeCertificateRequest(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `CertificateRequest: ${d.error.code}`);
    this.#certificateRequest = d.value;
    this.ctx.incoming(msg.msgType, msg.messageSeq, msg.body);
  }

  /** Flight 5. */
  #onServerHelloDone(now: Millis, msg: HandshakeMessage): undefined {
    const d = decodeServerHelloDone(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `ServerHelloDone: ${d.error.code}`);
    this.ctx.incoming(msg.msgType, msg.messageSeq, msg.body);
    const ske = this.#serverKeyExchange as ServerKeyExchange;
    const group = ecdheGroupFromCode(ske.namedCurve);
    if (group === undefined) return this.io.fail("illegal-parameter", "group");
    const ours = this.ctx.options.certificate;
    const entries: FlightEntry[] = [];
    const request = this.#certificateRequest;
    let scheme: number | undefined;
    if (request !== undefined) {
      if (ours !== undefined) {
        scheme = signatureSchemesForKey(ours.keyType).find((s) => request.signatureSchemes.includes(s));
        if (scheme === undefined)
          return this.io.fail("handshake-failure", "no signature scheme for CertificateVerify");
      }
      const body = encodeCertificate({ certificateList: scheme === undefined ? [] : (ours?.chain ?? []) });
      entries.push(this.ctx.outgoing(HandshakeType.certificate, body));
    }
    const ecdhe = generateEcdheKeyPair(group, this.ctx.options.random);
    const preMaster = ecdhe.computeSharedSecret(ske.publicKey);
    if (preMaster === undefined) return this.io.fail("illegal-parameter", "server ECDHE point is invalid");
    entries.push(this.ctx.outgoing(HandshakeType.client_key_exchange, encodeClientKeyExchange(ecdhe)));
    this.ctx.deriveMasterSecret(preMaster);
    if (scheme !== undefined && ours !== undefined) {
      const signature = signWithScheme(scheme, ours.privateKey, ours.keyType, this.ctx.transcriptBytes());
      if (signature === undefined) return this.io.fail("handshake-failure", "cannot sign CertificateVerify");
      entries.push(
        this.ctx.outgoing(
          HandshakeType.certificate_verify,
          encodeCertificateVerify({ signatureScheme: scheme, signature }),
        ),
      );
    }
    const ciphers = this.ctx.recordCiphers();
    this.io.installEpoch(1, ciphers.read, ciphers.write);
    entries.push({ kind: "change_cipher_spec", epoch: 0 });
    const verifyData = this.ctx.verifyData("client");
    entries.push(this.ctx.outgoing(HandshakeType.finished, encodeFinished({ verifyData }), 1));
    this.io.sendFlight(now, entries, true);
    this.#state = "wait-finished";
  }

  #onFinished(msg: HandshakeMessage): undefined {
    const d = decodeFinished(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `Finished: ${d.error.code}`);
    if (!constantTimeEqual(d.value.verifyData, this.ctx.verifyData("server"))) {
      return this.io.fail("decrypt-error", "server Finished does not verify");
    }
    this.ctx.incoming(msg.msgType, msg.messageSeq, msg.body);
    this.io.peerFlightStarted();
    this.#state = "done";
    this.io.connected();
  }
}

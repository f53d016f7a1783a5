import { parsePeerCertificate } from "../crypto/certificate.js";
import { constantTimeEqual } from "../crypto/constant-time.js";
import {
  type ClientKeyShare,
  clientKeyShare,
  KEY_EXCHANGE_GROUP_CODES,
  type KeyExchangeGroup,
  keyExchangeGroupFromCode,
} from "../crypto/key-exchange.js";
import { SUPPORTED_SIGNATURE_SCHEMES } from "../crypto/signature.js";
import {
  signCertificateVerify,
  TLS13_SIGNATURE_SCHEMES,
  tls13SchemesForKey,
  verifyCertificateVerify,
} from "../crypto/tls13-signature.js";
import { decodeCertificateVerify, encodeCertificateVerify } from "../wire/certificate-verify.js";
import { type ClientHello, encodeClientHello } from "../wire/client-hello.js";
import { decodeEncryptedExtensions } from "../wire/encrypted-extensions.js";
import { EXTENDED_MASTER_SECRET } from "../wire/extensions/extended-master-secret.js";
import { type Extension, findExtension } from "../wire/extensions/extension.js";
import { decodeServerHello, isHelloRetryRequest, type ServerHello } from "../wire/server-hello.js";
import { CompressionMethod, EcPointFormat, HandshakeType, ProtocolVersion } from "../wire/tls-parameters.js";
import { decodeTls13Certificate, encodeTls13Certificate } from "../wire/tls13-certificate.js";
import { decodeTls13CertificateRequest } from "../wire/tls13-certificate-request.js";
import type { Handshake13Context, Handshake13Io } from "./dtls13-handshake-context.js";
import type { Millis } from "./flight-buffer.js";
import { fingerprintMismatch } from "./handshake-context.js";
import type { HandshakeMessage } from "./handshake-reassembly.js";

type ClientState =
  | "start"
  | "wait-server-hello"
  | "wait-encrypted-extensions"
  | "wait-certificate-or-request"
  | "wait-certificate"
  | "wait-certificate-verify"
  | "wait-finished"
  | "done";

const EMPTY = new Uint8Array(0);

/**
 * The client side of the DTLS 1.3 handshake (see ServerHandshake13 for the picture). With DTLS 1.2 also
 * enabled its ClientHello carries the 1.2 cipher suites and extensions too (extended_master_secret,
 * renegotiation_info, ec_point_formats), so a DTLS 1.2 ServerHello or HelloVerifyRequest can be handed to
 * a 1.2 client (`downgrade`) that takes this ClientHello over.
 */
export class ClientHandshake13 {
  #state: ClientState = "start";
  #hello: ClientHello | undefined;
  #shares: ClientKeyShare[] = [];
  #retried = false;
  #certificateRequest: { readonly context: Uint8Array; readonly schemes: readonly number[] } | undefined;

  constructor(
    private readonly ctx: Handshake13Context,
    private readonly io: Handshake13Io,
    private readonly downgrade: (now: Millis, hello: ClientHello) => void,
  ) {}

  /** The first flight. */
  start(now: Millis): undefined {
    const o = this.ctx.options;
    const with12 = o.versions.includes("1.2");
    const first = o.groups13[0] as KeyExchangeGroup;
    const shared: KeyExchangeGroup[] =
      first === "X25519MLKEM768" && o.groups13.includes("x25519") ? [first, "x25519"] : [first];
    this.#shares = shared.map((g) => clientKeyShare(g, o.random));
    this.ctx.clientRandom = o.random(32).slice();
    const versions = o.versions.map((v) => (v === "1.3" ? ProtocolVersion.DTLS1_3 : ProtocolVersion.DTLS1_2));
    const schemes = with12
      ? [
          ...TLS13_SIGNATURE_SCHEMES,
          ...SUPPORTED_SIGNATURE_SCHEMES.filter((s) => !TLS13_SIGNATURE_SCHEMES.includes(s)),
        ]
      : TLS13_SIGNATURE_SCHEMES;
    const extensions: Extension[] = [
      { type: "supported_versions", versions },
      { type: "supported_groups", groups: o.groups13.map((g) => KEY_EXCHANGE_GROUP_CODES[g]) },
      { type: "key_share", form: "client_hello", clientShares: this.#entries() },
      { type: "signature_algorithms", schemes },
    ];
    if (with12) {
      extensions.push(EXTENDED_MASTER_SECRET, { type: "renegotiation_info", renegotiatedConnection: EMPTY });
      extensions.push({ type: "ec_point_formats", formats: [EcPointFormat.uncompressed] });
    }
    if (o.srtpProfiles.length > 0)
      extensions.push({ type: "use_srtp", profiles: o.srtpProfiles, mki: EMPTY });
    this.#hello = {
      clientVersion: ProtocolVersion.DTLS1_2,
      random: this.ctx.clientRandom,
      sessionId: EMPTY,
      cookie: EMPTY,
      cipherSuites: [
        ...o.tls13CipherSuites.map((s) => s.code),
        ...(with12 ? o.cipherSuites.map((s) => s.code) : []),
      ],
      compressionMethods: [CompressionMethod.null],
      extensions,
    };
    this.#sendHello(now);
  }

  #entries() {
    return this.#shares.map((s) => ({
      group: KEY_EXCHANGE_GROUP_CODES[s.group],
      keyExchange: s.keyExchange,
    }));
  }

  #sendHello(now: Millis): void {
    const hello = this.#hello as ClientHello;
    const body = encodeClientHello(hello);
    this.ctx.add(HandshakeType.client_hello, body);
    this.io.sendFlight(now, [{ epoch: 0, msgType: HandshakeType.client_hello, body }], true);
    this.#state = "wait-server-hello";
  }

  handle(now: Millis, msg: HandshakeMessage): undefined {
    switch (this.#state) {
      case "wait-server-hello":
        if (msg.msgType === HandshakeType.server_hello) return this.#onServerHello(now, msg);
        if (msg.msgType === HandshakeType.hello_verify_request && !this.#retried) {
          this.downgrade(now, this.#hello as ClientHello);
          return;
        }
        break;
      case "wait-encrypted-extensions":
        if (msg.msgType === HandshakeType.encrypted_extensions) return this.#onEncryptedExtensions(msg);
        break;
      case "wait-certificate-or-request":
        if (msg.msgType === HandshakeType.certificate_request) return this.#onCertificateRequest(msg);
        if (msg.msgType === HandshakeType.certificate) return this.#onCertificate(msg);
        break;
      case "wait-certificate":
        if (msg.msgType === HandshakeType.certificate) return this.#onCertificate(msg);
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
    this.io.fail(
      "unexpected-message",
      `handshake message ${msg.msgType} in DTLS 1.3 client state ${this.#state}`,
    );
  }

  #onServerHello(now: Millis, msg: HandshakeMessage): undefined {
    const d = decodeServerHello(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `ServerHello: ${d.error.code}`);
    const sh = d.value;
    const selected = findExtension(sh.extensions, "supported_versions")?.versions[0];
    if (selected === undefined && !this.#retried && this.ctx.options.versions.includes("1.2")) {
      this.downgrade(now, this.#hello as ClientHello);
      return;
    }
    if (selected !== ProtocolVersion.DTLS1_3) {
      return this.io.fail(
        "protocol-version",
        `server selected 0x${(selected ?? sh.serverVersion).toString(16)}`,
      );
    }
    const o = this.ctx.options;
    const suite = o.tls13CipherSuites.find((s) => s.code === sh.cipherSuite);
    if (suite === undefined || (this.ctx.suite !== undefined && this.ctx.suite !== suite)) {
      return this.io.fail("illegal-parameter", `server chose suite 0x${sh.cipherSuite.toString(16)}`);
    }
    if (sh.compressionMethod !== CompressionMethod.null || sh.sessionId.length !== 0)
      return this.io.fail("illegal-parameter", "ServerHello legacy fields");
    this.ctx.suite = suite;
    this.io.versionSelected();
    return isHelloRetryRequest(sh.random)
      ? this.#onHelloRetryRequest(now, msg, sh)
      : this.#onRealServerHello(msg, sh);
  }

  /** RFC 8446 §4.1.4: one retry, with a share for the selected group and the cookie echoed. */
  #onHelloRetryRequest(now: Millis, msg: HandshakeMessage, hrr: ServerHello): undefined {
    if (this.#retried) return this.io.fail("unexpected-message", "a second HelloRetryRequest");
    this.#retried = true;
    this.io.peerFlightStarted();
    const ks = findExtension(hrr.extensions, "key_share");
    const cookie = findExtension(hrr.extensions, "cookie");
    let shares = this.#shares;
    if (ks !== undefined) {
      const group =
        ks.form === "hello_retry_request" ? keyExchangeGroupFromCode(ks.selectedGroup) : undefined;
      if (
        group === undefined ||
        !this.ctx.options.groups13.includes(group) ||
        shares.some((s) => s.group === group)
      ) {
        return this.io.fail(
          "illegal-parameter",
          "HelloRetryRequest selects a group we did not offer or already shared",
        );
      }
      shares = [clientKeyShare(group, this.ctx.options.random)];
    } else if (cookie === undefined) {
      return this.io.fail("illegal-parameter", "HelloRetryRequest changes nothing");
    }
    this.#shares = shares;
    const suite = this.ctx.suite;
    if (suite === undefined) return;
    this.ctx.replaceWithMessageHash(suite.hash);
    this.ctx.add(HandshakeType.server_hello, msg.body);
    const hello = this.#hello as ClientHello;
    const extensions = hello.extensions
      .filter((e) => e.type !== "cookie")
      .map(
        (e): Extension =>
          e.type === "key_share"
            ? { type: "key_share", form: "client_hello", clientShares: this.#entries() }
            : e,
      );
    if (cookie !== undefined) extensions.push(cookie);
    this.#hello = { ...hello, extensions };
    this.#sendHello(now);
  }

  #onRealServerHello(msg: HandshakeMessage, sh: ServerHello): undefined {
    const ks = findExtension(sh.extensions, "key_share");
    const share = ks?.form === "server_hello" ? ks.serverShare : undefined;
    const ours = this.#shares.find(
      (s) => share !== undefined && KEY_EXCHANGE_GROUP_CODES[s.group] === share.group,
    );
    if (share === undefined || ours === undefined)
      return this.io.fail("illegal-parameter", "ServerHello key_share is not for a group we shared");
    const secret = ours.complete(share.keyExchange);
    if (secret === undefined)
      return this.io.fail("illegal-parameter", `the server's ${ours.group} key share is invalid`);
    this.io.peerFlightStarted();
    this.ctx.group = ours.group;
    this.ctx.add(HandshakeType.server_hello, msg.body);
    this.ctx.deriveHandshakeSecrets(secret);
    this.io.installRead(2, this.ctx.serverHandshakeSecret ?? EMPTY);
    this.io.installWrite(2, this.ctx.clientHandshakeSecret ?? EMPTY);
    this.#shares = [];
    this.#state = "wait-encrypted-extensions";
  }

  #onEncryptedExtensions(msg: HandshakeMessage): undefined {
    const d = decodeEncryptedExtensions(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `EncryptedExtensions: ${d.error.code}`);
    const o = this.ctx.options;
    const srtp = findExtension(d.value.extensions, "use_srtp");
    if (srtp !== undefined) {
      const p = srtp.profiles[0];
      if (
        srtp.profiles.length !== 1 ||
        p === undefined ||
        !o.srtpProfiles.includes(p) ||
        srtp.mki.length !== 0
      )
        return this.io.fail("illegal-parameter", "use_srtp answer is not one profile we offered");
      this.ctx.srtpProfile = p;
    } else if (o.srtpProfiles.length > 0 && !o.srtpOptional) {
      return this.io.fail("handshake-failure", "server did not negotiate an SRTP protection profile");
    }
    this.ctx.add(msg.msgType, msg.body);
    this.#state = "wait-certificate-or-request";
  }

  #onCertificateRequest(msg: HandshakeMessage): undefined {
    const d = decodeTls13CertificateRequest(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `CertificateRequest: ${d.error.code}`);
    const schemes = findExtension(d.value.extensions, "signature_algorithms")?.schemes;
    if (schemes === undefined)
      return this.io.fail("missing-extension", "CertificateRequest without signature_algorithms");
    this.#certificateRequest = { context: d.value.certificateRequestContext, schemes };
    this.ctx.add(msg.msgType, msg.body);
    this.#state = "wait-certificate";
  }

  #onCertificate(msg: HandshakeMessage): undefined {
    const d = decodeTls13Certificate(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `Certificate: ${d.error.code}`);
    const leaf = d.value.certificateList[0]?.certData;
    if (leaf === undefined) return this.io.fail("bad-certificate", "server sent no certificate");
    const mismatch = fingerprintMismatch(this.ctx.options.remoteFingerprints, leaf);
    if (mismatch !== undefined) return this.io.fail("fingerprint-mismatch", mismatch);
    const peer = parsePeerCertificate(leaf);
    if (peer === undefined) return this.io.fail("bad-certificate", "server certificate does not parse");
    this.ctx.peerCertificate = peer;
    this.ctx.add(msg.msgType, msg.body);
    this.#state = "wait-certificate-verify";
  }

  #onCertificateVerify(msg: HandshakeMessage): undefined {
    const d = decodeCertificateVerify(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `CertificateVerify: ${d.error.code}`);
    const peer = this.ctx.peerCertificate;
    const { signatureScheme, signature } = d.value;
    if (
      peer === undefined ||
      !verifyCertificateVerify(signatureScheme, peer, "server", this.ctx.transcriptHash(), signature)
    ) {
      return this.io.fail("decrypt-error", "server CertificateVerify does not verify");
    }
    this.ctx.add(msg.msgType, msg.body);
    this.#state = "wait-finished";
  }

  /** The server's Finished, then our final flight (RFC 8446 §4.4), which the server must ACK. */
  #onFinished(now: Millis, msg: HandshakeMessage): undefined {
    const ctx = this.ctx;
    if (!constantTimeEqual(msg.body, ctx.finished("server")))
      return this.io.fail("decrypt-error", "server Finished does not verify");
    ctx.add(msg.msgType, msg.body);
    ctx.deriveApplicationSecrets();
    this.io.installRead(3, ctx.serverApplicationSecret ?? EMPTY);
    const flight: Array<{ epoch: number; msgType: number; body: Uint8Array }> = [];
    const add = (msgType: number, body: Uint8Array) => {
      ctx.add(msgType, body);
      flight.push({ epoch: 2, msgType, body });
    };
    const request = this.#certificateRequest;
    if (request !== undefined) {
      const ours = ctx.options.certificate;
      const scheme =
        ours === undefined
          ? undefined
          : tls13SchemesForKey(ours.privateKey, ours.keyType).find((s) => request.schemes.includes(s));
      const chain = scheme === undefined ? [] : (ours?.chain ?? []);
      const certificateList = chain.map((certData) => ({ certData, extensions: EMPTY }));
      add(
        HandshakeType.certificate,
        encodeTls13Certificate({ certificateRequestContext: request.context, certificateList }),
      );
      if (scheme !== undefined && ours !== undefined) {
        const signature = signCertificateVerify(scheme, ours, "client", ctx.transcriptHash());
        if (signature === undefined)
          return this.io.fail("handshake-failure", "cannot sign CertificateVerify");
        add(
          HandshakeType.certificate_verify,
          encodeCertificateVerify({ signatureScheme: scheme, signature }),
        );
      }
    }
    add(HandshakeType.finished, ctx.finished("client"));
    this.io.sendFlight(now, flight, true);
    this.io.installWrite(3, ctx.clientApplicationSecret ?? EMPTY);
    this.#state = "done";
    this.io.connected();
  }
}

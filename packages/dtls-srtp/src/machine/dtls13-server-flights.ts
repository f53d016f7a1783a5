import { parsePeerCertificate } from "../crypto/certificate.js";
import { constantTimeEqual } from "../crypto/constant-time.js";
import { helloVerifyCookie } from "../crypto/cookie.js";
import { KEY_EXCHANGE_GROUP_CODES, type KeyExchangeGroup, serverKeyShare } from "../crypto/key-exchange.js";
import { hashOf } from "../crypto/key-schedule.js";
import {
  signCertificateVerify,
  TLS13_SIGNATURE_SCHEMES,
  tls13SchemesForKey,
  verifyCertificateVerify,
} from "../crypto/tls13-signature.js";
import { decodeCertificateVerify, encodeCertificateVerify } from "../wire/certificate-verify.js";
import type { ClientHello } from "../wire/client-hello.js";
import { encodeEncryptedExtensions } from "../wire/encrypted-extensions.js";
import { type Extension, findExtension } from "../wire/extensions/extension.js";
import { encodeServerHello, HELLO_RETRY_REQUEST_RANDOM } from "../wire/server-hello.js";
import { CompressionMethod, HandshakeType, ProtocolVersion } from "../wire/tls-parameters.js";
import { decodeTls13Certificate, encodeTls13Certificate } from "../wire/tls13-certificate.js";
import { encodeTls13CertificateRequest } from "../wire/tls13-certificate-request.js";
import { type Tls13CipherSuiteInfo, tls13CipherSuiteByCode } from "../wire/tls13-cipher-suite.js";
import type { Handshake13Context, Handshake13Io } from "./dtls13-handshake-context.js";
import type { Millis } from "./flight-buffer.js";
import { fingerprintMismatch } from "./handshake-context.js";
import type { HandshakeMessage } from "./handshake-reassembly.js";

type ServerState =
  | "wait-client-hello"
  | "wait-certificate"
  | "wait-certificate-verify"
  | "wait-finished"
  | "done";

const EMPTY = new Uint8Array(0);

/**
 * The server side of the DTLS 1.3 handshake (RFC 9147 §5.7, RFC 8446 §2):
 *
 * ```
 * ClientHello (+key_share)        →
 *                                 ←  [HelloRetryRequest (+cookie, +key_share selected_group)]
 * [ClientHello (+cookie)]         →
 *                                 ←  ServerHello (+key_share), {EncryptedExtensions}, {CertificateRequest},
 *                                    {Certificate}, {CertificateVerify}, {Finished}
 * {Certificate}, {CertificateVerify}, {Finished} →
 *                                 ←  [ACK]
 * ```
 *
 * The HelloRetryRequest is stateless (its cookie carries the suite, the group and Hash(ClientHello1) under
 * an HMAC): it is sent for a key share in a group the client supports but did not share, or for address
 * validation when `helloVerifyRequest` is set.
 */
export class ServerHandshake13 {
  #state: ServerState = "wait-client-hello";
  #firstSeq = 0;

  constructor(
    private readonly ctx: Handshake13Context,
    private readonly io: Handshake13Io,
  ) {}

  get expectsClientHello(): boolean {
    return this.#state === "wait-client-hello";
  }

  handle(now: Millis, msg: HandshakeMessage, ch?: ClientHello): undefined {
    switch (this.#state) {
      case "wait-client-hello":
        if (msg.msgType === HandshakeType.client_hello && ch !== undefined)
          return this.#onClientHello(now, msg, ch);
        break;
      case "wait-certificate":
        if (msg.msgType === HandshakeType.certificate) return this.#onCertificate(msg);
        break;
      case "wait-certificate-verify":
        if (msg.msgType === HandshakeType.certificate_verify) return this.#onCertificateVerify(msg);
        break;
      case "wait-finished":
        if (msg.msgType === HandshakeType.finished) return this.#onFinished(msg);
        break;
      default:
        break;
    }
    this.io.fail(
      "unexpected-message",
      `handshake message ${msg.msgType} in DTLS 1.3 server state ${this.#state}`,
    );
  }

  /**
   * Cookie = suite(2) || group(2) || newShare(1) || Hash(ClientHello1) || HMAC(secret, peer, those): enough to
   * rebuild the HelloRetryRequest byte for byte when the second ClientHello brings it back.
   */
  #cookie(suite: number, group: number, newShare: boolean, ch1Hash: Uint8Array): Uint8Array {
    const o = this.ctx.options;
    const head = Uint8Array.of(suite >> 8, suite & 0xff, group >> 8, group & 0xff, newShare ? 1 : 0);
    const mac = helloVerifyCookie(o.cookieSecret, [o.cookieContext, head, ch1Hash]);
    const out = new Uint8Array(head.length + ch1Hash.length + mac.length);
    out.set(head);
    out.set(ch1Hash, head.length);
    out.set(mac, head.length + ch1Hash.length);
    return out;
  }

  /** RFC 8446 §4.1.4: key_share only when a new share is needed; the cookie always. */
  #helloRetryRequest(
    ch: ClientHello,
    suite: number,
    group: number,
    newShare: boolean,
    cookie: Uint8Array,
  ): Uint8Array {
    const extensions: Extension[] = [{ type: "supported_versions", versions: [ProtocolVersion.DTLS1_3] }];
    if (newShare) extensions.push({ type: "key_share", form: "hello_retry_request", selectedGroup: group });
    extensions.push({ type: "cookie", cookie });
    return encodeServerHello({
      serverVersion: ProtocolVersion.DTLS1_2,
      random: HELLO_RETRY_REQUEST_RANDOM,
      sessionId: ch.sessionId,
      cipherSuite: suite,
      compressionMethod: CompressionMethod.null,
      extensions,
    });
  }

  #onClientHello(now: Millis, msg: HandshakeMessage, ch: ClientHello): undefined {
    const o = this.ctx.options;
    if (ch.cookie.length !== 0)
      return this.io.fail("illegal-parameter", "DTLS 1.3 ClientHello with a legacy_cookie");
    const cookieExt = findExtension(ch.extensions, "cookie");
    let suite: Tls13CipherSuiteInfo | undefined;
    let group: KeyExchangeGroup | undefined;
    let ch1Hash: Uint8Array | undefined;
    let hrrNewShare = false;
    if (cookieExt !== undefined) {
      const c = cookieExt.cookie;
      const hashLength = c.length - 5 - 32;
      const ok = hashLength === 32 || hashLength === 48;
      const h = c.subarray(5, 5 + Math.max(hashLength, 0));
      const suiteCode = ((c[0] ?? 0) << 8) | (c[1] ?? 0);
      const groupCode = ((c[2] ?? 0) << 8) | (c[3] ?? 0);
      hrrNewShare = c[4] === 1;
      if (!ok || !constantTimeEqual(c, this.#cookie(suiteCode, groupCode, hrrNewShare, h)))
        return this.io.fail("illegal-parameter", "HelloRetryRequest cookie does not verify");
      suite = tls13CipherSuiteByCode(suiteCode);
      group = o.groups13.find((g) => KEY_EXCHANGE_GROUP_CODES[g] === groupCode);
      ch1Hash = h.slice();
    } else {
      suite = o.tls13CipherSuites.find((s) => ch.cipherSuites.includes(s.code));
    }
    if (suite === undefined) return this.io.fail("handshake-failure", "no DTLS 1.3 cipher suite in common");
    const certificate = o.certificate;
    if (certificate === undefined) return this.io.fail("handshake-failure", "no certificate");
    const offeredSchemes = findExtension(ch.extensions, "signature_algorithms")?.schemes ?? [];
    const scheme = tls13SchemesForKey(certificate.privateKey, certificate.keyType).find((s) =>
      offeredSchemes.includes(s),
    );
    if (scheme === undefined) return this.io.fail("handshake-failure", "no signature scheme in common");
    let srtpProfile: number | undefined;
    if (o.srtpProfiles.length > 0) {
      const useSrtp = findExtension(ch.extensions, "use_srtp");
      srtpProfile = o.srtpProfiles.find((p) => useSrtp?.profiles.includes(p) === true);
      if (srtpProfile === undefined && !o.srtpOptional)
        return this.io.fail("handshake-failure", "no SRTP protection profile in common");
    }
    const keyShare = findExtension(ch.extensions, "key_share");
    const shares = keyShare?.form === "client_hello" ? keyShare.clientShares : [];
    const supported = findExtension(ch.extensions, "supported_groups")?.groups ?? [];
    if (group === undefined) {
      // A group the client sent a share for, in our order; else one it supports (then a HelloRetryRequest).
      group =
        o.groups13.find((g) => shares.some((s) => s.group === KEY_EXCHANGE_GROUP_CODES[g])) ??
        o.groups13.find((g) => supported.includes(KEY_EXCHANGE_GROUP_CODES[g]));
      if (group === undefined) return this.io.fail("handshake-failure", "no key exchange group in common");
    }
    const groupCode = KEY_EXCHANGE_GROUP_CODES[group];
    const share = shares.find((s) => s.group === groupCode);
    if (ch1Hash === undefined && (share === undefined || o.helloVerifyRequest)) {
      // Stateless HelloRetryRequest: same message_seq as the ClientHello (RFC 9147 §5.2).
      const h = hashOf(suite.hash, handshakeMessage(HandshakeType.client_hello, msg.body));
      const newShare = share === undefined;
      const cookie = this.#cookie(suite.code, groupCode, newShare, h);
      const hrr = this.#helloRetryRequest(ch, suite.code, groupCode, newShare, cookie);
      this.#firstSeq = msg.messageSeq;
      this.io.sendFlight(now, [{ epoch: 0, msgType: HandshakeType.server_hello, body: hrr }], false);
      return;
    }
    if (share === undefined)
      return this.io.fail("illegal-parameter", "no key share for the group the HelloRetryRequest selected");
    const ours = serverKeyShare(group, share.keyExchange, o.random);
    if (ours === undefined)
      return this.io.fail("illegal-parameter", `the client's ${group} key share is invalid`);
    this.io.peerFlightStarted();
    const ctx = this.ctx;
    ctx.suite = suite;
    ctx.group = group;
    ctx.srtpProfile = srtpProfile;
    ctx.clientRandom = ch.random;
    if (ch1Hash !== undefined) {
      ctx.replaceWithMessageHash(suite.hash, ch1Hash);
      ctx.add(
        HandshakeType.server_hello,
        this.#helloRetryRequest(ch, suite.code, groupCode, hrrNewShare, cookieExt?.cookie ?? EMPTY),
      );
    }
    ctx.add(HandshakeType.client_hello, msg.body);
    const serverHello = encodeServerHello({
      serverVersion: ProtocolVersion.DTLS1_2,
      random: o.random(32).slice(),
      sessionId: ch.sessionId,
      cipherSuite: suite.code,
      compressionMethod: CompressionMethod.null,
      extensions: [
        { type: "supported_versions", versions: [ProtocolVersion.DTLS1_3] },
        {
          type: "key_share",
          form: "server_hello",
          serverShare: { group: groupCode, keyExchange: ours.keyExchange },
        },
      ],
    });
    ctx.add(HandshakeType.server_hello, serverHello);
    ctx.deriveHandshakeSecrets(ours.sharedSecret);
    this.io.installWrite(2, ctx.serverHandshakeSecret ?? EMPTY);
    this.io.installRead(2, ctx.clientHandshakeSecret ?? EMPTY);
    const flight: Array<{ epoch: number; msgType: number; body: Uint8Array }> = [
      { epoch: 0, msgType: HandshakeType.server_hello, body: serverHello },
    ];
    const add = (msgType: number, body: Uint8Array) => {
      ctx.add(msgType, body);
      flight.push({ epoch: 2, msgType, body });
    };
    const extensions: Extension[] =
      srtpProfile === undefined ? [] : [{ type: "use_srtp", profiles: [srtpProfile], mki: EMPTY }];
    add(HandshakeType.encrypted_extensions, encodeEncryptedExtensions({ extensions }));
    if (o.requestClientCertificate) {
      const request = encodeTls13CertificateRequest({
        certificateRequestContext: EMPTY,
        extensions: [{ type: "signature_algorithms", schemes: TLS13_SIGNATURE_SCHEMES }],
      });
      add(HandshakeType.certificate_request, request);
    }
    const entries = certificate.chain.map((certData) => ({ certData, extensions: EMPTY }));
    add(
      HandshakeType.certificate,
      encodeTls13Certificate({ certificateRequestContext: EMPTY, certificateList: entries }),
    );
    const signature = signCertificateVerify(scheme, certificate, "server", ctx.transcriptHash());
    if (signature === undefined) return this.io.fail("handshake-failure", "cannot sign CertificateVerify");
    add(HandshakeType.certificate_verify, encodeCertificateVerify({ signatureScheme: scheme, signature }));
    add(HandshakeType.finished, ctx.finished("server"));
    ctx.deriveApplicationSecrets();
    this.io.installRead(3, ctx.clientApplicationSecret ?? EMPTY);
    this.io.sendFlight(now, flight, true);
    this.#state = o.requestClientCertificate ? "wait-certificate" : "wait-finished";
  }

  /** message_seq of our first message (a stateless HelloRetryRequest echoes the ClientHello's). */
  get firstSeq(): number {
    return this.#firstSeq;
  }

  #onCertificate(msg: HandshakeMessage): undefined {
    const d = decodeTls13Certificate(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `Certificate: ${d.error.code}`);
    this.io.peerFlightStarted();
    const leaf = d.value.certificateList[0]?.certData;
    if (leaf !== undefined) {
      const mismatch = fingerprintMismatch(this.ctx.options.remoteFingerprints, leaf);
      if (mismatch !== undefined) return this.io.fail("fingerprint-mismatch", mismatch);
      const peer = parsePeerCertificate(leaf);
      if (peer === undefined) return this.io.fail("bad-certificate", "client certificate does not parse");
      this.ctx.peerCertificate = peer;
    } else if (this.ctx.options.remoteFingerprints !== undefined) {
      return this.io.fail("bad-certificate", "client sent no certificate but a fingerprint is expected");
    }
    this.ctx.add(msg.msgType, msg.body);
    this.#state = leaf === undefined ? "wait-finished" : "wait-certificate-verify";
  }

  #onCertificateVerify(msg: HandshakeMessage): undefined {
    const d = decodeCertificateVerify(msg.body);
    if (!d.ok) return this.io.fail("decode-error", `CertificateVerify: ${d.error.code}`);
    const peer = this.ctx.peerCertificate;
    const { signatureScheme, signature } = d.value;
    if (
      peer === undefined ||
      !verifyCertificateVerify(signatureScheme, peer, "client", this.ctx.transcriptHash(), signature)
    ) {
      return this.io.fail("decrypt-error", "client CertificateVerify does not verify");
    }
    this.ctx.add(msg.msgType, msg.body);
    this.#state = "wait-finished";
  }

  #onFinished(msg: HandshakeMessage): undefined {
    if (!constantTimeEqual(msg.body, this.ctx.finished("client"))) {
      return this.io.fail("decrypt-error", "client Finished does not verify");
    }
    if (this.ctx.options.remoteFingerprints !== undefined && this.ctx.peerCertificate === undefined) {
      return this.io.fail("bad-certificate", "client did not authenticate but a fingerprint is expected");
    }
    this.ctx.add(msg.msgType, msg.body);
    this.#state = "done";
    this.io.connected();
  }
}

/** A whole handshake message as the transcript holds it (RFC 9147 §5.2). */
export function handshakeMessage(msgType: number, body: Uint8Array): Uint8Array {
  const m = new Uint8Array(4 + body.length);
  m[0] = msgType;
  m[1] = body.length >>> 16;
  m[2] = (body.length >>> 8) & 0xff;
  m[3] = body.length & 0xff;
  m.set(body, 4);
  return m;
}

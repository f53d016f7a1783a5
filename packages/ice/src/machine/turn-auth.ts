/**
 * The client side of STUN's long-term credential mechanism (RFC 8489 §9.2) as TURN uses it
 * (RFC 8656 §4, §7.2):
 *
 * ```
 * Allocate (no credentials)           ->
 *                                     <- 401 REALM, NONCE [, PASSWORD-ALGORITHMS]
 * Allocate USERNAME REALM NONCE [PASSWORD-ALGORITHMS PASSWORD-ALGORITHM] MESSAGE-INTEGRITY(-SHA256) ->
 *                                     <- success, MESSAGE-INTEGRITY(-SHA256)
 * ... later, any request              <- 438 Stale Nonce, NONCE: retry with the new nonce
 * ```
 * key = MD5(username ":" realm ":" password), or SHA-256 of the same when PASSWORD-ALGORITHM is SHA-256
 * (§9.2.2). When the server offers PASSWORD-ALGORITHMS (an RFC 8489 server), the list is echoed, SHA-256 is
 * chosen when offered (else MD5), and requests carry MESSAGE-INTEGRITY-SHA256; otherwise (an RFC 5389
 * server such as coturn) MD5 and MESSAGE-INTEGRITY. The password is used as given (no OpaqueString
 * preparation). USERHASH (username anonymity) is not supported: USERNAME is always sent.
 */
import { longTermKey } from "../crypto/stun-integrity.js";
import {
  getAttribute,
  type StunEncodeOptions,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
} from "../wire/stun-message.js";
import { type DecodedStunMessage, type StunAttribute, StunAttrType } from "../wire/stun-message-types.js";
import {
  decodePasswordAlgorithms,
  PasswordAlgorithm,
  passwordAlgorithmAttribute,
} from "../wire/turn-password-algorithms.js";

export type TurnChallengeResult = "ok" | "missing-realm-or-nonce" | "unsupported-password-algorithm";

export class TurnLongTermCredentials {
  private realm: string | undefined;
  private nonce: string | undefined;
  private key: Uint8Array | undefined;
  /** The PASSWORD-ALGORITHMS value offered by the server, echoed verbatim. */
  private offered: Uint8Array | undefined;
  private algorithm: "md5" | "sha256" = "md5";

  constructor(
    private readonly username: string,
    private readonly password: string,
  ) {}

  /** True once a 401 gave us a realm and a nonce: requests are then authenticated. */
  get ready(): boolean {
    return this.key !== undefined;
  }

  get passwordAlgorithm(): "md5" | "sha256" {
    return this.algorithm;
  }

  get currentRealm(): string | undefined {
    return this.realm;
  }

  /** RFC 8489 §9.2.5: a 401 carries REALM and NONCE (and PASSWORD-ALGORITHMS from an RFC 8489 server). */
  handleChallenge(msg: DecodedStunMessage): TurnChallengeResult {
    const realm = getAttribute(msg, "realm")?.value;
    const nonce = getAttribute(msg, "nonce")?.value;
    if (realm === undefined || nonce === undefined) return "missing-realm-or-nonce";
    let algorithm: "md5" | "sha256" = "md5";
    let offered: Uint8Array | undefined;
    const raw = msg.attributes.find(
      (a) => a.type === "unknown" && a.code === StunAttrType.PasswordAlgorithms,
    );
    if (raw !== undefined && raw.type === "unknown") {
      const list = decodePasswordAlgorithms(raw.raw);
      if (!list.ok) return "unsupported-password-algorithm";
      const ids = list.value.map((e) => e.algorithm);
      if (ids.includes(PasswordAlgorithm.SHA256)) algorithm = "sha256";
      else if (!ids.includes(PasswordAlgorithm.MD5)) return "unsupported-password-algorithm";
      offered = raw.raw.slice();
    }
    this.realm = realm;
    this.nonce = nonce;
    this.offered = offered;
    this.algorithm = algorithm;
    this.key = longTermKey(this.username, realm, this.password, algorithm);
    return "ok";
  }

  /** RFC 8489 §9.2.5: 438 Stale Nonce carries the new NONCE (and REALM). False when it does not. */
  handleStaleNonce(msg: DecodedStunMessage): boolean {
    const nonce = getAttribute(msg, "nonce")?.value;
    if (nonce === undefined || this.key === undefined) return false;
    const realm = getAttribute(msg, "realm")?.value;
    if (realm !== undefined && realm !== this.realm) {
      this.realm = realm;
      this.key = longTermKey(this.username, realm, this.password, this.algorithm);
    }
    this.nonce = nonce;
    return true;
  }

  /** USERNAME, REALM, NONCE and the password-algorithm attributes, for an authenticated request. */
  attributes(): StunAttribute[] {
    if (this.realm === undefined || this.nonce === undefined) return [];
    const out: StunAttribute[] = [
      { type: "username", value: this.username },
      { type: "realm", value: this.realm },
      { type: "nonce", value: this.nonce },
    ];
    if (this.offered !== undefined) {
      out.push({ type: "unknown", code: StunAttrType.PasswordAlgorithms, raw: this.offered });
      out.push(
        passwordAlgorithmAttribute(
          this.algorithm === "sha256" ? PasswordAlgorithm.SHA256 : PasswordAlgorithm.MD5,
        ),
      );
    }
    return out;
  }

  /** The integrity the request is signed with (plus FINGERPRINT). */
  encodeOptions(): StunEncodeOptions {
    if (this.key === undefined) return { fingerprint: true };
    return this.offered !== undefined
      ? { integritySha256Key: this.key, fingerprint: true }
      : { integrityKey: this.key, fingerprint: true };
  }

  /**
   * RFC 8489 §9.2.5: checks a response to an authenticated request. MESSAGE-INTEGRITY-SHA256 is checked
   * when present, else MESSAGE-INTEGRITY; "missing" when it has neither.
   */
  verify(msg: DecodedStunMessage): "ok" | "missing" | "bad" {
    if (this.key === undefined) return "missing";
    const sha256 = verifyMessageIntegritySha256(msg, this.key);
    if (sha256 !== "missing") return sha256;
    return verifyMessageIntegrity(msg, this.key);
  }
}

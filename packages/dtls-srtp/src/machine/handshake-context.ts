import type { PeerCertificate } from "../crypto/certificate.js";
import type { EcdheGroup } from "../crypto/ecdhe.js";
import {
  type CertificateFingerprint,
  certificateFingerprint,
  fingerprintMatches,
  formatFingerprint,
} from "../crypto/fingerprint.js";
import { extendedMasterSecret, finishedVerifyData, keyBlock, masterSecret } from "../crypto/prf.js";
import { createRecordCipher, type RecordCipher } from "../crypto/record-protection.js";
import { transcriptHash } from "../crypto/transcript-hash.js";
import type { CipherSuiteInfo } from "../wire/cipher-suite.js";
import { encodeHandshakeMessage } from "../wire/handshake.js";
import type { DtlsErrorCode } from "./dtls-error.js";
import type { ResolvedOptions } from "./dtls-options.js";
import type { FlightEntry, Millis } from "./flight-buffer.js";

/** What the client and server flight logic ask of the endpoint. */
export interface HandshakeIo {
  /** Transmit a new flight now; `armTimer` when an answer is expected (RFC 6347 §4.2.4). */
  sendFlight(
    now: Millis,
    entries: readonly FlightEntry[],
    armTimer: boolean,
    recordVersion?: number,
    transmit?: boolean,
  ): void;
  /** The peer's next flight has started arriving: stop retransmitting ours. */
  peerFlightStarted(): void;
  /** Install epoch 1 keys (both directions). */
  installEpoch(epoch: number, read: RecordCipher, write: RecordCipher): void;
  /** Raise the next epoch-0 record sequence number (after a HelloVerifyRequest). */
  bumpSequence(epoch: number, seq: number): void;
  fail(code: DtlsErrorCode, cause: string): undefined;
  connected(): void;
}

/**
 * State shared by one handshake's flights: the transcript (RFC 5246 §7.4.9 handshake_messages, DTLS form
 * per RFC 6347 §4.2.6), randoms, negotiated parameters and derived secrets.
 */
export class HandshakeContext {
  readonly transcript: Uint8Array[] = [];
  clientRandom: Uint8Array = new Uint8Array(32);
  serverRandom: Uint8Array = new Uint8Array(32);
  suite: CipherSuiteInfo | undefined;
  srtpProfile: number | undefined;
  /** The ECDHE group of the ServerKeyExchange. */
  group: EcdheGroup | undefined;
  extendedMasterSecret = false;
  peerCertificate: PeerCertificate | undefined;
  masterSecret: Uint8Array | undefined;
  /** message_seq of the next handshake message we send. */
  sendSeq = 0;

  constructor(readonly options: ResolvedOptions) {}

  /** A message we send: numbered, added to the transcript, returned as a flight entry. */
  outgoing(msgType: number, body: Uint8Array, epoch = 0): FlightEntry {
    const messageSeq = this.sendSeq++;
    this.transcript.push(encodeHandshakeMessage(msgType, messageSeq, body));
    return { kind: "handshake", epoch, msgType, messageSeq, body };
  }

  /** A message we received, in order. */
  incoming(msgType: number, messageSeq: number, body: Uint8Array): void {
    this.transcript.push(encodeHandshakeMessage(msgType, messageSeq, body));
  }

  transcriptHash(): Uint8Array {
    return transcriptHash(this.#suite().prfHash, this.transcript);
  }

  transcriptBytes(): Uint8Array {
    const out = new Uint8Array(this.transcript.reduce((n, m) => n + m.length, 0));
    let at = 0;
    for (const m of this.transcript) {
      out.set(m, at);
      at += m.length;
    }
    return out;
  }

  #suite(): CipherSuiteInfo {
    if (this.suite === undefined) throw new Error("cipher suite not negotiated yet");
    return this.suite;
  }

  /**
   * Master secret from the ECDHE premaster secret, right after the ClientKeyExchange entered the
   * transcript (RFC 7627 §4 session_hash when extended master secret is on, RFC 5246 §8.1 otherwise);
   * reports the NSS key log line.
   */
  deriveMasterSecret(preMasterSecret: Uint8Array): void {
    const suite = this.#suite();
    this.masterSecret = this.extendedMasterSecret
      ? extendedMasterSecret(suite.prfHash, preMasterSecret, this.transcriptHash())
      : masterSecret(suite.prfHash, preMasterSecret, this.clientRandom, this.serverRandom);
    this.options.keyLog?.(`CLIENT_RANDOM ${hex(this.clientRandom)} ${hex(this.masterSecret)}`);
  }

  /** Epoch 1 record ciphers for our role (RFC 5246 §6.3 key_block). */
  recordCiphers(): { read: RecordCipher; write: RecordCipher } {
    const suite = this.#suite();
    const master = this.#master();
    const kb = keyBlock(
      suite.prfHash,
      master,
      this.clientRandom,
      this.serverRandom,
      suite.keyLength,
      suite.fixedIvLength,
    );
    const client = createRecordCipher(suite, kb.clientWriteKey, kb.clientWriteIv);
    const server = createRecordCipher(suite, kb.serverWriteKey, kb.serverWriteIv);
    return this.options.role === "client" ? { read: server, write: client } : { read: client, write: server };
  }

  /** verify_data of `sender`'s Finished over the transcript as it stands. */
  verifyData(sender: "client" | "server"): Uint8Array {
    return finishedVerifyData(this.#suite().prfHash, this.#master(), sender, this.transcriptHash());
  }

  #master(): Uint8Array {
    if (this.masterSecret === undefined) throw new Error("master secret not derived yet");
    return this.masterSecret;
  }

  /** Checks the peer's leaf against the expected fingerprints; an error text, or undefined when it is fine. */
  checkFingerprint(der: Uint8Array): string | undefined {
    return fingerprintMismatch(this.options.remoteFingerprints, der);
  }
}

/** Why the peer's leaf matches none of the expected fingerprints, or undefined when it matches (or any will do). */
export function fingerprintMismatch(
  expected: readonly CertificateFingerprint[] | undefined,
  der: Uint8Array,
): string | undefined {
  if (expected === undefined || fingerprintMatches(der, expected)) return undefined;
  return `peer certificate ${formatFingerprint(certificateFingerprint(der))} matches none of ${expected
    .map(formatFingerprint)
    .join(", ")}`;
}

export function hex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

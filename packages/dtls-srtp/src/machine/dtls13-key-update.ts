import { exportKeyingMaterial13, nextTrafficSecret, trafficKeys } from "../crypto/key-schedule.js";
import { createRecordProtection13, type RecordProtection13 } from "../crypto/tls13-record-protection.js";
import { decodeKeyUpdate, encodeKeyUpdate } from "../wire/key-update.js";
import { HandshakeType } from "../wire/tls-parameters.js";
import type { Tls13CipherSuiteInfo } from "../wire/tls13-cipher-suite.js";
import type { HandshakeMessage } from "./handshake-reassembly.js";

type EpochKeys = { readonly epoch: number; readonly protection: RecordProtection13 };

/** The record protection of a traffic secret (RFC 8446 §7.3, RFC 9147 §4.2.3). */
export function protectionFor(suite: Tls13CipherSuiteInfo, secret: Uint8Array): RecordProtection13 {
  const k = trafficKeys(suite.hash, secret, suite.keyLength);
  return createRecordProtection13(suite, k.key, k.iv, k.snKey);
}

/**
 * What a connected DTLS 1.3 association keeps (RFC 8446 §7.2, RFC 9147 §8): the current application
 * traffic secret each way and its epoch (3, then one more per KeyUpdate), the exporter secret, and our
 * KeyUpdate in flight: its new keys are used once the peer acknowledges it, one update at a time (a
 * second request waits for the first).
 */
export class ApplicationTraffic13 {
  #readSecret: Uint8Array;
  #writeSecret: Uint8Array;
  #readEpoch = 3;
  #writeEpoch = 3;
  #pending = false;
  #queued: boolean | undefined;

  constructor(
    readonly suite: Tls13CipherSuiteInfo,
    readSecret: Uint8Array,
    writeSecret: Uint8Array,
    readonly exporterSecret: Uint8Array,
  ) {
    this.#readSecret = readSecret;
    this.#writeSecret = writeSecret;
  }

  get readEpoch(): number {
    return this.#readEpoch;
  }
  get writeEpoch(): number {
    return this.#writeEpoch;
  }

  /** Our KeyUpdate to send now, or undefined when it waits (one in flight, or `flightIdle` false). */
  request(
    requestPeer: boolean,
    flightIdle: boolean,
  ): { readonly epoch: number; readonly msgType: number; readonly body: Uint8Array } | undefined {
    if (this.#pending || !flightIdle) {
      this.#queued = (this.#queued ?? false) || requestPeer;
      return undefined;
    }
    this.#pending = true;
    const body = encodeKeyUpdate({ updateRequested: requestPeer });
    return { epoch: this.#writeEpoch, msgType: HandshakeType.key_update, body };
  }

  /** Our flight was acknowledged: the new write keys if it was a KeyUpdate, and a waiting request. */
  acknowledged(): { readonly install: EpochKeys | undefined; readonly queued: boolean | undefined } {
    const install = this.#pending ? this.#nextWrite() : undefined;
    this.#pending = false;
    const queued = this.#queued;
    this.#queued = undefined;
    return { install, queued };
  }

  /**
   * The peer's KeyUpdate (in the current read epoch, else "stale"): the next read keys, and whether it
   * asks us to update ours.
   */
  peerUpdate(
    msg: HandshakeMessage,
  ):
    | { readonly kind: "bad" | "stale" }
    | { readonly kind: "ok"; readonly install: EpochKeys; readonly respond: boolean } {
    const d = decodeKeyUpdate(msg.body);
    if (!d.ok) return { kind: "bad" };
    if (msg.epoch !== this.#readEpoch) return { kind: "stale" };
    return { kind: "ok", install: this.#nextRead(), respond: d.value.updateRequested };
  }

  #nextRead(): EpochKeys {
    this.#readSecret = nextTrafficSecret(this.suite.hash, this.#readSecret);
    this.#readEpoch++;
    return { epoch: this.#readEpoch, protection: protectionFor(this.suite, this.#readSecret) };
  }

  #nextWrite(): EpochKeys {
    this.#writeSecret = nextTrafficSecret(this.suite.hash, this.#writeSecret);
    this.#writeEpoch++;
    return { epoch: this.#writeEpoch, protection: protectionFor(this.suite, this.#writeSecret) };
  }

  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    return exportKeyingMaterial13(this.suite.hash, this.exporterSecret, label, context, length);
  }
}

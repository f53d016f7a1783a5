import { createHash, createHmac } from "node:crypto";

/**
 * The TLS 1.3 key schedule (RFC 8446 §7.1) over HKDF (RFC 5869) from node:crypto's HMAC, with the label
 * prefix as a parameter: "tls13 " for TLS 1.3 (RFC 8448's traces), "dtls13" for DTLS 1.3 (RFC 9147 §5.9).
 *
 * ```
 * HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length)
 * struct { uint16 length = Length; opaque label<7..255> = prefix + Label; opaque context<0..255> = Context; } HkdfLabel;
 * Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length)
 * ```
 */
export type KeyScheduleHash = "sha256" | "sha384";

export const DTLS13_LABEL_PREFIX = "dtls13";
export const TLS13_LABEL_PREFIX = "tls13 ";

const enc = new TextEncoder();

export function hashLength(hash: KeyScheduleHash): number {
  return hash === "sha256" ? 32 : 48;
}

export function hashOf(hash: KeyScheduleHash, ...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash(hash);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** RFC 5869 §2.2 HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM); an absent salt is Hash.length zeros. */
export function hkdfExtract(hash: KeyScheduleHash, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  const key = salt.length === 0 ? new Uint8Array(hashLength(hash)) : salt;
  return new Uint8Array(createHmac(hash, key).update(ikm).digest());
}

/** RFC 5869 §2.3 HKDF-Expand(PRK, info, L): T(i) = HMAC-Hash(PRK, T(i-1) | info | i). */
export function hkdfExpand(
  hash: KeyScheduleHash,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  for (let at = 0, i = 1; at < length; i++) {
    t = new Uint8Array(createHmac(hash, prk).update(t).update(info).update(Uint8Array.of(i)).digest());
    out.set(t.subarray(0, Math.min(t.length, length - at)), at);
    at += t.length;
  }
  return out;
}

export function hkdfExpandLabel(
  hash: KeyScheduleHash,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
  prefix: string = DTLS13_LABEL_PREFIX,
): Uint8Array {
  const fullLabel = enc.encode(prefix + label);
  const info = new Uint8Array(2 + 1 + fullLabel.length + 1 + context.length);
  info[0] = length >> 8;
  info[1] = length & 0xff;
  info[2] = fullLabel.length;
  info.set(fullLabel, 3);
  info[3 + fullLabel.length] = context.length;
  info.set(context, 4 + fullLabel.length);
  return hkdfExpand(hash, secret, info, length);
}

export function deriveSecret(
  hash: KeyScheduleHash,
  secret: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
  prefix: string = DTLS13_LABEL_PREFIX,
): Uint8Array {
  return hkdfExpandLabel(hash, secret, label, transcriptHash, hashLength(hash), prefix);
}

/** The secrets of one handshake, stage by stage (RFC 8446 §7.1, no PSK). */
export class KeySchedule {
  readonly #hash: KeyScheduleHash;
  readonly #prefix: string;
  /** Early Secret = HKDF-Extract(0, 0). */
  readonly earlySecret: Uint8Array;
  handshakeSecret: Uint8Array | undefined;
  masterSecret: Uint8Array | undefined;

  constructor(hash: KeyScheduleHash, prefix: string = DTLS13_LABEL_PREFIX) {
    this.#hash = hash;
    this.#prefix = prefix;
    this.earlySecret = hkdfExtract(hash, new Uint8Array(0), new Uint8Array(hashLength(hash)));
  }

  get hash(): KeyScheduleHash {
    return this.#hash;
  }

  #derived(secret: Uint8Array): Uint8Array {
    return deriveSecret(this.#hash, secret, "derived", hashOf(this.#hash), this.#prefix);
  }

  /** Handshake Secret = HKDF-Extract(Derive-Secret(Early, "derived", ""), (EC)DHE). */
  deriveHandshakeSecret(sharedSecret: Uint8Array): Uint8Array {
    this.handshakeSecret = hkdfExtract(this.#hash, this.#derived(this.earlySecret), sharedSecret);
    return this.handshakeSecret;
  }

  /** Master Secret = HKDF-Extract(Derive-Secret(Handshake, "derived", ""), 0). */
  deriveMasterSecret(): Uint8Array {
    if (this.handshakeSecret === undefined) throw new Error("handshake secret first");
    this.masterSecret = hkdfExtract(
      this.#hash,
      this.#derived(this.handshakeSecret),
      new Uint8Array(hashLength(this.#hash)),
    );
    return this.masterSecret;
  }

  /** "c hs traffic" / "s hs traffic" over ClientHello…ServerHello. */
  handshakeTrafficSecret(side: "client" | "server", transcriptHash: Uint8Array): Uint8Array {
    if (this.handshakeSecret === undefined) throw new Error("handshake secret first");
    const label = side === "client" ? "c hs traffic" : "s hs traffic";
    return deriveSecret(this.#hash, this.handshakeSecret, label, transcriptHash, this.#prefix);
  }

  /** "c ap traffic" / "s ap traffic" / "exp master" over ClientHello…server Finished. */
  masterDerived(
    label: "c ap traffic" | "s ap traffic" | "exp master",
    transcriptHash: Uint8Array,
  ): Uint8Array {
    if (this.masterSecret === undefined) throw new Error("master secret first");
    return deriveSecret(this.#hash, this.masterSecret, label, transcriptHash, this.#prefix);
  }

  /** RFC 8446 §4.4.4: verify_data = HMAC(HKDF-Expand-Label(BaseKey, "finished", "", Hash.length), hash). */
  finishedVerifyData(baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
    const finishedKey = hkdfExpandLabel(
      this.#hash,
      baseKey,
      "finished",
      new Uint8Array(0),
      hashLength(this.#hash),
      this.#prefix,
    );
    return new Uint8Array(createHmac(this.#hash, finishedKey).update(transcriptHash).digest());
  }
}

/** RFC 8446 §7.2: application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length). */
export function nextTrafficSecret(
  hash: KeyScheduleHash,
  secret: Uint8Array,
  prefix: string = DTLS13_LABEL_PREFIX,
): Uint8Array {
  return hkdfExpandLabel(hash, secret, "traffic upd", new Uint8Array(0), hashLength(hash), prefix);
}

/** RFC 8446 §7.3 traffic keys, and RFC 9147 §4.2.3's sn_key. */
export function trafficKeys(
  hash: KeyScheduleHash,
  secret: Uint8Array,
  keyLength: number,
  prefix: string = DTLS13_LABEL_PREFIX,
): { readonly key: Uint8Array; readonly iv: Uint8Array; readonly snKey: Uint8Array } {
  const none = new Uint8Array(0);
  return {
    key: hkdfExpandLabel(hash, secret, "key", none, keyLength, prefix),
    iv: hkdfExpandLabel(hash, secret, "iv", none, 12, prefix),
    snKey: hkdfExpandLabel(hash, secret, "sn", none, keyLength, prefix),
  };
}

/**
 * RFC 8446 §7.5 TLS-Exporter(label, context_value, key_length) =
 * HKDF-Expand-Label(Derive-Secret(exporter_master_secret, label, ""), "exporter", Hash(context_value), key_length);
 * no context is the empty context.
 */
export function exportKeyingMaterial13(
  hash: KeyScheduleHash,
  exporterMasterSecret: Uint8Array,
  label: string,
  context: Uint8Array | undefined,
  length: number,
  prefix: string = DTLS13_LABEL_PREFIX,
): Uint8Array {
  const secret = deriveSecret(hash, exporterMasterSecret, label, hashOf(hash), prefix);
  return hkdfExpandLabel(
    hash,
    secret,
    "exporter",
    hashOf(hash, context ?? new Uint8Array(0)),
    length,
    prefix,
  );
}

import { createHmac } from "node:crypto";
import type { PrfHash } from "../wire/cipher-suite.js";
import { concat } from "../wire/presentation-language.js";

const enc = new TextEncoder();

/**
 * RFC 5246 §5 data expansion function:
 *
 * ```
 * P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) +
 *                        HMAC_hash(secret, A(2) + seed) + ...
 * A(0) = seed
 * A(i) = HMAC_hash(secret, A(i-1))
 * ```
 */
export function pHash(hash: PrfHash, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let a: Uint8Array = seed;
  let at = 0;
  while (at < length) {
    a = new Uint8Array(createHmac(hash, secret).update(a).digest());
    const block = createHmac(hash, secret).update(a).update(seed).digest();
    const n = Math.min(block.length, length - at);
    out.set(block.subarray(0, n), at);
    at += n;
  }
  return out;
}

/** RFC 5246 §5: PRF(secret, label, seed) = P_<hash>(secret, label + seed); the hash is the suite's PRF hash. */
export function prf(
  hash: PrfHash,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  return pHash(hash, secret, concat(enc.encode(label), seed), length);
}

/**
 * RFC 5246 §8.1: master_secret = PRF(pre_master_secret, "master secret",
 * ClientHello.random + ServerHello.random)[0..47];
 */
export function masterSecret(
  hash: PrfHash,
  preMasterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  return prf(hash, preMasterSecret, "master secret", concat(clientRandom, serverRandom), 48);
}

/**
 * RFC 7627 §4: master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47];
 * session_hash = Hash(handshake messages up to and including the ClientKeyExchange).
 */
export function extendedMasterSecret(
  hash: PrfHash,
  preMasterSecret: Uint8Array,
  sessionHash: Uint8Array,
): Uint8Array {
  return prf(hash, preMasterSecret, "extended master secret", sessionHash, 48);
}

export interface KeyBlock {
  readonly clientWriteKey: Uint8Array;
  readonly serverWriteKey: Uint8Array;
  readonly clientWriteIv: Uint8Array;
  readonly serverWriteIv: Uint8Array;
}

/**
 * RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random),
 * cut into client_write_MAC_key, server_write_MAC_key (empty for AEAD suites), client_write_key,
 * server_write_key, client_write_IV, server_write_IV.
 */
export function keyBlock(
  hash: PrfHash,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  keyLength: number,
  ivLength: number,
): KeyBlock {
  const b = prf(
    hash,
    master,
    "key expansion",
    concat(serverRandom, clientRandom),
    2 * (keyLength + ivLength),
  );
  let at = 0;
  const take = (n: number): Uint8Array => {
    const v = b.slice(at, at + n);
    at += n;
    return v;
  };
  return {
    clientWriteKey: take(keyLength),
    serverWriteKey: take(keyLength),
    clientWriteIv: take(ivLength),
    serverWriteIv: take(ivLength),
  };
}

/**
 * RFC 5246 §7.4.9: verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))
 * [0..verify_data_length-1]; finished_label is "client finished" or "server finished".
 */
export function finishedVerifyData(
  hash: PrfHash,
  master: Uint8Array,
  sender: "client" | "server",
  handshakeHash: Uint8Array,
): Uint8Array {
  return prf(hash, master, `${sender} finished`, handshakeHash, 12);
}

/**
 * RFC 5705 §4 keying material exporter:
 * PRF(SecurityParameters.master_secret, label, client_random + server_random [+ context_value_length +
 * context_value])[length]. Without a context, no length field is added (not the same as an empty context).
 */
export function exportKeyingMaterial(
  hash: PrfHash,
  master: Uint8Array,
  label: string,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  context: Uint8Array | undefined,
  length: number,
): Uint8Array {
  const seed =
    context === undefined
      ? concat(clientRandom, serverRandom)
      : concat(
          clientRandom,
          serverRandom,
          Uint8Array.of(context.length >> 8, context.length & 0xff),
          context,
        );
  return prf(hash, master, label, seed, length);
}

/**
 * What the RFC 5705 exporter needs once a DTLS 1.2 handshake is over: the PRF hash and, in one buffer,
 * client_random (32) || server_random (32) || master_secret (48).
 */
export class Tls12Exporter {
  readonly #secrets: Uint8Array;
  constructor(
    readonly hash: PrfHash,
    clientRandom: Uint8Array,
    serverRandom: Uint8Array,
    master: Uint8Array,
  ) {
    this.#secrets = concat(clientRandom, serverRandom, master);
  }

  export(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    const s = this.#secrets;
    return exportKeyingMaterial(
      this.hash,
      s.subarray(64),
      label,
      s.subarray(0, 32),
      s.subarray(32, 64),
      context,
      length,
    );
  }
}

import { type EcdheGroup, generateEcdheKeyPair } from "./ecdhe.js";
import { ML_KEM_768_CIPHERTEXT_LENGTH, ML_KEM_768_ENCAPSULATION_KEY_LENGTH, mlKem768 } from "./ml-kem.js";
import type { RandomSource } from "./random.js";

/**
 * TLS 1.3 key shares (RFC 8446 §4.2.8) for the groups Tern speaks in DTLS 1.3: x25519, secp256r1,
 * secp384r1 (ECDHE through ecdhe.ts) and the hybrid X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem §3):
 *
 * - client share: ML-KEM-768 encapsulation key (1184) || X25519 public key (32) = 1216 bytes;
 * - server share: ML-KEM-768 ciphertext (1088) || X25519 public key (32) = 1120 bytes;
 * - shared secret: ML-KEM shared secret (32) || X25519 shared secret (32) = 64 bytes.
 */
export type KeyExchangeGroup = EcdheGroup | "X25519MLKEM768";

export const KEY_EXCHANGE_GROUP_CODES: Readonly<Record<KeyExchangeGroup, number>> = {
  x25519: 29,
  secp256r1: 23,
  secp384r1: 24,
  X25519MLKEM768: 0x11ec,
};

export function keyExchangeGroupFromCode(code: number): KeyExchangeGroup | undefined {
  for (const [name, c] of Object.entries(KEY_EXCHANGE_GROUP_CODES)) {
    if (c === code) return name as KeyExchangeGroup;
  }
  return undefined;
}

/** A client's share and what completes it. */
export interface ClientKeyShare {
  readonly group: KeyExchangeGroup;
  readonly keyExchange: Uint8Array;
  /** The shared secret from the server's share, or undefined when that share is invalid. */
  complete(serverShare: Uint8Array): Uint8Array | undefined;
}

const X25519_LENGTH = 32;

export function clientKeyShare(group: KeyExchangeGroup, random: RandomSource): ClientKeyShare {
  if (group !== "X25519MLKEM768") {
    const pair = generateEcdheKeyPair(group, random);
    return { group, keyExchange: pair.publicKey, complete: (s) => pair.computeSharedSecret(s) };
  }
  const kem = mlKem768.keyPair(random(64));
  const ecdh = generateEcdheKeyPair("x25519", random);
  const keyExchange = new Uint8Array(ML_KEM_768_ENCAPSULATION_KEY_LENGTH + X25519_LENGTH);
  keyExchange.set(kem.encapsulationKey);
  keyExchange.set(ecdh.publicKey, ML_KEM_768_ENCAPSULATION_KEY_LENGTH);
  return {
    group,
    keyExchange,
    complete(serverShare) {
      if (serverShare.length !== ML_KEM_768_CIPHERTEXT_LENGTH + X25519_LENGTH) return undefined;
      const kemSecret = kem.decapsulate(serverShare.subarray(0, ML_KEM_768_CIPHERTEXT_LENGTH));
      const ecdhSecret = ecdh.computeSharedSecret(serverShare.subarray(ML_KEM_768_CIPHERTEXT_LENGTH));
      return kemSecret === undefined || ecdhSecret === undefined ? undefined : join(kemSecret, ecdhSecret);
    },
  };
}

/** The server's share and the shared secret for a client's share, or undefined when that share is invalid. */
export function serverKeyShare(
  group: KeyExchangeGroup,
  clientShare: Uint8Array,
  random: RandomSource,
): { readonly keyExchange: Uint8Array; readonly sharedSecret: Uint8Array } | undefined {
  if (group !== "X25519MLKEM768") {
    const pair = generateEcdheKeyPair(group, random);
    const sharedSecret = pair.computeSharedSecret(clientShare);
    return sharedSecret === undefined ? undefined : { keyExchange: pair.publicKey, sharedSecret };
  }
  if (clientShare.length !== ML_KEM_768_ENCAPSULATION_KEY_LENGTH + X25519_LENGTH) return undefined;
  const encapsulated = mlKem768.encapsulate(
    clientShare.subarray(0, ML_KEM_768_ENCAPSULATION_KEY_LENGTH),
    random(32),
  );
  const ecdh = generateEcdheKeyPair("x25519", random);
  const ecdhSecret = ecdh.computeSharedSecret(clientShare.subarray(ML_KEM_768_ENCAPSULATION_KEY_LENGTH));
  if (encapsulated === undefined || ecdhSecret === undefined) return undefined;
  return {
    keyExchange: join(encapsulated.ciphertext, ecdh.publicKey),
    sharedSecret: join(encapsulated.sharedSecret, ecdhSecret),
  };
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

import * as nodeCrypto from "node:crypto";
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";

/**
 * ML-KEM-768 (FIPS 203), the KEM half of X25519MLKEM768. Node's own (node:crypto `encapsulate` /
 * `decapsulate`, OpenSSL 3.5, Node ≥ 24.7) where the running Node has it, otherwise `@noble/post-quantum`
 * (audited, pure JS). Both derive a key pair from the same 64-byte seed d || z and agree byte for byte
 * (test/unit/ml-kem.test.ts crosses them). No KEM is written here.
 *
 * Randomness: the key pair comes from the injected seed. Node's `encapsulate` draws its 32-byte message
 * from OpenSSL's CSPRNG (it takes none), noble's from the injected one.
 */
export const ML_KEM_768_ENCAPSULATION_KEY_LENGTH = 1184;
export const ML_KEM_768_CIPHERTEXT_LENGTH = 1088;

export interface MlKemKeyPair {
  readonly encapsulationKey: Uint8Array;
  /** The 32-byte shared secret, or undefined when the ciphertext is malformed. */
  decapsulate(ciphertext: Uint8Array): Uint8Array | undefined;
}

export interface MlKem768 {
  readonly name: "node:crypto" | "@noble/post-quantum";
  keyPair(seed64: Uint8Array): MlKemKeyPair;
  /** Undefined when the encapsulation key is malformed (FIPS 203 §7.2 modulus check). */
  encapsulate(
    encapsulationKey: Uint8Array,
    message32: Uint8Array,
  ): { readonly ciphertext: Uint8Array; readonly sharedSecret: Uint8Array } | undefined;
}

/** The Node ≥ 24.7 functions, absent from Node 20's types. */
interface NodeKem {
  encapsulate(key: nodeCrypto.KeyObject): { sharedKey: Buffer; ciphertext: Buffer };
  decapsulate(key: nodeCrypto.KeyObject, ciphertext: Uint8Array): Buffer;
}

export const nobleMlKem768: MlKem768 = {
  name: "@noble/post-quantum",
  keyPair(seed) {
    const { publicKey, secretKey } = ml_kem768.keygen(seed);
    return {
      encapsulationKey: publicKey,
      decapsulate(ciphertext) {
        if (ciphertext.length !== ML_KEM_768_CIPHERTEXT_LENGTH) return undefined;
        try {
          return ml_kem768.decapsulate(ciphertext, secretKey);
        } catch {
          return undefined;
        }
      },
    };
  },
  encapsulate(encapsulationKey, message) {
    if (encapsulationKey.length !== ML_KEM_768_ENCAPSULATION_KEY_LENGTH) return undefined;
    try {
      const { cipherText, sharedSecret } = ml_kem768.encapsulate(encapsulationKey, message);
      return { ciphertext: cipherText, sharedSecret };
    } catch {
      return undefined;
    }
  },
};

function nodeMlKem768(kem: NodeKem): MlKem768 {
  const raw = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return {
    name: "node:crypto",
    keyPair(seed) {
      const privateKey = nodeCrypto.createPrivateKey({
        key: raw(seed),
        format: "raw-seed",
        asymmetricKeyType: "ml-kem-768",
      } as unknown as nodeCrypto.PrivateKeyInput);
      const exported = nodeCrypto
        .createPublicKey(privateKey)
        .export({ format: "raw-public" } as unknown as nodeCrypto.KeyExportOptions<"der">);
      return {
        encapsulationKey: new Uint8Array(exported),
        decapsulate(ciphertext) {
          if (ciphertext.length !== ML_KEM_768_CIPHERTEXT_LENGTH) return undefined;
          try {
            return new Uint8Array(kem.decapsulate(privateKey, ciphertext));
          } catch {
            return undefined;
          }
        },
      };
    },
    encapsulate(encapsulationKey) {
      if (encapsulationKey.length !== ML_KEM_768_ENCAPSULATION_KEY_LENGTH) return undefined;
      try {
        const key = nodeCrypto.createPublicKey({
          key: raw(encapsulationKey),
          format: "raw-public",
          asymmetricKeyType: "ml-kem-768",
        } as unknown as nodeCrypto.PublicKeyInput);
        const { sharedKey, ciphertext } = kem.encapsulate(key);
        return { ciphertext: new Uint8Array(ciphertext), sharedSecret: new Uint8Array(sharedKey) };
      } catch {
        return undefined;
      }
    },
  };
}

/** node:crypto's ML-KEM-768 when this Node has it (it is tried once), else undefined. */
export function detectNodeMlKem768(): MlKem768 | undefined {
  const kem = nodeCrypto as unknown as Partial<NodeKem>;
  if (typeof kem.encapsulate !== "function" || typeof kem.decapsulate !== "function") return undefined;
  try {
    const candidate = nodeMlKem768(kem as NodeKem);
    const pair = candidate.keyPair(new Uint8Array(64));
    const e = candidate.encapsulate(pair.encapsulationKey, new Uint8Array(32));
    const back = e === undefined ? undefined : pair.decapsulate(e.ciphertext);
    return back !== undefined && e !== undefined && Buffer.compare(back, e.sharedSecret) === 0
      ? candidate
      : undefined;
  } catch {
    return undefined;
  }
}

/** The ML-KEM-768 Tern uses in this process. */
export const mlKem768: MlKem768 = detectNodeMlKem768() ?? nobleMlKem768;

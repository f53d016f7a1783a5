/**
 * ML-KEM-768 and the X25519MLKEM768 hybrid (draft-ietf-tls-ecdhe-mlkem §3). node:crypto's ML-KEM is used
 * where the running Node has it (Node ≥ 24.7), @noble/post-quantum otherwise; where both exist they must
 * agree byte for byte (run this file under Node 24 too: `npx -p node@24 node node_modules/vitest/vitest.mjs
 * run packages/dtls-srtp/test/unit/ml-kem.test.ts`).
 */
import { describe, expect, it } from "vitest";
import { clientKeyShare, serverKeyShare } from "../../src/crypto/key-exchange.js";
import { detectNodeMlKem768, mlKem768, nobleMlKem768 } from "../../src/crypto/ml-kem.js";
import { SeededRandom } from "../sim/seeded-random.js";

const nodeKem = detectNodeMlKem768();
const majorNode = Number(process.versions.node.split(".")[0]);

describe("ML-KEM-768", () => {
  it("uses node:crypto where this Node has ML-KEM, @noble/post-quantum otherwise", () => {
    expect(mlKem768.name).toBe(nodeKem === undefined ? "@noble/post-quantum" : "node:crypto");
    if (majorNode >= 25 || (majorNode === 24 && Number(process.versions.node.split(".")[1]) >= 7))
      expect(nodeKem).toBeDefined();
  });

  const available = [nobleMlKem768, ...(nodeKem === undefined ? [] : [nodeKem])].map(
    (k) => [k.name, k] as const,
  );
  it.each(available)(
    "%s: encapsulation key 1184 bytes, ciphertext 1088, both sides share a 32-byte secret",
    (_, kem) => {
      const rng = new SeededRandom(9);
      const pair = kem.keyPair(rng.bytes(64));
      expect(pair.encapsulationKey.length).toBe(1184);
      const e = kem.encapsulate(pair.encapsulationKey, rng.bytes(32));
      expect(e?.ciphertext.length).toBe(1088);
      expect(e?.sharedSecret.length).toBe(32);
      expect(pair.decapsulate(e?.ciphertext ?? new Uint8Array(0))).toEqual(e?.sharedSecret);
      // A malformed encapsulation key or ciphertext is refused, never thrown.
      expect(kem.encapsulate(new Uint8Array(1183), rng.bytes(32))).toBeUndefined();
      expect(kem.encapsulate(new Uint8Array(1184).fill(0xff), rng.bytes(32))).toBeUndefined();
      expect(pair.decapsulate(new Uint8Array(10))).toBeUndefined();
    },
  );

  // Node 20 has no ML-KEM (this shows as skipped there); the Node 24 run covers it.
  it.skipIf(nodeKem === undefined)(
    "Node ≥ 24.7: node:crypto and @noble/post-quantum agree byte for byte",
    () => {
      if (nodeKem === undefined) throw new Error("unreachable");
      const rng = new SeededRandom(10);
      const seed = rng.bytes(64);
      const a = nodeKem.keyPair(seed);
      const b = nobleMlKem768.keyPair(seed);
      expect(a.encapsulationKey).toEqual(b.encapsulationKey);
      const toNode = nobleMlKem768.encapsulate(a.encapsulationKey, rng.bytes(32));
      expect(a.decapsulate(toNode?.ciphertext ?? new Uint8Array(0))).toEqual(toNode?.sharedSecret);
      const toNoble = nodeKem.encapsulate(b.encapsulationKey, rng.bytes(32));
      expect(b.decapsulate(toNoble?.ciphertext ?? new Uint8Array(0))).toEqual(toNoble?.sharedSecret);
    },
  );
});

describe("X25519MLKEM768 key shares", () => {
  it("client share ML-KEM key || X25519 (1216), server share ciphertext || X25519 (1120), 64-byte secret", () => {
    const rng = new SeededRandom(11);
    const client = clientKeyShare("X25519MLKEM768", rng.bytes);
    expect(client.keyExchange.length).toBe(1216);
    const server = serverKeyShare("X25519MLKEM768", client.keyExchange, rng.bytes);
    expect(server?.keyExchange.length).toBe(1120);
    expect(server?.sharedSecret.length).toBe(64);
    expect(client.complete(server?.keyExchange ?? new Uint8Array(0))).toEqual(server?.sharedSecret);
  });

  it("refuses malformed shares: wrong lengths, an all-zero (low-order) X25519 half", () => {
    const rng = new SeededRandom(12);
    const client = clientKeyShare("X25519MLKEM768", rng.bytes);
    expect(serverKeyShare("X25519MLKEM768", client.keyExchange.subarray(1), rng.bytes)).toBeUndefined();
    const zeroX = client.keyExchange.slice();
    zeroX.fill(0, 1184);
    expect(serverKeyShare("X25519MLKEM768", zeroX, rng.bytes)).toBeUndefined();
    expect(client.complete(new Uint8Array(1119))).toBeUndefined();
    const server = serverKeyShare("X25519MLKEM768", client.keyExchange, rng.bytes);
    const bad = (server?.keyExchange ?? new Uint8Array(1120)).slice();
    bad.fill(0, 1088);
    expect(client.complete(bad)).toBeUndefined();
  });
});

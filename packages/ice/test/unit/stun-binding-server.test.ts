import { describe, expect, it } from "vitest";
import { StunBindingServer } from "../../src/machine/stun-binding-server.js";
import { decodeStunMessage, encodeStunMessage, getAttribute } from "../../src/wire/stun-message.js";
import {
  type DecodedStunMessage,
  type StunAttribute,
  type StunClass,
  StunMethod,
} from "../../src/wire/stun-message-types.js";

const client = { address: "198.51.100.20", port: 40000 };
const client6 = { address: "2001:db8::20", port: 40001 };
const txid = Uint8Array.from({ length: 12 }, (_, i) => 0x10 + i);
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function msg(cls: StunClass, attributes: readonly StunAttribute[] = [], method: number = StunMethod.Binding) {
  return encodeStunMessage({ method, class: cls, transactionId: txid, attributes }, { fingerprint: true });
}

function answer(server: StunBindingServer, from = client): DecodedStunMessage {
  const t = server.pollTransmit();
  if (t === undefined) throw new Error("no response");
  expect(t.to).toEqual(from);
  expect(server.pollTransmit()).toBeUndefined();
  const d = decodeStunMessage(t.data);
  if (!d.ok) throw new Error(d.error.code);
  expect(getAttribute(d.value, "fingerprint")).toBeDefined();
  return d.value;
}

describe("StunBindingServer (RFC 8489 §6.3)", () => {
  it("answers a Binding request with XOR-MAPPED-ADDRESS, MAPPED-ADDRESS, SOFTWARE and FINGERPRINT", () => {
    const s = new StunBindingServer({ software: "test-server" });
    s.handleDatagram(0, client, msg("request"));
    const r = answer(s);
    expect(r.class).toBe("success");
    expect(r.method).toBe(StunMethod.Binding);
    expect(hex(r.transactionId)).toBe(hex(txid));
    expect(r.attributes.map((a) => a.type)).toEqual([
      "xor-mapped-address",
      "mapped-address",
      "software",
      "fingerprint",
    ]);
    expect(getAttribute(r, "xor-mapped-address")?.value).toEqual(client);
    expect(getAttribute(r, "mapped-address")?.value).toEqual(client);
    expect(getAttribute(r, "software")?.value).toBe("test-server");
    expect(s.counters["binding-success"]).toBe(1);
  });

  it("maps IPv6 sources and can leave out MAPPED-ADDRESS and SOFTWARE", () => {
    const s = new StunBindingServer({ software: "", mappedAddress: false });
    s.handleDatagram(0, client6, msg("request"));
    const r = answer(s, client6);
    expect(r.attributes.map((a) => a.type)).toEqual(["xor-mapped-address", "fingerprint"]);
    expect(getAttribute(r, "xor-mapped-address")?.value).toEqual(client6);
  });

  it("answers 420 listing the unknown comprehension-required attributes (not the optional ones)", () => {
    const s = new StunBindingServer();
    s.handleDatagram(
      0,
      client,
      msg("request", [
        { type: "unknown", code: 0x7001, raw: Uint8Array.of(1) },
        { type: "unknown", code: 0xc001, raw: Uint8Array.of(1) },
        { type: "unknown", code: 0x0040, raw: new Uint8Array(0) },
      ]),
    );
    const r = answer(s);
    expect(r.class).toBe("error");
    expect(getAttribute(r, "error-code")?.code).toBe(420);
    expect(getAttribute(r, "unknown-attributes")?.value).toEqual([0x7001, 0x0040]);
    expect(s.counters["error-420"]).toBe(1);
  });

  it("answers 400 to a request with a malformed attribute, keeping its transaction id", () => {
    const s = new StunBindingServer();
    // PRIORITY with a 3-byte value: frames as STUN, does not decode.
    const bad = Uint8Array.from(Buffer.from(`000100082112a442${hex(txid)}0024000301020300`, "hex"));
    s.handleDatagram(0, client, bad);
    const r = answer(s);
    expect(r.class).toBe("error");
    expect(hex(r.transactionId)).toBe(hex(txid));
    expect(getAttribute(r, "error-code")).toEqual({ type: "error-code", code: 400, reason: "Bad Request" });
    expect(s.counters["error-400"]).toBe(1);
  });

  it("answers 400 to a request of another method", () => {
    const s = new StunBindingServer();
    s.handleDatagram(0, client, msg("request", [], StunMethod.Allocate));
    const r = answer(s);
    expect([r.method, r.class, getAttribute(r, "error-code")?.code]).toEqual([
      StunMethod.Allocate,
      "error",
      400,
    ]);
  });

  it("drops and counts indications, responses, garbage and bad fingerprints without answering", () => {
    const s = new StunBindingServer();
    s.handleDatagram(0, client, msg("indication"));
    s.handleDatagram(0, client, msg("success"));
    s.handleDatagram(0, client, msg("error", [{ type: "error-code", code: 400, reason: "x" }]));
    s.handleDatagram(0, client, Uint8Array.of(1, 2, 3));
    s.handleDatagram(
      0,
      client,
      Uint8Array.from({ length: 40 }, () => 0x80),
    );
    const cookieless = msg("request");
    cookieless[4] = 0;
    s.handleDatagram(0, client, cookieless);
    const badFp = msg("request");
    badFp[badFp.length - 1] = (badFp[badFp.length - 1] ?? 0) ^ 1;
    s.handleDatagram(0, client, badFp);
    const malformedResponse = Uint8Array.from(
      Buffer.from(`010100082112a442${hex(txid)}0024000301020300`, "hex"),
    );
    s.handleDatagram(0, client, malformedResponse);
    s.handleDatagram(0, client, Uint8Array.of(...msg("request"), 0, 0, 0, 0));
    expect(s.pollTransmit()).toBeUndefined();
    expect(s.counters).toMatchObject({
      "drop-indication": 1,
      "drop-response": 2,
      "drop-too-short": 1,
      "drop-not-stun": 1,
      "drop-bad-cookie": 1,
      "drop-fingerprint-mismatch": 1,
      "drop-malformed": 1,
      "drop-bad-length": 1,
      "binding-success": 0,
    });
  });

  it("bounds the queue of unpolled responses", () => {
    const s = new StunBindingServer({ maxQueuedTransmits: 2 });
    for (let i = 0; i < 3; i++) s.handleDatagram(0, client, msg("request"));
    expect(s.counters["drop-queue-full"]).toBe(1);
    expect(s.pollTransmit()).toBeDefined();
    expect(s.pollTransmit()).toBeDefined();
    expect(s.pollTransmit()).toBeUndefined();
  });

  it("is no reflector: replies to one source are limited to 10/s (bursts of 20), drops counted", () => {
    const s = new StunBindingServer();
    const victim = { address: "203.0.113.66", port: 53 };
    let bytesIn = 0;
    let bytesOut = 0;
    // one second of a 10,000/s flood of 20-byte requests forging the victim's address
    for (let i = 0; i < 10_000; i++) {
      const req = encodeStunMessage({
        method: StunMethod.Binding,
        class: "request",
        transactionId: txid,
        attributes: [],
      });
      bytesIn += req.length;
      s.handleDatagram(i / 10, { ...victim, port: 1 + (i % 60_000) }, req);
      for (let t = s.pollTransmit(); t; t = s.pollTransmit()) bytesOut += t.data.length;
    }
    expect(s.counters["binding-success"] + s.counters["drop-rate-limited"]).toBe(10_000);
    expect(s.counters["drop-rate-limited"]).toBeGreaterThan(9_900);
    expect(10_000 - s.counters["drop-rate-limited"]).toBeLessThanOrEqual(20 + 10);
    expect(bytesOut).toBeLessThan(bytesIn / 50);
    // another client is still served
    s.handleDatagram(1000, client, msg("request"));
    expect(answer(s).class).toBe("success");
  });

  it("caps replies in all, whatever the sources: 5000/s by default", () => {
    const s = new StunBindingServer({ maxRepliesPerSecond: 100 });
    let replies = 0;
    for (let i = 0; i < 1000; i++) {
      s.handleDatagram(i, { address: `10.${(i >> 8) & 255}.${i & 255}.1`, port: 4000 }, msg("request"));
      for (let t = s.pollTransmit(); t; t = s.pollTransmit()) replies++;
    }
    // one second: a burst of 100 and 100 more refilled
    expect(replies).toBeLessThanOrEqual(201);
    expect(replies).toBeGreaterThanOrEqual(199);
    expect(s.counters["drop-rate-limited"]).toBe(1000 - replies);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ClientMessage,
  clientMessageSchema,
  decodeClientMessage,
  decodeClientText,
  decodeServerMessage,
  encodeClientMessage,
} from "../../src/index.js";

const room = fc.string({ minLength: 1, maxLength: 20 });
const peer = fc.string({ minLength: 1, maxLength: 20 });
const clientMessage: fc.Arbitrary<ClientMessage> = fc.oneof(
  fc.record({ type: fc.constant("join" as const), room, name: fc.option(fc.string(), { nil: undefined }) }),
  fc.record({ type: fc.constant("leave" as const), room }),
  fc.record({ type: fc.constantFrom("offer" as const, "answer" as const), room, to: peer, sdp: fc.string() }),
  fc.record({
    type: fc.constant("candidate" as const),
    room,
    to: peer,
    candidate: fc.option(
      fc.record({
        candidate: fc.string({ minLength: 1 }),
        sdpMid: fc.string({ maxLength: 8 }),
        sdpMLineIndex: fc.nat(0xffff),
      }),
      { nil: null },
    ),
  }),
  fc.record({ type: fc.constant("end-of-candidates" as const), room, to: peer }),
  fc.record({ type: fc.constant("bye" as const), room, to: peer }),
);

/** Removes keys whose value is undefined (JSON drops them). */
function jsonShape(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

describe("codec properties", () => {
  it("decoding arbitrary bytes never throws", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.boolean(), (bytes, binary) => {
        const d = decodeClientMessage(bytes, binary, 128);
        expect(typeof d.ok).toBe("boolean");
      }),
    );
  });

  it("decoding arbitrary JSON never throws, and what decodes satisfies the schema", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          clientMessage.map((m) => JSON.stringify(m)),
        ),
        (text) => {
          const d = decodeClientText(text);
          if (d.ok) expect(clientMessageSchema.safeParse(d.value).success).toBe(true);
          expect(() => decodeServerMessage(text)).not.toThrow();
        },
      ),
    );
  });

  it("every valid client message round-trips through encode and decode", () => {
    fc.assert(
      fc.property(clientMessage, (m) => {
        const bytes = new TextEncoder().encode(encodeClientMessage(m));
        const d = decodeClientMessage(bytes, false, 1 << 20);
        expect(d.ok).toBe(true);
        if (d.ok) expect(jsonShape(d.value)).toEqual(jsonShape(m));
      }),
    );
  });

  it("corrupting a valid message by one field type is rejected as invalid-message, naming the type", () => {
    fc.assert(
      fc.property(clientMessage, fc.constantFrom(42, true, [], {}), (m, bad) => {
        const fields = Object.keys(m).filter((k) => k !== "type" && k !== "candidate" && k !== "name");
        const key = fields[0];
        if (key === undefined) return;
        const d = decodeClientText(JSON.stringify({ ...m, [key]: bad }));
        expect(d.ok).toBe(false);
        if (!d.ok) expect(d.error).toMatchObject({ code: "invalid-message", offendingType: m.type });
      }),
    );
  });
});

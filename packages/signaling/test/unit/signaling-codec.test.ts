import { describe, expect, it } from "vitest";
import {
  decodeClientMessage,
  decodeClientText,
  decodeServerMessage,
  SIGNALING_ERROR_CODES,
  serverMessageSchema,
} from "../../src/index.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("decodeClientMessage", () => {
  it("checks size before anything else, then binary, UTF-8, JSON, object, type, schema", () => {
    const code = (bytes: Uint8Array, binary = false, max = 100): string | undefined => {
      const d = decodeClientMessage(bytes, binary, max);
      return d.ok ? undefined : d.error.code;
    };
    expect(code(new Uint8Array(101).fill(0xff), true)).toBe("message-too-large");
    expect(code(enc('{"type":"join","room":"r"}'), true)).toBe("binary-frame");
    expect(code(Uint8Array.of(0x22, 0xc3, 0x28, 0x22))).toBe("malformed-json");
    expect(code(enc("{"))).toBe("malformed-json");
    expect(code(enc("null"))).toBe("invalid-message");
    expect(code(enc('{"type":7}'))).toBe("invalid-message");
    expect(code(enc('{"type":"nope"}'))).toBe("unknown-type");
    expect(code(enc('{"type":"join"}'))).toBe("invalid-message");
    expect(code(enc('{"type":"join","room":"r"}'))).toBeUndefined();
  });

  it("keeps the id and type of a rejected message, cut to bounds", () => {
    const long = "t".repeat(300);
    const d = decodeClientText(JSON.stringify({ type: long, id: "abc" }));
    expect(d).toEqual({
      ok: false,
      error: {
        code: "unknown-type",
        message: `unknown message type "${"t".repeat(64)}"`,
        offendingType: "t".repeat(64),
        id: "abc",
      },
    });
    const e = decodeClientText(JSON.stringify({ type: "leave", id: "x".repeat(65) }));
    expect(e.ok ? undefined : e.error.id).toBeUndefined();
  });

  it("drops fields it does not know (they are never relayed)", () => {
    const d = decodeClientText(JSON.stringify({ type: "bye", room: "r", to: "p", evil: { x: 1 } }));
    expect(d).toEqual({ ok: true, value: { type: "bye", room: "r", to: "p" } });
  });

  it("accepts the W3C end-of-candidates forms: null and an empty candidate without mid/index", () => {
    expect(
      decodeClientText(JSON.stringify({ type: "candidate", room: "r", to: "p", candidate: null })).ok,
    ).toBe(true);
    expect(
      decodeClientText(
        JSON.stringify({ type: "candidate", room: "r", to: "p", candidate: { candidate: "" } }),
      ).ok,
    ).toBe(true);
  });
});

describe("decodeServerMessage", () => {
  it("accepts what the server sends and refuses the rest", () => {
    expect(decodeServerMessage('{"type":"left","room":"r"}').ok).toBe(true);
    expect(decodeServerMessage('{"type":"error","code":"made-up","message":"x"}').ok).toBe(false);
    expect(decodeServerMessage('{"type":"peer-left","room":"r","peerId":"p","reason":"bored"}').ok).toBe(
      false,
    );
    expect(decodeServerMessage("{").ok).toBe(false);
  });

  it("its error-code enum is the registry", () => {
    for (const code of SIGNALING_ERROR_CODES) {
      expect(serverMessageSchema.safeParse({ type: "error", code, message: "" }).success, code).toBe(true);
    }
  });
});

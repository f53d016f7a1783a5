/**
 * The JSON shape bound: text that nests or spreads past it is refused by a linear scan before JSON.parse
 * runs (issue 18: a 30,000-deep array cost 8.9 ms to parse, 3,000 keys 1.35 ms).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeClientMessage, decodeServerMessage } from "../../src/index.js";
import { checkJsonShape } from "../../src/wire/json-shape.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const deepArray = `${"[".repeat(30_000)}${"]".repeat(30_000)}`;
const wideObject = `{${Array.from({ length: 3000 }, (_, i) => `"k${i}":0`).join(",")}}`;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("checkJsonShape", () => {
  it("counts depth and members outside strings only", () => {
    const bounds = { maxDepth: 2, maxMembers: 3 };
    expect(checkJsonShape('{"a":[1]}', bounds).ok).toBe(true);
    expect(checkJsonShape('{"a":[[1]]}', bounds)).toEqual({ ok: false, reason: "too-deep", at: 6 });
    expect(checkJsonShape('{"a":1,"b":2,"c":3}', bounds)).toMatchObject({
      ok: false,
      reason: "too-many-members",
    });
    // Brackets, colons, commas and escaped quotes inside strings are not structure.
    expect(checkJsonShape('{"a":"[[[[,,,:::\\"]]]"}', bounds).ok).toBe(true);
    expect(checkJsonShape('{"\\\\":"[[["}', bounds).ok).toBe(true);
  });
});

describe("decodeClientMessage", () => {
  it("refuses a 30,000-deep array and a 3,000-key object without calling JSON.parse", () => {
    const parse = vi.spyOn(JSON, "parse");
    expect(deepArray.length).toBeLessThan(64 * 1024);
    const deep = decodeClientMessage(enc(deepArray), false, 64 * 1024);
    expect(deep).toEqual({
      ok: false,
      error: { code: "invalid-message", message: "message: JSON nested deeper than 4 levels" },
    });
    const wide = decodeClientMessage(enc(wideObject), false, 64 * 1024);
    expect(wide).toEqual({
      ok: false,
      error: { code: "invalid-message", message: "message: more than 64 JSON members" },
    });
    expect(parse).not.toHaveBeenCalled();
    // Real messages pass: the deepest and widest the protocol has.
    const candidate = {
      type: "candidate",
      id: "c1",
      room: "r",
      to: "p",
      candidate: { candidate: "candidate:1 1 udp 1 1.2.3.4 5 typ host", sdpMid: "0", sdpMLineIndex: 0 },
    };
    expect(decodeClientMessage(enc(JSON.stringify(candidate)), false, 64 * 1024).ok).toBe(true);
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it("a client refuses a deep server message before parsing it too", () => {
    const parse = vi.spyOn(JSON, "parse");
    expect(decodeServerMessage(deepArray)).toMatchObject({ ok: false, error: { code: "invalid-message" } });
    expect(parse).not.toHaveBeenCalled();
  });
});

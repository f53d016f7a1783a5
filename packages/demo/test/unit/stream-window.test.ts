import { SCHEMA_BOUNDS } from "@tern/signaling";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeStreamWindow, encodeStreamWindow } from "../../src/media/stream-window.js";

describe("stream window (the bye reason)", () => {
  it("round-trips and fits a signaling bye reason", () => {
    const w = { video: { frames: 1e7, rtpBase: 0xffff_ffff }, audio: { frames: 0, rtpBase: 0 } };
    const text = encodeStreamWindow(w);
    expect(text.length).toBeLessThanOrEqual(SCHEMA_BOUNDS.reasonChars);
    expect(decodeStreamWindow(text)).toEqual({ ok: true, value: w });
  });

  it("rejects what is not a window", () => {
    expect(decodeStreamWindow("intact")).toMatchObject({ ok: false, error: { code: "not-json" } });
    expect(decodeStreamWindow("window {")).toMatchObject({ ok: false, error: { code: "not-json" } });
    expect(decodeStreamWindow('window {"v":[1,2]}')).toMatchObject({
      ok: false,
      error: { code: "bad-shape" },
    });
    expect(decodeStreamWindow('window {"v":[1.5,2],"a":[1,2]}').ok).toBe(false);
    expect(decodeStreamWindow('window {"v":[1,-2],"a":[1,2]}').ok).toBe(false);
    expect(decodeStreamWindow('window {"v":[1,4294967296],"a":[1,2]}').ok).toBe(false);
    expect(decodeStreamWindow("window null").ok).toBe(false);
  });

  it("never throws on any text, and what decodes re-encodes to an equal window", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json().map((j) => `window ${j}`),
        ),
        (text) => {
          const d = decodeStreamWindow(text);
          if (d.ok) expect(decodeStreamWindow(encodeStreamWindow(d.value))).toEqual(d);
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.record({
          video: fc.record({ frames: fc.nat(1e7), rtpBase: fc.nat(0xffff_ffff) }),
          audio: fc.record({ frames: fc.nat(1e7), rtpBase: fc.nat(0xffff_ffff) }),
        }),
        (w) => {
          expect(decodeStreamWindow(encodeStreamWindow(w))).toEqual({ ok: true, value: w });
        },
      ),
    );
  });
});

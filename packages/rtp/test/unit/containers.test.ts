import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  decodeIvf,
  decodeOggOpus,
  decodeOggPage,
  decodeOpusHead,
  decodeOpusTags,
  encodeIvf,
  encodeOggPage,
  encodeOpusHead,
  encodeOpusTags,
  oggCrc32,
} from "../../src/index.js";

const vector = (name: string) => new Uint8Array(readFileSync(new URL(`../vectors/${name}`, import.meta.url)));

describe("Ogg pages (RFC 3533 §6)", () => {
  it("uses the non-reflected CRC-32 with polynomial 0x04c11db7, init 0, no final XOR", () => {
    // CRC-32/POSIX (reveng catalogue: same polynomial, init 0) has check 0x765e7680 with final XOR
    // 0xffffffff; without it the check value of "123456789" is 0x89a1897f.
    expect(oggCrc32(new TextEncoder().encode("123456789"))).toBe(0x89a1897f);
    expect(oggCrc32(new Uint8Array(0))).toBe(0);
  });

  it("checks the CRC of every page FFmpeg wrote, and re-encodes each page byte for byte", () => {
    const b = vector("clip.ogg");
    let off = 0;
    let pages = 0;
    while (off < b.length) {
      const r = decodeOggPage(b, off);
      if (!r.ok) throw new Error(`${r.error.code} at ${r.error.at}`);
      expect(encodeOggPage(r.value.page)).toEqual(b.subarray(off, r.value.next));
      off = r.value.next;
      pages++;
    }
    expect(pages).toBe(4);
  });

  it("refuses a page whose CRC does not match", () => {
    const b = vector("clip.ogg").slice();
    b[30] = (b[30] as number) ^ 1;
    expect(decodeOggPage(b, 0)).toEqual({ ok: false, error: { code: "bad-crc", at: 22 } });
  });
});

describe("Ogg Opus (RFC 7845)", () => {
  it("reads OpusHead, OpusTags and the 20 ms packets with their granule positions", () => {
    const r = decodeOggOpus(vector("clip.ogg"));
    if (!r.ok) throw new Error(r.error.code);
    const s = r.value;
    expect(s.head).toEqual({
      version: 1,
      channelCount: 1,
      preSkip: 312,
      inputSampleRate: 48000,
      outputGain: 0,
      mappingFamily: 0,
    });
    expect(s.tags.vendor).toMatch(/^Lavf/);
    expect(s.frames).toHaveLength(51);
    expect(s.frames.map((f) => f.timestamp).slice(0, 3)).toEqual([0, 960, 1920]);
    expect(s.frames.every((f) => f.durationSamples === 960)).toBe(true);
    expect(s.finalGranulePosition).toBe(48312); // 1 s plus the 312-sample pre-skip, end trimmed
  });

  it("encodes OpusHead and OpusTags as it decodes them", () => {
    const head = {
      version: 1,
      channelCount: 2,
      preSkip: 3840,
      inputSampleRate: 44100,
      outputGain: -256,
      mappingFamily: 0,
    };
    const h = decodeOpusHead(encodeOpusHead(head));
    expect(h.ok && h.value).toEqual(head);
    const tags = { vendor: "tern", comments: ["TITLE=ä", "ARTIST=x"] };
    const t = decodeOpusTags(encodeOpusTags(tags));
    expect(t.ok && t.value).toEqual(tags);
    expect(decodeOpusTags(new Uint8Array([...encodeOpusTags(tags).subarray(0, 20)])).ok).toBe(false);
  });
});

describe("IVF", () => {
  it("reads the header and the 15 VP8 frames FFmpeg wrote, first a key frame", () => {
    const r = decodeIvf(vector("clip.ivf"));
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value.header).toEqual({
      fourcc: "VP80",
      width: 160,
      height: 120,
      timebaseDenominator: 15,
      timebaseNumerator: 1,
      frameCount: 15,
    });
    expect(r.value.frames.map((f) => f.timestamp)).toEqual([...Array(15).keys()]);
    expect((r.value.frames[0]?.data[0] as number) & 1).toBe(0); // VP8 key frame: P bit 0 (RFC 6386 §9.1)
    expect(encodeIvf(r.value)).toEqual(vector("clip.ivf"));
  });

  it("refuses a frame that claims more octets than the file has", () => {
    const b = vector("clip.ivf").slice(0, 100);
    expect(decodeIvf(b)).toEqual({ ok: false, error: { code: "frame-truncated", at: 32 } });
  });
});

import { opusPacketDurationSamples } from "../payload/opus.js";
import { type Decoded, decodeFail, decodeOk, UsageError } from "../wire/decoded.js";
import { concat } from "../wire/network-order.js";
import { decodeOggPage, OggPageWriter } from "./ogg-page.js";

/**
 * The identification header, RFC 7845 §5.1 (little-endian):
 *
 * ```
 * | 'O' 'p' 'u' 's' 'H' 'e' 'a' 'd' | version | channel count | pre-skip (16) |
 * | input sample rate (32) | output gain (16, Q7.8 dB) | mapping family |
 * | [stream count | coupled count | channel mapping × channel count]  (family ≠ 0)
 * ```
 */
export interface OpusHead {
  readonly version: number;
  readonly channelCount: number;
  /** samples (48 kHz) to discard from the decoder output at the start */
  readonly preSkip: number;
  readonly inputSampleRate: number;
  readonly outputGain: number;
  readonly mappingFamily: number;
  /** for mapping family ≠ 0 */
  readonly streamCount?: number;
  readonly coupledCount?: number;
  readonly channelMapping?: Uint8Array;
}

/** The comment header, RFC 7845 §5.2 (vendor string and user comments, UTF-8, Vorbis-comment style). */
export interface OpusTags {
  readonly vendor: string;
  readonly comments: readonly string[];
}

export interface OggOpusFrame {
  /** one Opus packet */
  readonly data: Uint8Array;
  /** granule position (48 kHz samples, pre-skip included) where the packet starts */
  readonly timestamp: number;
  readonly durationSamples: number;
}

export interface OggOpusStream {
  readonly serial: number;
  readonly head: OpusHead;
  readonly tags: OpusTags;
  readonly frames: readonly OggOpusFrame[];
  /** the last page's granule position: where decoded audio ends (end trimming, RFC 7845 §4.4) */
  readonly finalGranulePosition: number;
}

export type OggOpusErrorCode =
  | "no-pages"
  | "bad-opus-head"
  | "bad-opus-tags"
  | "bad-continuation"
  | "page-sequence-gap"
  | "bad-opus-packet"
  | "bad-granule";

const utf8Decoder = new TextDecoder("utf-8");
const utf8Encoder = new TextEncoder();
const OPUS_HEAD = [0x4f, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64];
const OPUS_TAGS = [0x4f, 0x70, 0x75, 0x73, 0x54, 0x61, 0x67, 0x73];

function startsWith(b: Uint8Array, magic: readonly number[]): boolean {
  return b.length >= magic.length && magic.every((m, i) => b[i] === m);
}
function u16le(b: Uint8Array, i: number): number {
  return (b[i] as number) | ((b[i + 1] as number) << 8);
}
function u32le(b: Uint8Array, i: number): number {
  return (
    ((b[i] as number) |
      ((b[i + 1] as number) << 8) |
      ((b[i + 2] as number) << 16) |
      ((b[i + 3] as number) << 24)) >>>
    0
  );
}

export function decodeOpusHead(b: Uint8Array): Decoded<OpusHead, OggOpusErrorCode> {
  // §5.1: version's major nibble must be 0; family 0 means at most 2 channels and no mapping table.
  if (b.length < 19 || !startsWith(b, OPUS_HEAD) || (b[8] as number) >> 4 !== 0)
    return decodeFail("bad-opus-head", 0);
  const channelCount = b[9] as number;
  const mappingFamily = b[18] as number;
  const base = {
    version: b[8] as number,
    channelCount,
    preSkip: u16le(b, 10),
    inputSampleRate: u32le(b, 12),
    outputGain: (u16le(b, 16) << 16) >> 16,
    mappingFamily,
  };
  if (channelCount === 0) return decodeFail("bad-opus-head", 9);
  if (mappingFamily === 0) return channelCount <= 2 ? decodeOk(base) : decodeFail("bad-opus-head", 9);
  if (b.length < 21 + channelCount) return decodeFail("bad-opus-head", 19);
  return decodeOk({
    ...base,
    streamCount: b[19] as number,
    coupledCount: b[20] as number,
    channelMapping: new Uint8Array(b.subarray(21, 21 + channelCount)),
  });
}

export function encodeOpusHead(h: OpusHead): Uint8Array {
  const family = h.mappingFamily !== 0;
  const out = new Uint8Array(19 + (family ? 2 + h.channelCount : 0));
  out.set(OPUS_HEAD);
  out[8] = h.version;
  out[9] = h.channelCount;
  out[10] = h.preSkip & 0xff;
  out[11] = (h.preSkip >> 8) & 0xff;
  for (let i = 0; i < 4; i++) out[12 + i] = (h.inputSampleRate >>> (8 * i)) & 0xff;
  out[16] = h.outputGain & 0xff;
  out[17] = (h.outputGain >> 8) & 0xff;
  out[18] = h.mappingFamily;
  if (family) {
    if (!h.channelMapping || h.channelMapping.length !== h.channelCount)
      throw new UsageError("channel mapping needed");
    out[19] = h.streamCount ?? 0;
    out[20] = h.coupledCount ?? 0;
    out.set(h.channelMapping, 21);
  }
  return out;
}

export function decodeOpusTags(b: Uint8Array): Decoded<OpusTags, OggOpusErrorCode> {
  if (b.length < 16 || !startsWith(b, OPUS_TAGS)) return decodeFail("bad-opus-tags", 0);
  const vlen = u32le(b, 8);
  if (12 + vlen + 4 > b.length) return decodeFail("bad-opus-tags", 8);
  const vendor = utf8Decoder.decode(b.subarray(12, 12 + vlen));
  let off = 12 + vlen;
  const count = u32le(b, off);
  off += 4;
  // Each comment takes at least its 4-octet length: bound the count by what the packet can hold.
  if (count > (b.length - off) / 4) return decodeFail("bad-opus-tags", off - 4);
  const comments: string[] = [];
  for (let i = 0; i < count; i++) {
    if (off + 4 > b.length) return decodeFail("bad-opus-tags", off);
    const len = u32le(b, off);
    if (off + 4 + len > b.length) return decodeFail("bad-opus-tags", off);
    comments.push(utf8Decoder.decode(b.subarray(off + 4, off + 4 + len)));
    off += 4 + len;
  }
  return decodeOk({ vendor, comments });
}

export function encodeOpusTags(t: OpusTags): Uint8Array {
  const vendor = utf8Encoder.encode(t.vendor);
  const comments = t.comments.map((c) => utf8Encoder.encode(c));
  const out = new Uint8Array(16 + vendor.length + comments.reduce((n, c) => n + 4 + c.length, 0));
  const dv = new DataView(out.buffer);
  out.set(OPUS_TAGS);
  dv.setUint32(8, vendor.length, true);
  out.set(vendor, 12);
  let off = 12 + vendor.length;
  dv.setUint32(off, comments.length, true);
  off += 4;
  for (const c of comments) {
    dv.setUint32(off, c.length, true);
    out.set(c, off + 4);
    off += 4 + c.length;
  }
  return out;
}

/**
 * An Ogg Opus file, RFC 7845: the first logical stream's pages (CRC-checked, in sequence), its packets
 * reassembled across pages, OpusHead (§5.1) and OpusTags (§5.2), then the audio packets with their
 * position: the first audio page's granule position minus the durations of the packets that end on it
 * gives the start (§4.5), and each packet's duration comes from its TOC (RFC 6716 §3.1).
 */
export function decodeOggOpus(b: Uint8Array): Decoded<OggOpusStream, string> {
  const packets: { data: Uint8Array; page: number; granule: number }[] = [];
  const pageGranules: number[] = [];
  let serial: number | undefined;
  let partial: Uint8Array[] | undefined;
  let expectedSequence = 0;
  let off = 0;
  while (off < b.length) {
    const r = decodeOggPage(b, off);
    if (!r.ok) return r;
    const { page, next } = r.value;
    const at = off;
    off = next;
    if (serial === undefined) serial = page.serial;
    if (page.serial !== serial) continue; // another multiplexed logical stream
    if (page.sequence !== expectedSequence) return decodeFail("page-sequence-gap", at + 18);
    expectedSequence++;
    if (page.continued !== (partial !== undefined)) return decodeFail("bad-continuation", at + 5);
    const pageIndex = pageGranules.length;
    pageGranules.push(page.granulePosition);
    let dataOff = 0;
    for (const lace of page.segments) {
      if (partial === undefined) partial = [];
      partial.push(page.data.subarray(dataOff, dataOff + lace));
      dataOff += lace;
      if (lace < 255) {
        packets.push({ data: concat(partial), page: pageIndex, granule: page.granulePosition });
        partial = undefined;
      }
    }
  }
  if (serial === undefined || packets.length < 2) return decodeFail("no-pages", 0);
  const head = decodeOpusHead((packets[0] as { data: Uint8Array }).data);
  if (!head.ok) return head;
  const tags = decodeOpusTags((packets[1] as { data: Uint8Array }).data);
  if (!tags.ok) return tags;
  const audio = packets.slice(2);
  const durations: number[] = [];
  for (const p of audio) {
    const d = opusPacketDurationSamples(p.data);
    if (!d.ok) return decodeFail("bad-opus-packet", d.error.at);
    durations.push(d.value);
  }
  let start = 0;
  const first = audio[0];
  if (first) {
    let onFirstPage = 0;
    for (let i = 0; i < audio.length && (audio[i] as { page: number }).page === first.page; i++) {
      onFirstPage += durations[i] as number;
    }
    start = first.granule - onFirstPage;
    // A negative start is only legal on a last page that also trims (§4.5); treat it as 0 there.
    if (start < 0) {
      if (first.page !== pageGranules.length - 1) return decodeFail("bad-granule", 0);
      start = 0;
    }
  }
  const frames: OggOpusFrame[] = [];
  let t = start;
  audio.forEach((p, i) => {
    const d = durations[i] as number;
    frames.push({ data: p.data, timestamp: t, durationSamples: d });
    t += d;
  });
  const lastGranule = audio.length > 0 ? (audio[audio.length - 1] as { granule: number }).granule : 0;
  return decodeOk({ serial, head: head.value, tags: tags.value, frames, finalGranulePosition: lastGranule });
}

export interface OggOpusWriteOptions {
  readonly serial: number;
  readonly head: OpusHead;
  readonly tags: OpusTags;
  /** Opus packets in order, each with its duration (or derived from its TOC) */
  readonly frames: readonly { readonly data: Uint8Array; readonly durationSamples?: number }[];
  /** the granule position where the stream starts (default 0) */
  readonly startGranulePosition?: number;
  /** set the last page's granule position lower to trim the end (RFC 7845 §4.4) */
  readonly finalGranulePosition?: number;
  /** close an audio page once it holds this much audio (default 48000 = 1 s) */
  readonly maxPageDurationSamples?: number;
}

/**
 * Writes an Ogg Opus file (RFC 7845 §3): OpusHead alone on the first page (beginning of stream),
 * OpusTags ending its own page, then audio pages whose granule position is the end of their last
 * completed packet; the last page is marked end of stream.
 */
export function encodeOggOpus(o: OggOpusWriteOptions): Uint8Array {
  const w = new OggPageWriter(o.serial);
  const pages: Uint8Array[] = [];
  pages.push(...w.writePacket(encodeOpusHead(o.head), 0, { flush: true }));
  pages.push(
    ...w.writePacket(encodeOpusTags(o.tags), 0, {
      flush: o.frames.length > 0,
      endOfStream: o.frames.length === 0,
    }),
  );
  const maxPage = o.maxPageDurationSamples ?? 48_000;
  let granule = o.startGranulePosition ?? 0;
  let onPage = 0;
  o.frames.forEach((f, i) => {
    let d = f.durationSamples;
    if (d === undefined) {
      const r = opusPacketDurationSamples(f.data);
      if (!r.ok) throw new UsageError(`frame ${i} is not a valid Opus packet (${r.error.code})`);
      d = r.value;
    }
    granule += d;
    onPage += d;
    const last = i === o.frames.length - 1;
    const g = last && o.finalGranulePosition !== undefined ? o.finalGranulePosition : granule;
    pages.push(...w.writePacket(f.data, g, { flush: onPage >= maxPage, endOfStream: last }));
    if (onPage >= maxPage) onPage = 0;
  });
  return concat(pages);
}

import { type Decoded, decodeFail, decodeOk, UsageError } from "../wire/decoded.js";
import { canStartAccessUnit, joinAnnexB, NalUnitType, nalUnitType, splitAnnexB } from "./h264-nal.js";
import { balancedChunks, type DepacketizedFrame, type PayloadFormat } from "./payload-format.js";

/**
 * STAP-A, RFC 6184 §5.7.1 (Figure 7): a one-octet header (F|NRI|24) then NAL units each preceded by
 * a 16-bit size.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          RTP Header                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |STAP-A NAL HDR |         NALU 1 Size           | NALU 1 HDR    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         NALU 1 Data                           |
 * :                                                               :
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               | NALU 2 Size                   | NALU 2 HDR    |
 * ```
 *
 * FU-A, RFC 6184 §5.8 (Figure 14): FU indicator (F|NRI|28), FU header (S|E|R|Type), fragment.
 */
export function buildStapA(nals: readonly Uint8Array[]): Uint8Array {
  let len = 1;
  let f = 0;
  let nri = 0;
  for (const n of nals) {
    if (n.length === 0 || n.length > 0xffff) throw new UsageError("STAP-A NAL units are 1–65535 octets");
    len += 2 + n.length;
    const h = n[0] as number;
    f |= h & 0x80;
    nri = Math.max(nri, h & 0x60);
  }
  const out = new Uint8Array(len);
  out[0] = f | nri | NalUnitType.StapA;
  let off = 1;
  for (const n of nals) {
    out[off] = n.length >> 8;
    out[off + 1] = n.length & 0xff;
    out.set(n, off + 2);
    off += 2 + n.length;
  }
  return out;
}

export type H264ErrorCode =
  | "empty-payload"
  | "unsupported-packet-type"
  | "stap-a-truncated"
  | "fu-a-truncated"
  | "fu-a-start-and-end"
  | "fu-a-unexpected-start"
  | "fu-a-without-start"
  | "fu-a-type-changed"
  | "fu-a-incomplete"
  | "no-nal-units";

/** The NAL units of one access unit, from the payloads of its packets in order (RFC 6184 §5.6–5.8). */
export function depacketizeH264NalUnits(
  payloads: readonly Uint8Array[],
): Decoded<Uint8Array[], H264ErrorCode> {
  const nals: Uint8Array[] = [];
  let fu: { header: number; parts: Uint8Array[]; length: number } | undefined;
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i] as Uint8Array;
    if (p.length === 0) return decodeFail("empty-payload", i);
    const type = nalUnitType(p[0] as number);
    if (type === NalUnitType.FuA) {
      if (p.length < 2) return decodeFail("fu-a-truncated", i);
      const fh = p[1] as number;
      const s = (fh & 0x80) !== 0;
      const e = (fh & 0x40) !== 0;
      // RFC 6184 §5.8: S and E are not both set in one FU header.
      if (s && e) return decodeFail("fu-a-start-and-end", i);
      const header = ((p[0] as number) & 0xe0) | (fh & 0x1f);
      if (s) {
        if (fu) return decodeFail("fu-a-unexpected-start", i);
        fu = { header, parts: [], length: 1 };
      } else if (!fu) {
        return decodeFail("fu-a-without-start", i);
      } else if (fu.header !== header) {
        return decodeFail("fu-a-type-changed", i);
      }
      const frag = p.subarray(2);
      fu.parts.push(frag);
      fu.length += frag.length;
      if (e) {
        const nal = new Uint8Array(fu.length);
        nal[0] = fu.header;
        let off = 1;
        for (const part of fu.parts) {
          nal.set(part, off);
          off += part.length;
        }
        nals.push(nal);
        fu = undefined;
      }
      continue;
    }
    if (fu) return decodeFail("fu-a-incomplete", i);
    if (type >= 1 && type <= 23) {
      nals.push(p);
    } else if (type === NalUnitType.StapA) {
      let off = 1;
      if (off >= p.length) return decodeFail("stap-a-truncated", i);
      while (off < p.length) {
        if (off + 2 > p.length) return decodeFail("stap-a-truncated", i);
        const size = ((p[off] as number) << 8) | (p[off + 1] as number);
        if (size === 0 || off + 2 + size > p.length) return decodeFail("stap-a-truncated", i);
        nals.push(p.subarray(off + 2, off + 2 + size));
        off += 2 + size;
      }
    } else {
      // 0, 30, 31 reserved; STAP-B, MTAP16/24 and FU-B belong to the interleaved mode (§6.3).
      return decodeFail("unsupported-packet-type", i);
    }
  }
  if (fu) return decodeFail("fu-a-incomplete", payloads.length);
  if (nals.length === 0) return decodeFail("no-nal-units", 0);
  return decodeOk(nals);
}

/** Keyframe per the usual receiver test: an IDR slice, or both an SPS and a PPS, in the access unit. */
export function isH264Keyframe(nals: readonly Uint8Array[]): boolean {
  let sps = false;
  let pps = false;
  for (const n of nals) {
    const t = nalUnitType(n[0] as number);
    if (t === NalUnitType.Idr) return true;
    if (t === NalUnitType.Sps) sps = true;
    if (t === NalUnitType.Pps) pps = true;
  }
  return sps && pps;
}

/** A reassembled access unit (Annex-B, 4-octet start codes) with its NAL units. */
export interface H264Frame extends DepacketizedFrame {
  readonly nalUnits: readonly Uint8Array[];
}

/**
 * H.264 over RTP, RFC 6184, packetization-mode=1 (non-interleaved, §6.3): Single NAL unit packets
 * (§5.6), STAP-A aggregation of consecutive NAL units that fit together (§5.7.1), and FU-A
 * fragmentation of those that do not fit (§5.8). Frames are Annex-B access units.
 */
export class H264PayloadFormat implements PayloadFormat<H264Frame> {
  readonly name = "h264";
  readonly clockRate = 90_000;
  readonly markerEndsFrame = true;

  packetize(frame: Uint8Array, maxPayloadBytes: number): Uint8Array[] {
    return this.packetizeNalUnits(splitAnnexB(frame), maxPayloadBytes);
  }

  packetizeNalUnits(nals: readonly Uint8Array[], maxPayloadBytes: number): Uint8Array[] {
    if (nals.length === 0) throw new UsageError("an access unit has at least one NAL unit");
    if (maxPayloadBytes < 3) throw new UsageError("maximum payload too small for FU-A");
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < nals.length) {
      const nal = nals[i] as Uint8Array;
      if (nal.length > maxPayloadBytes) {
        this.#fragment(nal, maxPayloadBytes, out);
        i++;
        continue;
      }
      // Aggregate the following NAL units while the STAP-A still fits.
      let size = 1 + 2 + nal.length;
      let j = i + 1;
      while (j < nals.length && size + 2 + (nals[j] as Uint8Array).length <= maxPayloadBytes) {
        size += 2 + (nals[j] as Uint8Array).length;
        j++;
      }
      out.push(j - i >= 2 ? buildStapA(nals.slice(i, j)) : nal);
      i = j;
    }
    return out;
  }

  #fragment(nal: Uint8Array, max: number, out: Uint8Array[]): void {
    const h = nal[0] as number;
    const indicator = (h & 0xe0) | NalUnitType.FuA;
    const body = nal.subarray(1);
    const ends = balancedChunks(body.length, max - 2);
    let start = 0;
    for (let k = 0; k < ends.length; k++) {
      const end = ends[k] as number;
      const p = new Uint8Array(2 + end - start);
      p[0] = indicator;
      p[1] = (k === 0 ? 0x80 : 0) | (k === ends.length - 1 ? 0x40 : 0) | (h & 0x1f);
      p.set(body.subarray(start, end), 2);
      out.push(p);
      start = end;
    }
  }

  /** Whether the packet's first NAL unit (or FU-A start) can begin an access unit. */
  isFrameStart(payload: Uint8Array): boolean {
    if (payload.length < 2) return false;
    const type = nalUnitType(payload[0] as number);
    if (type === NalUnitType.FuA) {
      const fh = payload[1] as number;
      return (fh & 0x80) !== 0 && canStartAccessUnit(fh & 0x1f, payload[2]);
    }
    if (type === NalUnitType.StapA)
      return payload.length > 3 && canStartAccessUnit(nalUnitType(payload[3] as number), payload[4]);
    return canStartAccessUnit(type, payload[1]);
  }

  depacketize(payloads: readonly Uint8Array[]): Decoded<H264Frame> {
    const r = depacketizeH264NalUnits(payloads);
    if (!r.ok) return r;
    return decodeOk({ data: joinAnnexB(r.value), isKeyframe: isH264Keyframe(r.value), nalUnits: r.value });
  }
}

import type { RtpPacket } from "@tern/rtp";
import { describe, expect, it } from "vitest";
import { MAX_RECEIVERS, type ReceiveTemplate, SsrcRouter } from "../../src/machine/ssrc-router.js";

const random = (n: number): Uint8Array => new Uint8Array(n).fill(7);

const video: ReceiveTemplate = {
  mid: "1",
  kind: "video",
  codecs: [
    { codec: "VP8", payloadType: 96, clockRate: 90000, rtxPayloadType: 97, nack: true, pli: true },
    { codec: "H264", payloadType: 102, clockRate: 90000, rtxPayloadType: 103, nack: true, pli: true },
  ],
  ssrcs: [{ ssrc: 1000 }],
};

function packet(ssrc: number, payloadType: number): RtpPacket {
  return {
    marker: false,
    payloadType,
    sequenceNumber: 1,
    timestamp: 0,
    ssrc,
    csrcs: [],
    extension: undefined,
    payload: new Uint8Array(4),
    paddingLength: 0,
  };
}

describe("SsrcRouter", () => {
  it("binds an unsignaled RTX SSRC to the section's one media stream", () => {
    const r = new SsrcRouter(random, () => {});
    r.configure([video]);
    const media = r.media(1000);
    expect(media).toBeDefined();
    expect(r.learn(packet(5, 97))).toBe(media);
    expect(r.repaired(5)).toBe(media);
  });

  it("learns at most MAX_RECEIVERS RTX SSRCs: a peer cycling repair SSRCs cannot grow the map", () => {
    const r = new SsrcRouter(random, () => {});
    r.configure([video]);
    let learned = 0;
    for (let ssrc = 1; ssrc <= 10 * MAX_RECEIVERS; ssrc++) if (r.learn(packet(ssrc, 97))) learned++;
    expect(learned).toBe(MAX_RECEIVERS);
    expect(r.repaired(10 * MAX_RECEIVERS)).toBeUndefined();
  });

  it("learns at most MAX_RECEIVERS media SSRCs, announcing each once", () => {
    const announced: number[] = [];
    const r = new SsrcRouter(random, (_mid, ssrc) => announced.push(ssrc));
    r.configure([{ ...video, ssrcs: [] }]);
    for (let ssrc = 1; ssrc <= 3 * MAX_RECEIVERS; ssrc++) r.learn(packet(ssrc, 96));
    expect(r.receivers.size).toBe(MAX_RECEIVERS);
    expect(announced).toHaveLength(MAX_RECEIVERS);
  });

  it("learns an unsignaled SSRC that starts in the section's second codec, and its RTX by that codec's", () => {
    const r = new SsrcRouter(random, () => {});
    r.configure([{ ...video, ssrcs: [] }]);
    const media = r.learn(packet(2000, 102));
    expect(media?.config.ssrc).toBe(2000);
    expect(r.learn(packet(2001, 103))).toBe(media);
    expect(r.learn(packet(3000, 100))).toBeUndefined(); // no codec of the section
  });

  it("a renegotiation hands the section's codecs as negotiated now to the receivers it keeps", () => {
    const r = new SsrcRouter(random, () => {});
    r.configure([video]);
    const media = r.media(1000);
    r.configure([
      {
        ...video,
        codecs: [
          { codec: "VP8", payloadType: 120, clockRate: 90000, rtxPayloadType: 124, nack: true, pli: true },
        ],
      },
    ]);
    expect(r.media(1000)).toBe(media);
    expect(media?.codec.payloadType).toBe(120);
  });
});

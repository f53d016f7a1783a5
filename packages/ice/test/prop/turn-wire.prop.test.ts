/** Properties of the TURN codecs: arbitrary bytes never throw, what decodes re-encodes, framing survives any split. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TurnStreamFramer } from "../../src/machine/turn-stream-framer.js";
import { decodeChannelData, encodeChannelData } from "../../src/wire/channel-data.js";
import { parseIceServerUrl } from "../../src/wire/ice-server-url.js";
import { encodeStunMessage } from "../../src/wire/stun-message.js";
import { StunMethod } from "../../src/wire/stun-message-types.js";
import {
  decodePasswordAlgorithms,
  encodePasswordAlgorithm,
} from "../../src/wire/turn-password-algorithms.js";
import { turnFrameLength } from "../../src/wire/turn-stream-framing.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const channelNumber = fc.integer({ min: 0x4000, max: 0x4fff });
const channelData = fc.record({ channelNumber, data: fc.uint8Array({ maxLength: 300 }) });

describe("TURN codec properties", () => {
  it("decodeChannelData never throws, and what decodes re-encodes to its prefix", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (bytes, padded) => {
        const d = decodeChannelData(bytes, { padded });
        if (d.ok) {
          const again = encodeChannelData(d.value, { padded });
          expect(hex(again)).toBe(hex(bytes.subarray(0, again.length)));
        }
      }),
    );
  });

  it("encode then decode is the identity, padded or not", () => {
    fc.assert(
      fc.property(channelData, fc.boolean(), (msg, padded) => {
        const bytes = encodeChannelData(msg, { padded });
        if (padded) expect(bytes.length % 4).toBe(0);
        const d = decodeChannelData(bytes, { padded });
        expect(d.ok && [d.value.channelNumber, hex(d.value.data)]).toEqual([
          msg.channelNumber,
          hex(msg.data),
        ]);
      }),
    );
  });

  it("turnFrameLength, decodePasswordAlgorithms and parseIceServerUrl never throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.string({ maxLength: 60 }), (bytes, s) => {
        turnFrameLength(bytes);
        const p = decodePasswordAlgorithms(bytes);
        if (p.ok) for (const e of p.value) encodePasswordAlgorithm(e);
        parseIceServerUrl(s);
        parseIceServerUrl(`turn:${s}`);
      }),
    );
  });

  it("the stream framer returns the same frames however the stream is cut", () => {
    const stunFrame = fc
      .uint8Array({ minLength: 12, maxLength: 12 })
      .map((transactionId) =>
        encodeStunMessage(
          { method: StunMethod.Data, class: "indication", transactionId, attributes: [] },
          { fingerprint: true },
        ),
      );
    const frame = fc.oneof(
      stunFrame,
      channelData.map((m) => encodeChannelData(m, { padded: true })),
    );
    fc.assert(
      fc.property(
        fc.array(frame, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (frames, cutSeeds) => {
          const stream = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
          let at = 0;
          for (const f of frames) {
            stream.set(f, at);
            at += f.length;
          }
          const cuts = [...new Set(cutSeeds.map((c) => (stream.length === 0 ? 0 : c % stream.length)))].sort(
            (a, b) => a - b,
          );
          const framer = new TurnStreamFramer();
          const out: string[] = [];
          let from = 0;
          for (const c of [...cuts, stream.length]) {
            framer.handleData(stream.subarray(from, c));
            from = c;
            for (let x = framer.pollFrame(); x !== undefined; x = framer.pollFrame()) out.push(hex(x));
          }
          expect(out).toEqual(frames.map(hex));
          expect(framer.error).toBeUndefined();
        },
      ),
    );
  });
});

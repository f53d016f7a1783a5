import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createAnswer,
  createOffer,
  DIRECTIONS,
  type LocalTransceiver,
  parseSessionDescription,
  type SessionDescription,
  writeSessionDescription,
} from "../../src/sdp/index.js";
import { TERN_A, TERN_B } from "../vectors/sdp-local-params.js";

const vector = (name: string): string => readFileSync(new URL(`../vectors/${name}`, import.meta.url), "utf8");
const OFFERS = [vector("chromium-156-offer.sdp"), vector("firefox-153-offer.sdp")];

/** Parsing must never throw; whatever parses must write and re-parse to the same model. */
function checkParse(text: unknown): void {
  const r = parseSessionDescription(text);
  if (!r.ok) {
    expect(typeof r.error.code).toBe("string");
    expect(Number.isInteger(r.error.at)).toBe(true);
    return;
  }
  const again = parseSessionDescription(writeSessionDescription(r.value));
  expect(again.ok).toBe(true);
  if (again.ok) expect(again.value).toEqual(r.value);
}

/** Characters SDP lines are made of, weighted towards separators. */
const sdpChar = fc.oneof(
  fc.constantFrom(" ", ":", "/", "=", ";", "-", "*", "{", "}", ".", "\t"),
  fc.constantFrom(..."0123456789"),
  fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFINPSUVWX"),
  fc.string({ minLength: 1, maxLength: 1, unit: "binary" }),
);
const lineText = fc.string({ unit: sdpChar, maxLength: 60 });
const attributeNames = [
  "rtpmap",
  "fmtp",
  "rtcp-fb",
  "extmap",
  "ssrc",
  "ssrc-group",
  "mid",
  "msid",
  "msid-semantic",
  "group",
  "setup",
  "fingerprint",
  "ice-ufrag",
  "ice-pwd",
  "ice-options",
  "candidate",
  "rtcp",
  "sendrecv",
  "rtcp-mux",
  "x-unknown",
];
const attributeLine = fc
  .tuple(fc.constantFrom(...attributeNames), fc.option(lineText, { nil: undefined }))
  .map(([name, value]) => (value === undefined ? `a=${name}` : `a=${name}:${value}`));
const word = fc.string({ unit: fc.constantFrom(..."abcXYZ019-_.*{}"), minLength: 1, maxLength: 8 });
const pt = fc.oneof(fc.integer({ min: 0, max: 130 }).map(String), fc.constant("*"), fc.constant("111"));
/** Nearly well-formed structured attributes, so the round trip sees many that parse. */
const structuredLine = fc.oneof(
  fc
    .tuple(pt, word, fc.nat({ max: 100000 }), fc.option(fc.nat({ max: 3 }), { nil: undefined }))
    .map(([p, n, r, c]) => `a=rtpmap:${p} ${n}/${r}${c === undefined ? "" : `/${c}`}`),
  fc.tuple(pt, lineText).map(([p, v]) => `a=fmtp:${p} ${v}`),
  fc
    .tuple(pt, word, fc.option(word, { nil: undefined }))
    .map(([p, t, x]) => `a=rtcp-fb:${p} ${t}${x === undefined ? "" : ` ${x}`}`),
  fc
    .tuple(
      fc.integer({ min: 0, max: 300 }),
      fc.option(fc.constantFrom(...DIRECTIONS, "up"), { nil: undefined }),
      word,
    )
    .map(([id, d, uri]) => `a=extmap:${id}${d === undefined ? "" : `/${d}`} ${uri}`),
  fc
    .tuple(fc.nat(), word, fc.option(lineText, { nil: undefined }))
    .map(([id, a, v]) => `a=ssrc:${id} ${a}${v === undefined ? "" : `:${v}`}`),
  fc
    .tuple(word, fc.array(fc.nat(), { maxLength: 3 }))
    .map(([g, ids]) => `a=ssrc-group:${g} ${ids.join(" ")}`),
  fc
    .tuple(word, fc.option(word, { nil: undefined }))
    .map(([a, b]) => `a=msid:${a}${b === undefined ? "" : ` ${b}`}`),
  word.map((w) => `a=mid:${w}`),
  fc.constantFrom(
    "a=fingerprint:sha-256 AB:CD",
    "a=ice-ufrag:abcd",
    "a=ice-pwd:0123456789012345678901",
    "a=setup:active",
  ),
);
const anyLine = fc.oneof(
  structuredLine,
  attributeLine,
  fc.tuple(fc.constantFrom("v", "o", "s", "t", "c", "b", "m", "i"), lineText).map(([t, v]) => `${t}=${v}`),
  fc.constantFrom(
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 0",
    "m=video 0 RTP/AVP 96",
    "m=application 9 UDP/DTLS/SCTP x",
  ),
);
const HEAD = ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0"];

describe("SDP parser properties", () => {
  it("never throws on arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 400 }), checkParse), { numRuns: 300 });
  });

  it("never throws on arbitrary non-strings", () => {
    fc.assert(fc.property(fc.anything(), checkParse), { numRuns: 100 });
  });

  it("never throws on line-shaped input, and what parses round-trips", () => {
    fc.assert(
      fc.property(fc.array(anyLine, { maxLength: 30 }), fc.constantFrom("\r\n", "\n"), (lines, eol) => {
        checkParse([...HEAD, ...lines].join(eol));
      }),
      { numRuns: 400 },
    );
  });

  it("never throws on mutated browser offers, and what parses round-trips", () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("swap" as const), at: fc.nat(), to: fc.nat() }),
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), line: anyLine }),
      fc.record({ kind: fc.constant("char" as const), at: fc.nat(), col: fc.nat(), ch: sdpChar }),
      fc.record({ kind: fc.constant("truncate" as const), at: fc.nat(), col: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (which, mutations) => {
          const lines = (OFFERS[which] ?? "").split("\r\n");
          for (const m of mutations) {
            const i = m.at % lines.length;
            const line = lines[i] ?? "";
            if (m.kind === "delete") lines.splice(i, 1);
            else if (m.kind === "duplicate") lines.splice(i, 0, line);
            else if (m.kind === "insert") lines.splice(i, 0, m.line);
            else if (m.kind === "swap") {
              const j = m.to % lines.length;
              lines[i] = lines[j] ?? "";
              lines[j] = line;
            } else if (m.kind === "char") {
              const col = line.length === 0 ? 0 : m.col % line.length;
              lines[i] = line.slice(0, col) + m.ch + line.slice(col + 1);
            } else lines[i] = line.slice(0, line.length === 0 ? 0 : m.col % line.length);
          }
          checkParse(lines.join("\r\n"));
        },
      ),
      { numRuns: 400 },
    );
  });
});

const token = fc.string({ unit: fc.constantFrom(..."abcdefXYZ0123456789-_"), minLength: 1, maxLength: 12 });
const transceivers = fc
  .uniqueArray(
    fc.record({
      mid: token,
      kind: fc.constantFrom("audio" as const, "video" as const),
      direction: fc.constantFrom(...DIRECTIONS),
      stopped: fc.boolean(),
      sender: fc.option(
        fc.record({
          ssrc: fc.nat({ max: 0xffff_fffe }),
          cname: token,
          streamIds: fc.array(token, { maxLength: 2 }),
          trackId: token,
        }),
        { nil: undefined },
      ),
    }),
    { selector: (t) => t.mid, minLength: 1, maxLength: 6 },
  )
  .map((list) =>
    list.map(
      (t): LocalTransceiver => ({
        mid: t.mid,
        kind: t.kind,
        direction: t.direction,
        stopped: t.stopped,
        ...(t.sender === undefined ? {} : { sender: { ...t.sender, rtxSsrc: t.sender.ssrc + 1 } }),
      }),
    ),
  );

function reparsed(d: SessionDescription): SessionDescription | undefined {
  const r = parseSessionDescription(writeSessionDescription(d));
  return r.ok ? r.value : undefined;
}

describe("generated offers and answers", () => {
  it("write(offer) re-parses to the same model, and so does the answer to it", () => {
    fc.assert(
      fc.property(transceivers, fc.nat({ max: 1000 }), (list, version) => {
        const offer = createOffer(
          { session: { sessionId: "42", sessionVersion: version }, transceivers: list },
          { transport: TERN_A },
        );
        expect(reparsed(offer)).toEqual(offer);
        const answer = createAnswer(offer, { session: { sessionId: "7" }, transport: TERN_B });
        expect(answer.ok).toBe(true);
        if (answer.ok) expect(reparsed(answer.value)).toEqual(answer.value);
      }),
      { numRuns: 150 },
    );
  });
});

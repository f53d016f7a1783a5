/**
 * Fuzz targets of @tern/ice (`pnpm fuzz`, replayed by `pnpm test`): STUN messages, TURN ChannelData and
 * stream framing, ICE candidate lines and ICE server URLs (codecs), and live machines fed sequences: an
 * ICE agent in checking state (hostile datagrams from its peer's address and others, between authentic
 * checks and responses), the STUN Binding server, and a TURN allocation driven by a scripted server.
 * Seeds: the RFC 5769 vectors and the candidate lines of the Chromium and Firefox offers in
 * `test/vectors`, and authentic messages built at load time.
 */
import { FuzzInvariantError, type FuzzTarget, joinChunks, splitChunks } from "@tern/test-support";
import { StunBindingServer } from "../../src/machine/stun-binding-server.js";
import { TurnStreamFramer } from "../../src/machine/turn-stream-framer.js";
import { formatCandidate, parseCandidate } from "../../src/wire/candidate.js";
import { decodeChannelData, encodeChannelData } from "../../src/wire/channel-data.js";
import { parseIceServerUrl } from "../../src/wire/ice-server-url.js";
import { decodeStunMessage, encodeStunMessage } from "../../src/wire/stun-message.js";
import { turnFrameLength } from "../../src/wire/turn-stream-framing.js";
import { CANDIDATE_LINES, RFC5769, text } from "./fuzz-seeds.js";
import { liveAgentSeeds, PEER, runLiveAgent, SOURCES } from "./ice-agent-fuzz.js";
import { runTurnAllocation, turnSeeds } from "./turn-allocation-fuzz.js";

const untext = new TextDecoder();

// ---- codecs --------------------------------------------------------------------------------------------

function runStun(input: Uint8Array): void {
  const d = decodeStunMessage(input);
  if (!d.ok) return;
  const m = d.value;
  // re-encode what decoded, without the integrity and fingerprint attributes (recomputed on encode)
  const attributes = m.attributes.filter(
    (a) =>
      a.type !== "message-integrity" && a.type !== "message-integrity-sha256" && a.type !== "fingerprint",
  );
  let again: Uint8Array;
  try {
    again = encodeStunMessage({ ...m, attributes }, { fingerprint: true });
  } catch (err) {
    // a decoded value the encoder refuses (StunEncodeError) is a typed refusal, not a crash
    if (err instanceof Error && err.name === "StunEncodeError") return;
    throw err;
  }
  const back = decodeStunMessage(again);
  if (!back.ok) throw new FuzzInvariantError(`re-encoded STUN does not decode: ${back.error.code}`);
  if (back.value.transactionId.join() !== m.transactionId.join())
    throw new FuzzInvariantError("re-encoded STUN has another transaction id");
}

/** Input: byte 0 bit 0 picks padded framing; the rest is a ChannelData message, then a TCP stream. */
function runChannelData(input: Uint8Array): void {
  const padded = ((input[0] ?? 0) & 1) === 1;
  const body = input.subarray(1);
  const d = decodeChannelData(body, { padded });
  if (d.ok) {
    const again = decodeChannelData(encodeChannelData(d.value, { padded }), { padded });
    if (!again.ok)
      throw new FuzzInvariantError(`re-encoded ChannelData does not decode: ${again.error.code}`);
  }
  turnFrameLength(body);
  const framer = new TurnStreamFramer();
  for (const chunk of splitChunks(body, 0, 32)) {
    framer.handleData(chunk);
    for (let f = framer.pollFrame(); f; f = framer.pollFrame()) {
      const len = turnFrameLength(f);
      if (!len.ok || len.value === undefined || len.value > f.length)
        throw new FuzzInvariantError("the framer handed on a frame that does not frame");
    }
    if (framer.error) break;
  }
}

function runCandidate(input: Uint8Array): void {
  const s = untext.decode(input);
  const c = parseCandidate(s);
  if (c.ok) {
    const again = parseCandidate(formatCandidate(c.value));
    if (!again.ok) throw new FuzzInvariantError(`formatted candidate does not parse: ${again.error.code}`);
  }
  parseIceServerUrl(s);
}
// ---- the STUN Binding server ---------------------------------------------------------------------------

/** Input: u16-prefixed datagrams from rotating sources. Invariant: every request gets at most one reply. */
function runBindingServer(input: Uint8Array): void {
  const s = new StunBindingServer({ maxQueuedTransmits: 8 });
  let i = 0;
  for (const d of splitChunks(input, 0, 64)) {
    s.handleDatagram(i, SOURCES[i % SOURCES.length] ?? PEER, d);
    i++;
    let replies = 0;
    for (let t = s.pollTransmit(); t; t = s.pollTransmit()) replies++;
    if (replies > 1) throw new FuzzInvariantError(`${replies} replies to one datagram`);
  }
}

export function fuzzTargets(): FuzzTarget[] {
  return [
    { name: "stun-message", run: runStun, seeds: () => RFC5769 },
    {
      name: "turn-channel-data",
      run: runChannelData,
      seeds: () => [
        Uint8Array.of(0, ...encodeChannelData({ channelNumber: 0x4001, data: text.encode("abc") })),
        Uint8Array.of(
          1,
          ...encodeChannelData({ channelNumber: 0x4fff, data: text.encode("abcde") }, { padded: true }),
        ),
        Uint8Array.of(0, ...joinChunks(RFC5769)),
      ],
    },
    {
      name: "ice-candidate-line",
      run: runCandidate,
      seeds: () =>
        [...CANDIDATE_LINES, "turns:turn.example.org:443?transport=tcp"].map((l) => text.encode(l)),
      maxInputBytes: 512,
    },
    { name: "ice-agent-live", run: runLiveAgent, seeds: liveAgentSeeds },
    { name: "stun-binding-server", run: runBindingServer, seeds: () => [joinChunks(RFC5769)] },
    { name: "turn-allocation-live", run: runTurnAllocation, seeds: turnSeeds },
  ];
}

/**
 * Fuzz target of @tern/peer's SDP (`pnpm fuzz`, replayed by `pnpm test`): parse whatever text arrives as a
 * remote description; what parses writes and re-parses to a description with the same media sections.
 * Seeds: the Chromium 156, Firefox 153 and node-datachannel 0.33 offers in `test/vectors`.
 */
import { readFileSync } from "node:fs";
import { FuzzInvariantError, type FuzzTarget } from "@tern/test-support";
import { parseSessionDescription, writeSessionDescription } from "../../src/sdp/index.js";

const vector = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../vectors/${name}`, import.meta.url)));
const decoder = new TextDecoder();

function runSdp(input: Uint8Array): void {
  const r = parseSessionDescription(decoder.decode(input));
  if (!r.ok) return;
  const again = parseSessionDescription(writeSessionDescription(r.value));
  if (!again.ok)
    throw new FuzzInvariantError(`written SDP does not parse: ${again.error.code} at ${again.error.at}`);
  if (again.value.media.length !== r.value.media.length)
    throw new FuzzInvariantError("written SDP has another number of media sections");
}

export function fuzzTargets(): FuzzTarget[] {
  return [
    {
      name: "sdp-parse",
      run: runSdp,
      seeds: () => [
        vector("chromium-156-offer.sdp"),
        vector("firefox-153-offer.sdp"),
        vector("node-datachannel-0.33-offer.sdp"),
      ],
      maxInputBytes: 16 * 1024,
    },
  ];
}

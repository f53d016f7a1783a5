/**
 * Seeds shared by @tern/ice's fuzz targets: the RFC 5769 STUN vectors and the candidate lines of the
 * Chromium and Firefox offers in `test/vectors`.
 */
import { readFileSync } from "node:fs";
import * as rfc5769 from "../vectors/rfc5769.js";

const vectorText = (name: string): string =>
  readFileSync(new URL(`../vectors/${name}`, import.meta.url), "utf8");
const OFFERS = [vectorText("chromium-156-offer.sdp"), vectorText("firefox-153-offer.sdp")];
export const CANDIDATE_LINES = OFFERS.flatMap((sdp) =>
  sdp
    .split(/\r?\n/)
    .filter((l) => l.startsWith("a=candidate:"))
    .map((l) => l.slice(2)),
);
export const RFC5769: Uint8Array[] = Object.values(rfc5769).filter(
  (v): v is Uint8Array => v instanceof Uint8Array,
);
export const text = new TextEncoder();

/**
 * Renegotiation with a real browser (issue 13): the browser offers first and then Tern adds tracks and
 * offers; Tern offers first and then the browser adds video and re-offers; removing, replacing and
 * re-adding a track and an ICE restart in the middle of a call; and (Chromium) a data-channel-only
 * offer answered and connected. Media both ways before and after every step.
 */
import { expect } from "vitest";
import type { BrowserPage } from "./browser-launch.js";
import {
  browserDecodesNothing,
  browserOffers,
  LocalTrack,
  mediaBothWays,
  playClip,
  setupsOf,
  ternOffers,
  ternPeer,
  ternReceives,
  ufragOf,
  until,
} from "./jsep-pages.js";

interface PageState {
  readonly connection: string;
  readonly signaling: string;
}

async function bothConnected(page: BrowserPage, tern: ReturnType<typeof ternPeer>): Promise<void> {
  await until(
    async () =>
      tern.connectionState === "connected" &&
      (await page.call<PageState>("state")).connection === "connected",
    15_000,
    "both connected",
  );
}

/** Each cell: a fresh page connection and Tern peer; returns what it proved, line by line. */
export type JsepCell = (page: BrowserPage) => Promise<string[]>;

export const browserOffersThenTernOffers: JsepCell = async (page) => {
  const tern = ternPeer();
  const stops: (() => void)[] = [];
  try {
    await page.call("open", { media: "camera" });
    const counts = ternReceives(tern);
    const first = await browserOffers(tern, page);
    await bothConnected(page, tern);
    const notes = [`browser offered mids ${tern.transceivers.map((t) => t.mid).join(",")}`];
    await until(() => counts.video >= 20 && counts.audio >= 20, 20_000, "browser → Tern media before");
    notes.push(`before: Tern got ${counts.video} video / ${counts.audio} audio frames`);
    // Tern adds a video track (onto the browser's video line) and a second one (a new m= section).
    const one = new LocalTrack("video");
    const two = new LocalTrack("video");
    tern.addTrack(one);
    tern.addTrack(two);
    stops.push(playClip(one), playClip(two));
    const second = await ternOffers(tern, page);
    const mids = tern.transceivers.map((t) => t.mid);
    expect(new Set(mids).size).toBe(mids.length);
    expect(mids.length).toBe(3);
    notes.push(
      `Tern offered mids ${mids.join(",")} (setup ${setupsOf(second.offer)[0]}; first answer ${setupsOf(first.answer)[0]})`,
    );
    notes.push(await mediaBothWays(tern, page, counts, ["audio", "video"], "after Tern's offer"));
    return notes;
  } finally {
    for (const stop of stops) stop();
    await tern.close();
  }
};

export const ternOffersThenBrowserOffers: JsepCell = async (page) => {
  const tern = ternPeer();
  const video = new LocalTrack("video");
  const stops: (() => void)[] = [];
  try {
    await page.call("open", { media: "audio" });
    const counts = ternReceives(tern);
    tern.addTrack(video);
    tern.addTransceiver("audio", { direction: "recvonly" });
    const first = await ternOffers(tern, page);
    await bothConnected(page, tern);
    stops.push(playClip(video));
    const notes = [await mediaBothWays(tern, page, counts, ["audio"], "before")];
    const ternRole = setupsOf(first.answer)[0] === "active" ? "server" : "client";
    await page.call("addVideo");
    const second = await browserOffers(tern, page);
    // RFC 8842 §5.3: Tern keeps its DTLS role in the answer to the browser's offer.
    expect(setupsOf(second.answer)[0]).toBe(ternRole === "server" ? "passive" : "active");
    notes.push(
      `browser re-offered ${second.offer.match(/^m=/gm)?.length} m= sections; Tern (DTLS ${ternRole}) answered a=setup:${setupsOf(second.answer)[0]}`,
    );
    notes.push(await mediaBothWays(tern, page, counts, ["audio", "video"], "after the browser's offer"));
    return notes;
  } finally {
    for (const stop of stops) stop();
    await tern.close();
  }
};

export const removeReplaceRestart: JsepCell = async (page) => {
  const tern = ternPeer();
  const first = new LocalTrack("video");
  const stops: (() => void)[] = [];
  const states: string[] = [];
  tern.on("connectionstatechange", (s) => states.push(s));
  try {
    await page.call("open", { media: "camera" });
    const counts = ternReceives(tern);
    const t = tern.addTrack(first);
    tern.addTransceiver("audio", { direction: "recvonly" });
    await ternOffers(tern, page);
    await bothConnected(page, tern);
    stops.push(playClip(first));
    const notes = [await mediaBothWays(tern, page, counts, ["audio", "video"], "start")];
    // replaceTrack: no renegotiation, the browser goes on decoding the new track's frames.
    const second = new LocalTrack("video");
    await tern.replaceTrack(t, second);
    stops.push(playClip(second));
    notes.push(await mediaBothWays(tern, page, counts, ["video"], "after replaceTrack"));
    // removeTrack: renegotiated; the browser decodes nothing more, Tern still receives.
    tern.removeTrack(t);
    await ternOffers(tern, page);
    const after = await browserDecodesNothing(page, 1500);
    expect(after).toBeLessThanOrEqual(2);
    notes.push(`after removeTrack: the browser decoded ${after} frames in 1.5 s`);
    // A new track: a new m= section (the old sender has sent), media again.
    const third = new LocalTrack("video");
    tern.addTrack(third);
    stops.push(playClip(third));
    await ternOffers(tern, page);
    notes.push(await mediaBothWays(tern, page, counts, ["video"], "after addTrack"));
    // ICE restart in the middle of the call.
    const before = ufragOf(tern.localDescription?.sdp ?? "");
    tern.restartIce();
    const restart = await ternOffers(tern, page);
    expect(ufragOf(restart.offer)).not.toBe(before);
    notes.push(await mediaBothWays(tern, page, counts, ["audio", "video"], "after an ICE restart"));
    expect(states.filter((s) => s === "failed" || s === "disconnected")).toEqual([]);
    notes.push(`Tern's connection states: ${states.join(" → ")}`);
    return notes;
  } finally {
    for (const stop of stops) stop();
    await tern.close();
  }
};

/** Chromium's data-channel-only offer: accepted, ICE and DTLS connected on both sides (no SCTP yet). */
export const dataOnlyOffer: JsepCell = async (page) => {
  const tern = ternPeer();
  try {
    await page.call("open", { media: "none", dataChannel: true });
    const { offer, answer } = await browserOffers(tern, page);
    expect(offer).toMatch(/^m=application \d+ UDP\/DTLS\/SCTP webrtc-datachannel/m);
    expect(answer).toMatch(/^m=application 9 UDP\/DTLS\/SCTP webrtc-datachannel/m);
    expect(answer).toContain("a=sctp-port:5000");
    expect(answer).toContain("a=max-message-size:262144");
    expect(answer).not.toContain("sctp-init");
    await bothConnected(page, tern);
    expect(tern.dataSection).toMatchObject({ mid: "0", remoteSctpPort: 5000 });
    expect(tern.bundle.session?.dtlsConnected).toBe(true);
    return [
      `offer had a=sctp-init: ${offer.includes("a=sctp-init")}; Tern's answer accepted the data section (${JSON.stringify(tern.dataSection)})`,
      `ICE + DTLS connected both sides; Tern's SRTP profile: ${tern.security.srtpProfile ?? "none"}`,
    ];
  } finally {
    await tern.close();
  }
};

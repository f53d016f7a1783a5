/**
 * Renegotiation between two Tern peers on loopback (RFC 8829 §5.2.2, §5.3.2, §5.10): whoever offered
 * first, the other side can offer later, new m= sections take mids unused in the session, the DTLS role
 * stays, media flows before and after. Each test is one defect of issue 13.
 */
import { describe, expect, it } from "vitest";
import { LocalTrack } from "../../src/node/media-track.js";
import { parseSessionDescription } from "../../src/sdp/index.js";
import { vp8Clip } from "./media-fixtures.js";
import { bothConnected, closeAll, flows, negotiate, remoteTracks, ternPeer, trickle } from "./tern-pair.js";

const midsOf = (sdp: string): string[] => {
  const p = parseSessionDescription(sdp);
  if (!p.ok) throw new Error(p.error.code);
  return p.value.media.map((m) => m.mid ?? "");
};
const setupsOf = (sdp: string): string[] => [...sdp.matchAll(/^a=setup:(\w+)/gm)].map((m) => m[1] ?? "");

describe("renegotiation between Tern peers", () => {
  it("after the other side's offer set up the connection, the answerer adds tracks and offers: new mids, media both ways before and after", async () => {
    const browserLike = ternPeer();
    const tern = ternPeer();
    trickle(browserLike, tern);
    try {
      const camera = new LocalTrack("video");
      browserLike.addTrack(camera);
      const atTern = remoteTracks(tern);
      const atBrowser = remoteTracks(browserLike);
      await negotiate(browserLike, tern);
      await bothConnected(browserLike, tern);
      expect(tern.transceivers.map((t) => t.mid)).toEqual(["0"]);
      await flows(camera, atTern[0] ?? fail("no track at Tern"));

      // Tern adds audio (no free transceiver of that kind: a new one) and video (onto the browser's line).
      const mic = new LocalTrack("audio");
      const video = new LocalTrack("video");
      tern.addTrack(mic);
      tern.addTrack(video);
      expect(tern.transceivers.map((t) => t.mid)).toEqual(["0", null]);
      const { offer } = await negotiate(tern, browserLike);
      expect(midsOf(offer)).toEqual(["0", "1"]);
      expect(tern.transceivers.map((t) => [t.mid, t.currentDirection])).toEqual([
        ["0", "sendrecv"],
        ["1", "sendonly"],
      ]);
      expect(atBrowser.map((t) => t.kind).sort()).toEqual(["audio", "video"]);
      await flows(camera, atTern[0] ?? fail("no video track at Tern"));
      await flows(video, atBrowser.find((t) => t.kind === "video") ?? fail("no video at the browser"));
      await flows(mic, atBrowser.find((t) => t.kind === "audio") ?? fail("no audio at the browser"));
    } finally {
      await closeAll(browserLike, tern);
    }
  });

  it("a track added after the connection is up is not wired to another m= section: writeFrame is false until negotiated, never throws", async () => {
    const a = ternPeer();
    const b = ternPeer();
    trickle(a, b);
    try {
      b.addTrack(new LocalTrack("audio"));
      // As with a browser's offer: a puts its track on the offered audio line, then answers.
      await b.setLocalDescription();
      await a.setRemoteDescription(b.localDescription ?? fail("no offer"));
      a.addTrack(new LocalTrack("audio"));
      await a.setLocalDescription();
      await b.setRemoteDescription(a.localDescription ?? fail("no answer"));
      await bothConnected(a, b);
      const video = new LocalTrack("video");
      a.addTrack(video); // a new transceiver: no mid yet (before the fix it took "0", the audio line's)
      const keyframe = vp8Clip()[0]?.data ?? new Uint8Array(0);
      expect(keyframe.length).toBeGreaterThan(1200);
      expect(() => video.writeFrame(keyframe, 1000)).not.toThrow();
      expect(video.writeFrame(keyframe, 4000)).toBe(false);
    } finally {
      await closeAll(a, b);
    }
  });

  it("keeps the DTLS role: the first offerer answers a later offer with a=setup:passive, media goes on", async () => {
    const a = ternPeer();
    const b = ternPeer();
    trickle(a, b);
    try {
      const aVideo = new LocalTrack("video");
      a.addTrack(aVideo);
      const atB = remoteTracks(b);
      const first = await negotiate(a, b);
      expect(setupsOf(first.answer)).toEqual(["active"]); // b is the DTLS client, a the server
      await bothConnected(a, b);
      const bVideo = new LocalTrack("video");
      b.addTrack(bVideo);
      const atA = remoteTracks(a);
      const second = await negotiate(b, a);
      expect(setupsOf(second.offer)).toEqual(["actpass"]);
      expect(setupsOf(second.answer)).toEqual(["passive"]);
      expect(a.connectionState).toBe("connected");
      await flows(aVideo, atB[0] ?? fail("no track at b"));
      await flows(bVideo, atA[0] ?? fail("no track at a"));
      const roleA = [...(await a.getStats()).values()].find((s) => s.type === "transport")?.dtlsRole;
      expect(roleA).toBe("server");
    } finally {
      await closeAll(a, b);
    }
  });

  it("recycles the m= section of a stopped transceiver for a new one, with a new mid (§5.2.2)", async () => {
    const a = ternPeer();
    const b = ternPeer();
    trickle(a, b);
    try {
      const first = a.addTransceiver("audio");
      a.addTransceiver("video");
      await negotiate(a, b);
      await bothConnected(a, b);
      a.stopTransceiver(first);
      const stopped = await negotiate(a, b);
      expect(stopped.offer).toMatch(/^m=audio 0 /m);
      expect(a.transceivers.map((t) => t.mid)).toEqual(["1"]); // the stopped one is gone
      expect(b.transceivers.find((t) => t.mid === "0")).toBeUndefined();
      const video = new LocalTrack("video");
      a.addTrack(video);
      const atB = remoteTracks(b);
      const recycled = await negotiate(a, b);
      expect(midsOf(recycled.offer)).toEqual(["2", "1"]);
      await flows(video, atB[0] ?? fail("no track at b"));
    } finally {
      await closeAll(a, b);
    }
  });

  it("removeTrack, replaceTrack and a direction change renegotiate (or not) and media follows", async () => {
    const a = ternPeer();
    const b = ternPeer();
    trickle(a, b);
    try {
      const one = new LocalTrack("video");
      const t = a.addTrack(one);
      const atB = remoteTracks(b);
      await negotiate(a, b);
      await bothConnected(a, b);
      const remote = atB[0] ?? fail("no track at b");
      await flows(one, remote);
      // replaceTrack: no renegotiation, the new track's frames arrive on the same remote track.
      const two = new LocalTrack("video");
      await a.replaceTrack(t, two);
      expect(one.writeFrame(vp8Clip()[0]?.data ?? new Uint8Array(), 1)).toBe(false);
      await flows(two, remote);
      // removeTrack: sendrecv → recvonly, renegotiated; the remote track is muted.
      let needed = 0;
      a.on("negotiationneeded", () => needed++);
      a.removeTrack(t);
      await new Promise((r) => setImmediate(r));
      expect(needed).toBe(1);
      expect(t.direction).toBe("recvonly");
      await negotiate(a, b);
      // b's transceiver was made by a's first offer (recvonly): nothing goes either way now.
      expect(t.currentDirection).toBe("inactive");
      expect(remote.muted).toBe(true);
      expect(two.writeFrame(vp8Clip()[0]?.data ?? new Uint8Array(), 1)).toBe(false);
    } finally {
      await closeAll(a, b);
    }
  });
});

function fail(message: string): never {
  throw new Error(message);
}

describe("renegotiation after a browser's offer (Firefox 153's, test/vectors)", () => {
  it("a later Tern offer keeps the header extension ids the browser chose (Firefox refuses a remapped id)", async () => {
    const { readFileSync } = await import("node:fs");
    const firefox = readFileSync(new URL("../vectors/firefox-153-offer.sdp", import.meta.url), "utf8");
    const pc = ternPeer();
    try {
      await pc.setRemoteDescription({ type: "offer", sdp: firefox });
      await pc.setLocalDescription();
      pc.addTrack(new LocalTrack("video"));
      const offer = await pc.createOffer();
      const theirs = parseSessionDescription(firefox);
      const ours = parseSessionDescription(offer.sdp);
      if (!theirs.ok || !ours.ok) throw new Error("unparsable");
      const idOf = new Map<number, string>();
      for (const e of theirs.value.media.flatMap((m) => m.extmaps)) idOf.set(e.id, e.uri);
      const mine = ours.value.media.flatMap((m) => m.extmaps);
      expect(mine.length).toBeGreaterThan(0);
      for (const e of mine) if (idOf.has(e.id)) expect(e.uri).toBe(idOf.get(e.id));
      expect(mine.find((e) => e.uri.endsWith("sdes:mid"))?.id).toBe(3);
    } finally {
      await pc.close();
    }
  });
});

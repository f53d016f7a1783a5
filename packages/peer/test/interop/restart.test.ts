/**
 * restartIce() between two Tern peers on loopback: new ICE credentials on both sides, the new generation
 * selects a pair on both sides (checks authenticated with the new passwords succeeded), the media keeps
 * flowing across the restart (the old pair carries it until then), and the connection never leaves
 * "connected".
 */
import type { SelectedPair } from "@tern/ice";
import { untilCount } from "@tern/test-support";
import { describe, expect, it } from "vitest";
import type { EncodedFrame } from "../../src/node/media-track.js";
import type { PeerConnectionState } from "../../src/node/peer-connection.js";
import { vp8Clip } from "./media-fixtures.js";
import { bundleOf, connectedOneWay } from "./peer-helpers.js";

describe("ICE restart between Tern peers", () => {
  it("renegotiates with new credentials while media keeps flowing", async () => {
    const { a, b, track, remote } = await connectedOneWay("video");
    const states: PeerConnectionState[] = [];
    try {
      a.on("connectionstatechange", (s) => states.push(s));
      const got: EncodedFrame[] = [];
      remote.on("frame", (f) => got.push(f));
      const clip = vp8Clip();
      let i = 0;
      const sendSome = async (n: number): Promise<void> => {
        for (let k = 0; k < n; k++, i++) {
          const f = clip[i % clip.length] as (typeof clip)[number];
          track.writeFrame(f.data, 6000 * i);
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      await sendSome(10);
      // A pair selected after restartIce() is the new generation's: the old one never selects again.
      const selectedAfterRestart = { a: [] as SelectedPair[], b: [] as SelectedPair[] };
      bundleOf(a).ice?.on("selectedpair", (p) => selectedAfterRestart.a.push(p));
      bundleOf(b).ice?.on("selectedpair", (p) => selectedAfterRestart.b.push(p));
      const before = a.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1];
      const bBefore = b.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1];
      a.restartIce();
      const offer = await a.createOffer();
      await a.setLocalDescription(offer);
      await sendSome(5);
      await b.setRemoteDescription(a.localDescription as never);
      await b.setLocalDescription(await b.createAnswer());
      await sendSome(5);
      await a.setRemoteDescription(b.localDescription as never);
      await sendSome(10);
      await Promise.all([
        untilCount(selectedAfterRestart.a, 1, 10_000, "a pair selected by A's new ICE generation"),
        untilCount(selectedAfterRestart.b, 1, 10_000, "a pair selected by B's new ICE generation"),
        untilCount(got, 30, 10_000, "frames at B"),
      ]);
      const after = a.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1];
      const bAfter = b.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1];
      expect(after).toBeDefined();
      expect(after).not.toBe(before);
      expect(bAfter).toBeDefined();
      expect(bAfter).not.toBe(bBefore);
      expect(a.signalingState).toBe("stable");
      expect(a.connectionState).toBe("connected");
      expect(states).not.toContain("failed");
      expect(states).not.toContain("disconnected");
      expect(got.length).toBe(30);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

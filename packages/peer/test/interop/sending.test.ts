import { withTimeout } from "@tern/test-support";
/**
 * Truthful sending and closing between two Tern peers on loopback: a track's codec must be the one its
 * m= section negotiated (CodecMismatchError), nothing is sent after close(), nothing media code throws
 * escapes writeFrame, and a remote close (DTLS close_notify, or RTCP BYE on every stream) moves the
 * connection to "closed" within a second. Each test is a defect of issue 13.
 */
import { describe, expect, it } from "vitest";
import { CodecMismatchError } from "../../src/node/codec-mismatch-error.js";
import { LocalTrack } from "../../src/node/media-track.js";
import type { PeerConnection } from "../../src/node/peer-connection.js";
import { vp8Clip } from "./media-fixtures.js";
import { connectionState } from "./peer-helpers.js";
import { bothConnected, closeAll, flows, negotiate, remoteTracks, ternPeer, trickle } from "./tern-pair.js";

async function connectedWith(setup: (a: PeerConnection, b: PeerConnection) => void) {
  const a = ternPeer();
  const b = ternPeer();
  trickle(a, b);
  setup(a, b);
  await negotiate(a, b);
  await bothConnected(a, b);
  return { a, b };
}

describe("truthful sending", () => {
  it("an H.264 track answered on a VP8-only line: writeFrame throws CodecMismatchError, nothing is sent", async () => {
    const a = ternPeer();
    const b = ternPeer();
    trickle(a, b);
    try {
      a.addTransceiver("video", { direction: "recvonly" });
      const atA = remoteTracks(a);
      await a.setLocalDescription();
      // What b gets is a VP8-only offer (as Firefox's can be): the H.264 payload types are cut out.
      const vp8Only = (a.localDescription?.sdp ?? "")
        .replace(/^(m=video \d+ \S+) .*$/m, "$1 96 97")
        .replace(/^a=(rtpmap|fmtp|rtcp-fb):10[23] .*\r\n/gm, "");
      expect(vp8Only).not.toMatch(/H264/);
      await b.setRemoteDescription({ type: "offer", sdp: vp8Only });
      const h264 = new LocalTrack("video", "H264");
      b.addTrack(h264);
      await b.setLocalDescription();
      await a.setRemoteDescription(b.localDescription ?? fail());
      await bothConnected(a, b);
      let received = 0;
      atA[0]?.on("rtp", () => received++);
      const frame = Uint8Array.from([0, 0, 0, 1, 0x65, 1, 2, 3]);
      expect(() => h264.writeFrame(frame, 3000)).toThrow(CodecMismatchError);
      const err = (() => {
        try {
          h264.writeFrame(frame, 6000);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toMatchObject({ code: "codec-mismatch", trackCodec: "H264", negotiatedCodecs: ["VP8"] });
      const stats = [...(await b.getStats()).values()];
      expect(stats.filter((s) => s.type === "outbound-rtp")).toHaveLength(0);
      expect(received).toBe(0);
    } finally {
      await closeAll(a, b);
    }
  });

  it("writeFrame returns false after close(), and after the track's stop()", async () => {
    let track = new LocalTrack("video");
    const { a, b } = await connectedWith((x) => x.addTrack(track));
    const frame = vp8Clip()[0]?.data ?? new Uint8Array();
    try {
      expect(track.writeFrame(frame, 1)).toBe(true);
      await a.close();
      expect(track.writeFrame(frame, 2)).toBe(false);
    } finally {
      await closeAll(a, b);
    }
    track = new LocalTrack("video");
    const again = await connectedWith((x) => x.addTrack(track));
    try {
      track.stop();
      expect(track.readyState).toBe("ended");
      expect(track.writeFrame(frame, 3)).toBe(false);
    } finally {
      await closeAll(again.a, again.b);
    }
  });

  it("a frame the payload format refuses (an Opus packet larger than an RTP packet) is not sent: false, counted, never thrown", async () => {
    const mic = new LocalTrack("audio");
    const { a, b } = await connectedWith((x) => x.addTrack(mic));
    try {
      expect(() => mic.writeFrame(new Uint8Array(3000), 960)).not.toThrow();
      expect(mic.writeFrame(new Uint8Array(3000), 1920)).toBe(false);
      expect(a.counters.writeErrors).toBe(2);
      expect(a.connectionState).toBe("connected");
      expect(mic.writeFrame(new Uint8Array(100), 2880)).toBe(true);
    } finally {
      await closeAll(a, b);
    }
  });
});

describe("remote close", () => {
  it("DTLS close_notify from the peer: closed within a second", async () => {
    const { a, b } = await connectedWith((x) => x.addTrack(new LocalTrack("audio")));
    try {
      const closed = connectionState(b, "closed").catch(() => undefined);
      const t0 = performance.now();
      await a.close();
      await withTimeout(closed, 1000, "the remote peer's close seen");
      expect(b.connectionState).toBe("closed");
      expect(performance.now() - t0).toBeLessThan(1000);
    } finally {
      await closeAll(a, b);
    }
  });

  it("RTCP BYE on every stream and the peer goes quiet (no close_notify): closed within a second", async () => {
    const mic = new LocalTrack("audio");
    const { a, b } = await connectedWith((x) => x.addTrack(mic));
    try {
      await flows(mic, remoteTrackOf(b) ?? fail());
      const closed = connectionState(b, "closed").catch(() => undefined);
      // a's media session says BYE for its stream (RFC 3550 §6.6), then a's ICE stops without DTLS close.
      const session = a.bundle.session ?? fail();
      session.configure([], []);
      a.bundle.flushSession();
      await new Promise((r) => setImmediate(r)); // the BYE leaves the socket before it closes
      await a.bundle.ice?.close();
      await withTimeout(closed, 1000, "BYE on every stream seen as a close");
      expect(b.connectionState).toBe("closed");
    } finally {
      await closeAll(a, b);
    }
  });

  it("a BYE followed by more media from the peer (a renegotiation) does not close", async () => {
    const mic = new LocalTrack("audio");
    const { a, b } = await connectedWith((x) => x.addTrack(mic));
    try {
      const remote = remoteTrackOf(b) ?? fail();
      await flows(mic, remote);
      const session = a.bundle.session ?? fail();
      session.configure([], []);
      a.bundle.flushSession();
      a.reconfigure(); // the sender comes back: media again
      await flows(mic, remote, 40);
      expect(b.connectionState).toBe("connected");
    } finally {
      await closeAll(a, b);
    }
  });
});

const remoteTracksSeen = new WeakMap<PeerConnection, ReturnType<typeof remoteTracks>>();
function remoteTrackOf(pc: PeerConnection) {
  return remoteTracksSeen.get(pc)?.[0] ?? pc.transceivers[0]?.receiver.track;
}

function fail(): never {
  throw new Error("missing");
}

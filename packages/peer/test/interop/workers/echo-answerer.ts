/**
 * A connection handler as an application writes it, run by `serveConnections` in a worker thread: it
 * answers the offer that arrives on its signaling port, trickles candidates back, and sends every video
 * frame it receives back on its own video track (an echo). Per-connection code as with one thread; only
 * the signaling comes from a SignalingPort.
 */
import { threadId } from "node:worker_threads";
import { LocalTrack, PeerConnection, type SignalingPort, serveConnections } from "../../../src/index.js";

type Signal =
  | { readonly kind: "offer"; readonly sdp: string }
  | { readonly kind: "candidate"; readonly candidate: string | null };

serveConnections((signaling: SignalingPort) => {
  const pc = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
  const echo = new LocalTrack("video");
  pc.on("icecandidate", (e) =>
    signaling.send({ kind: "candidate", candidate: e.candidate?.candidate ?? null }),
  );
  pc.on("track", (e) => e.track.on("frame", (f) => echo.writeFrame(f.data, f.rtpTimestamp)));
  pc.on("connectionstatechange", (s) => signaling.send({ kind: "state", state: s, threadId }));
  signaling.on("message", async (m) => {
    const s = m as Signal;
    if (s.kind === "offer") {
      await pc.setRemoteDescription({ type: "offer", sdp: s.sdp });
      pc.addTrack(echo);
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      signaling.send({ kind: "answer", sdp: answer.sdp });
    } else if (s.kind === "candidate")
      await pc.addIceCandidate(s.candidate === null ? null : { candidate: s.candidate, sdpMLineIndex: 0 });
  });
  signaling.on("closed", () => void pc.close());
});

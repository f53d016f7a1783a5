/**
 * node-datachannel (libdatachannel: libjuice ICE, OpenSSL DTLS, libsrtp) pairs for the benches. It
 * negotiates on its own (auto-negotiation): the clock starts at setLocalDescription, which makes the
 * offer. It has no SRTP profile option and does not report the one it negotiated.
 */
import nodeDataChannel from "node-datachannel";
import type { ConnectedPair, PairOptions } from "./pair-options.js";
import { bundlesEverything, CandidateGate, GatheredCandidates, withTimeout } from "./signaling.js";

interface NdcPeer {
  readonly pc: nodeDataChannel.PeerConnection;
  readonly tracks: nodeDataChannel.Track[];
  readonly connected: Promise<void>;
}

function ndcPeer(name: string, o: PairOptions, sends: boolean): NdcPeer {
  const pc = new nodeDataChannel.PeerConnection(name, {
    // libjuice binds one socket; without bindAddress it has no 127.0.0.1 candidate.
    iceServers: o.stunUrl ? [o.stunUrl] : [],
    bindAddress: "127.0.0.1",
  });
  const connected = new Promise<void>((resolve, reject) => {
    pc.onStateChange((s) => {
      if (s === "connected") resolve();
      else if (s === "failed" || s === "closed") reject(new Error(`node-datachannel connection ${s}`));
    });
  });
  const dir = o.direction === "sendrecv" ? "SendRecv" : sends ? "SendOnly" : "RecvOnly";
  const tracks: nodeDataChannel.Track[] = [];
  if (o.audio) {
    const audio = new nodeDataChannel.Audio("0", dir);
    audio.addOpusCodec(111);
    if (dir !== "RecvOnly") audio.addSSRC(0x0b0b0b0b, `${name}-audio`, `${name}-stream`, `${name}-audio`);
    tracks.push(pc.addTrack(audio));
  }
  if (o.video) {
    const video = new nodeDataChannel.Video(o.audio ? "1" : "0", dir);
    video.addVP8Codec(96);
    if (dir !== "RecvOnly") video.addSSRC(0x0a0a0a0a, `${name}-video`, `${name}-stream`, `${name}-video`);
    tracks.push(pc.addTrack(video));
  }
  return { pc, tracks, connected };
}

export interface NdcPair extends ConnectedPair {
  readonly a: nodeDataChannel.PeerConnection;
  readonly b: nodeDataChannel.PeerConnection;
}

export async function ndcPair(o: PairOptions): Promise<NdcPair> {
  const a = ndcPeer("a", o, true);
  const b = ndcPeer("b", o, false);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const p of [a, b]) {
      for (const t of p.tracks) t.close();
      p.pc.close();
    }
  };
  try {
    const gathered = { a: new GatheredCandidates(), b: new GatheredCandidates() };
    // Registered before setLocalDescription: node-datachannel does not replay candidates to late listeners.
    const toB = new CandidateGate<[string, string]>(([c, mid]) => b.pc.addRemoteCandidate(c, mid));
    const toA = new CandidateGate<[string, string]>(([c, mid]) => a.pc.addRemoteCandidate(c, mid));
    a.pc.onLocalCandidate((c, mid) => gathered.a.add(c) && toB.push([c, mid]));
    b.pc.onLocalCandidate((c, mid) => gathered.b.add(c) && toA.push([c, mid]));
    let answerSdp = "";
    a.pc.onLocalDescription((sdp, type) => {
      b.pc.setRemoteDescription(sdp, type); // b answers on its own (auto-negotiation)
      toB.open();
    });
    b.pc.onLocalDescription((sdp, type) => {
      answerSdp = sdp;
      a.pc.setRemoteDescription(sdp, type);
      toA.open();
    });
    const done = Promise.all([a.connected, b.connected]);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    a.pc.setLocalDescription();
    await withTimeout(done, o.timeoutMs ?? 10_000, "node-datachannel pair connected");
    const setupMs = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return {
      setupMs,
      cpuMs,
      a: a.pc,
      b: b.pc,
      config: {
        bundle: bundlesEverything(answerSdp),
        candidates: gathered.a.summary(),
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

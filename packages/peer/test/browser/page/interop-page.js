// The browser side of the Tern interop suite (packages/peer/test/browser): one RTCPeerConnection,
// driven from Node through `window.ternPage` with page.evaluate. Plain JavaScript: the page is served as is.
// Every step logs to the console, which the suite keeps when a cell fails.

(() => {
  /** @type {RTCPeerConnection | undefined} */
  let pc;
  /** Local candidates not yet taken by the suite (trickle), and whether gathering has ended. */
  let candidates = [];
  let gatheringDone = false;
  const remoteStreams = new Set();
  let sourceTimer;

  const log = (...args) => console.log("[page]", ...args);

  /** Fake camera and microphone (getUserMedia, needs the media permission flag), or a canvas and an oscillator. */
  async function localMedia(kind) {
    if (kind === "camera") {
      return navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
    }
    if (kind !== "canvas") return undefined;
    const canvas = document.getElementById("source");
    const g = canvas.getContext("2d");
    let n = 0;
    sourceTimer = setInterval(() => {
      n++;
      g.fillStyle = `hsl(${(n * 7) % 360} 80% 50%)`;
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.fillStyle = "#fff";
      g.fillRect((n * 4) % canvas.width, 40, 24, 24);
    }, 33);
    const video = canvas.captureStream(30);
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const dest = ctx.createMediaStreamDestination();
    osc.connect(dest);
    osc.start();
    return new MediaStream([...dest.stream.getAudioTracks(), ...video.getVideoTracks()]);
  }

  function waitGathering(timeoutMs) {
    if (!pc || pc.iceGatheringState === "complete") return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      pc.addEventListener("icegatheringstatechange", () => {
        if (pc && pc.iceGatheringState === "complete") {
          clearTimeout(timer);
          resolve(true);
        }
      });
    });
  }

  /** The local SDP to hand over: with every candidate when not trickling (gathering time-boxed). */
  async function localSdp(trickle, fallback) {
    if (trickle) return fallback;
    const complete = await waitGathering(5000);
    if (!complete) log("gathering did not complete within 5 s; sending what we have");
    return pc.localDescription ? pc.localDescription.sdp : fallback;
  }

  window.ternPage = {
    /** A fresh peer connection; `media`: "camera" | "canvas" | "none". */
    async open(opts) {
      candidates = [];
      gatheringDone = false;
      pc = new RTCPeerConnection({ bundlePolicy: opts.bundlePolicy || "balanced" });
      pc.addEventListener("icecandidate", (e) => {
        if (e.candidate?.candidate) {
          log("local candidate", e.candidate.candidate);
          candidates.push({
            candidate: e.candidate.candidate,
            sdpMid: e.candidate.sdpMid,
            sdpMLineIndex: e.candidate.sdpMLineIndex,
          });
        } else {
          log("end of local candidates");
          gatheringDone = true;
        }
      });
      pc.addEventListener("connectionstatechange", () => log("connectionState", pc.connectionState));
      pc.addEventListener("iceconnectionstatechange", () => log("iceConnectionState", pc.iceConnectionState));
      pc.addEventListener("track", (e) => {
        log("track", e.track.kind, e.transceiver.mid);
        const video = document.getElementById("remote");
        if (e.track.kind === "video") {
          video.srcObject = new MediaStream([e.track]);
          video.play().catch((err) => log("video.play", String(err)));
        } else {
          // A browser decodes remote audio only for a sink that plays it.
          const audio = document.createElement("audio");
          document.body.append(audio);
          audio.srcObject = new MediaStream([e.track]);
          audio.play().catch((err) => log("audio.play", String(err)));
        }
        remoteStreams.add(e.track.id);
      });
      const stream = await localMedia(opts.media);
      if (stream) for (const t of stream.getTracks()) pc.addTrack(t, stream);
      return { tracks: stream ? stream.getTracks().map((t) => `${t.kind}:${t.label}`) : [] };
    },

    async offer(opts) {
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      return localSdp(opts.trickle, offer.sdp);
    },

    /** Applies Tern's offer and answers; `setup` rewrites our a=setup (the DTLS role) before applying it. */
    async answer(sdp, opts) {
      await pc.setRemoteDescription({ type: "offer", sdp });
      const answer = await pc.createAnswer();
      let text = answer.sdp;
      if (opts.setup) text = text.replace(/^a=setup:\w+/gm, `a=setup:${opts.setup}`);
      await pc.setLocalDescription({ type: "answer", sdp: text });
      return localSdp(opts.trickle, text);
    },

    async applyAnswer(sdp) {
      await pc.setRemoteDescription({ type: "answer", sdp });
    },

    async addCandidate(init) {
      await pc.addIceCandidate(init || undefined);
    },

    /** Candidates gathered since the last call (trickle). */
    takeCandidates() {
      const out = candidates;
      candidates = [];
      return { candidates: out, done: gatheringDone };
    },

    state() {
      return {
        connection: pc.connectionState,
        ice: pc.iceConnectionState,
        gathering: pc.iceGatheringState,
        signaling: pc.signalingState,
      };
    },

    /** What getStats says about media, the transport and the selected pair (W3C webrtc-stats). */
    async stats() {
      const report = await pc.getStats();
      const all = new Map();
      for (const s of report.values()) all.set(s.id, s);
      const out = {
        videoIn: undefined,
        audioIn: undefined,
        videoOut: undefined,
        audioOut: undefined,
        transport: undefined,
        pair: undefined,
      };
      for (const s of all.values()) {
        const codec = s.codecId ? all.get(s.codecId) : undefined;
        const mimeType = codec ? codec.mimeType : undefined;
        if (s.type === "inbound-rtp") {
          const v = {
            packetsReceived: s.packetsReceived,
            packetsLost: s.packetsLost,
            framesDecoded: s.framesDecoded,
            keyFramesDecoded: s.keyFramesDecoded,
            frameWidth: s.frameWidth,
            nackCount: s.nackCount,
            pliCount: s.pliCount,
            totalSamplesReceived: s.totalSamplesReceived,
            concealedSamples: s.concealedSamples,
            totalAudioEnergy: s.totalAudioEnergy,
            mimeType,
          };
          if (s.kind === "video") out.videoIn = v;
          else out.audioIn = v;
        } else if (s.type === "outbound-rtp") {
          const v = { packetsSent: s.packetsSent, framesEncoded: s.framesEncoded, mimeType };
          if (s.kind === "video") out.videoOut = v;
          else out.audioOut = v;
        } else if (s.type === "transport") {
          out.transport = {
            srtpCipher: s.srtpCipher,
            dtlsCipher: s.dtlsCipher,
            dtlsRole: s.dtlsRole,
            tlsVersion: s.tlsVersion,
            dtlsState: s.dtlsState,
          };
          const pair = s.selectedCandidatePairId ? all.get(s.selectedCandidatePairId) : undefined;
          if (pair) out.pair = pair;
        } else if (s.type === "candidate-pair" && s.selected && !out.pair) {
          out.pair = s; // Firefox: no transport stats, a `selected` flag on the pair
        }
      }
      if (out.pair) {
        const l = all.get(out.pair.localCandidateId);
        const r = all.get(out.pair.remoteCandidateId);
        out.pair = {
          state: out.pair.state,
          requestsReceived: out.pair.requestsReceived,
          responsesReceived: out.pair.responsesReceived,
          requestsSent: out.pair.requestsSent,
          consentRequestsSent: out.pair.consentRequestsSent,
          local: l ? `${l.address}:${l.port} ${l.candidateType}` : undefined,
          remote: r ? `${r.address}:${r.port} ${r.candidateType}` : undefined,
        };
      }
      return out;
    },

    /** Draws the remote <video> into a small canvas: its size and the share of pixels that are not dark. */
    probeVideo() {
      const video = document.getElementById("remote");
      const canvas = document.getElementById("probe");
      const g = canvas.getContext("2d", { willReadFrequently: true });
      if (!video.videoWidth) return { width: 0, height: 0, litFraction: 0 };
      g.drawImage(video, 0, 0, canvas.width, canvas.height);
      const px = g.getImageData(0, 0, canvas.width, canvas.height).data;
      let lit = 0;
      for (let i = 0; i < px.length; i += 4) if (Math.max(px[i], px[i + 1], px[i + 2]) > 40) lit++;
      return { width: video.videoWidth, height: video.videoHeight, litFraction: lit / (px.length / 4) };
    },

    close() {
      clearInterval(sourceTimer);
      if (pc) pc.close();
      pc = undefined;
    },
  };
  log("ready", navigator.userAgent);
})();

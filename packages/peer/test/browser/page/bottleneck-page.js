// The browser side of the bottleneck cells (packages/peer/test/browser/bottleneck-suite.ts): one
// RTCPeerConnection that either sends a 640×480 video the encoder cannot compress much (a noise image drawn
// at random offsets, twice, differenced, 30 fps: the encoder uses every bit its bandwidth estimate allows)
// or receives Tern's video into a <video>; getStats() summaries for the suite. Plain JavaScript.

(() => {
  /** @type {RTCPeerConnection | undefined} */
  let pc;
  let timer;
  const log = (...args) => console.log("[page]", ...args);

  function noiseTrack() {
    const canvas = document.getElementById("source");
    const g = canvas.getContext("2d");
    const noise = document.createElement("canvas");
    noise.width = canvas.width;
    noise.height = canvas.height;
    const n = noise.getContext("2d");
    const img = n.createImageData(noise.width, noise.height);
    for (let i = 0; i < img.data.length; i++) img.data[i] = (Math.random() * 256) | 0;
    n.putImageData(img, 0, 0);
    const draw = (x, y) => {
      g.drawImage(noise, x, y);
      g.drawImage(noise, x - noise.width, y);
      g.drawImage(noise, x, y - noise.height);
      g.drawImage(noise, x - noise.width, y - noise.height);
    };
    timer = setInterval(() => {
      g.globalCompositeOperation = "source-over";
      draw((Math.random() * canvas.width) | 0, (Math.random() * canvas.height) | 0);
      g.globalCompositeOperation = "difference";
      draw((Math.random() * canvas.width) | 0, (Math.random() * canvas.height) | 0);
    }, 33);
    return canvas.captureStream(30).getVideoTracks()[0];
  }

  window.ternPage = {
    /** `send`: the browser sends the noise video; otherwise it receives. */
    async open(opts) {
      // Media permission (fake devices) makes both browsers offer raw host addresses, not mDNS names.
      const gum = await navigator.mediaDevices.getUserMedia({ video: true }).catch((err) => {
        log("getUserMedia", String(err));
        return undefined;
      });
      for (const t of gum ? gum.getTracks() : []) t.stop();
      pc = new RTCPeerConnection();
      pc.addEventListener("connectionstatechange", () => log("connectionState", pc.connectionState));
      pc.addEventListener("track", (e) => {
        const video = document.getElementById("remote");
        video.srcObject = new MediaStream([e.track]);
        video.play().catch((err) => log("video.play", String(err)));
      });
      if (opts.send) {
        // Keep 640×480 and let the bitrate follow the estimate: noise has a high QP, which would make the
        // encoder scale the picture down (and its bitrate ceiling with it) under the default preference.
        const track = noiseTrack();
        track.contentHint = "detail";
        const t = pc.addTransceiver(track, { direction: "sendonly" });
        const p = t.sender.getParameters();
        p.degradationPreference = "maintain-resolution";
        await t.sender.setParameters(p).catch((err) => log("setParameters", String(err)));
      } else pc.addTransceiver("video", { direction: "recvonly" });
      return { send: opts.send };
    },

    /** A complete offer (gathering finished, at most 5 s). */
    async offer() {
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise((resolve) => {
        if (pc.iceGatheringState === "complete") return resolve();
        const t = setTimeout(resolve, 5000);
        pc.addEventListener("icegatheringstatechange", () => {
          if (pc.iceGatheringState === "complete") {
            clearTimeout(t);
            resolve();
          }
        });
      });
      return pc.localDescription.sdp;
    },

    async applyAnswer(sdp) {
      await pc.setRemoteDescription({ type: "answer", sdp });
    },

    state() {
      return pc ? pc.connectionState : "none";
    },

    /** The numbers the cells read, from getStats() (W3C webrtc-stats). */
    async stats() {
      const report = await pc.getStats();
      const all = new Map();
      for (const s of report.values()) all.set(s.id, s);
      const out = { at: performance.now() };
      for (const s of all.values()) {
        if (s.type === "inbound-rtp" && s.kind === "video") {
          out.inbound = {
            bytesReceived: s.bytesReceived,
            packetsReceived: s.packetsReceived,
            packetsLost: s.packetsLost,
            framesReceived: s.framesReceived,
            framesDecoded: s.framesDecoded,
            framesDropped: s.framesDropped,
            jitterBufferDelay: s.jitterBufferDelay,
            jitterBufferEmittedCount: s.jitterBufferEmittedCount,
            freezeCount: s.freezeCount,
            totalFreezesDuration: s.totalFreezesDuration,
            nackCount: s.nackCount,
            pliCount: s.pliCount,
            frameWidth: s.frameWidth,
          };
        } else if (s.type === "outbound-rtp" && s.kind === "video") {
          out.outbound = {
            bytesSent: s.bytesSent,
            headerBytesSent: s.headerBytesSent,
            packetsSent: s.packetsSent,
            targetBitrate: s.targetBitrate,
            framesEncoded: s.framesEncoded,
            frameWidth: s.frameWidth,
            qualityLimitationReason: s.qualityLimitationReason,
            retransmittedBytesSent: s.retransmittedBytesSent,
          };
        } else if (s.type === "remote-inbound-rtp" && s.kind === "video") {
          out.remoteInbound = {
            roundTripTime: s.roundTripTime,
            fractionLost: s.fractionLost,
            packetsLost: s.packetsLost,
          };
        } else if (s.type === "candidate-pair" && (s.nominated || s.selected) && s.state === "succeeded") {
          out.pair = {
            availableOutgoingBitrate: s.availableOutgoingBitrate,
            currentRoundTripTime: s.currentRoundTripTime,
            bytesSent: s.bytesSent,
            bytesReceived: s.bytesReceived,
          };
        }
      }
      return out;
    },

    close() {
      clearInterval(timer);
      if (pc) pc.close();
      pc = undefined;
    },
  };
  log("ready", navigator.userAgent);
})();

// The browser side of the JSEP cells (packages/peer/test/browser/jsep-suite.ts): renegotiation both ways,
// perfect negotiation over @tern/signaling's browser client, a data-only offer, and simple-peer. Driven
// from Node through `window.jsepPage` (as `window.ternPage`, which browser-launch.ts calls) with page.evaluate. Plain JavaScript: served as is.

(() => {
  /** @type {RTCPeerConnection | undefined} */
  let pc;
  let stream;
  const log = (...args) => console.log("[jsep]", ...args);
  const remote = { video: 0, audio: 0, streams: new Set() };

  /** Waits for ICE gathering to complete (time-boxed: a browser may never finish on some interfaces). */
  function gathered(timeoutMs = 5000) {
    if (!pc || pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      pc.addEventListener("icegatheringstatechange", () => {
        if (pc && pc.iceGatheringState === "complete") {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  function media(kind) {
    if (kind === "none") return Promise.resolve(new MediaStream());
    return navigator.mediaDevices.getUserMedia({
      audio: kind !== "video",
      video: kind === "audio" ? false : { width: 320, height: 240 },
    });
  }

  function wire(p) {
    p.addEventListener("connectionstatechange", () => log("connectionState", p.connectionState));
    p.addEventListener("track", (e) => {
      log("track", e.track.kind, e.transceiver.mid, e.streams.map((s) => s.id).join(","));
      remote[e.track.kind]++;
      for (const s of e.streams) remote.streams.add(s.id);
      if (e.track.kind === "video") {
        const video = document.getElementById("remote");
        video.srcObject = new MediaStream([e.track]);
        video.play().catch((err) => log("video.play", String(err)));
      }
    });
  }

  async function inbound(p) {
    const out = { framesDecoded: 0, videoIn: 0, audioIn: 0, packetsIn: 0, videoOut: 0, audioOut: 0 };
    for (const s of (await p.getStats()).values()) {
      if (s.type === "inbound-rtp") {
        out.packetsIn += s.packetsReceived ?? 0;
        if (s.kind === "video") {
          out.framesDecoded += s.framesDecoded ?? 0;
          out.videoIn += s.packetsReceived ?? 0;
        } else out.audioIn += s.packetsReceived ?? 0;
      } else if (s.type === "outbound-rtp") {
        if (s.kind === "video") out.videoOut += s.packetsSent ?? 0;
        else out.audioOut += s.packetsSent ?? 0;
      }
    }
    return out;
  }

  window.jsepPage = {
    /** A fresh connection; `media`: "camera" (audio + video), "audio", "video" or "none". */
    async open(opts = {}) {
      pc = new RTCPeerConnection({ bundlePolicy: "balanced" });
      wire(pc);
      stream = await media(opts.media ?? "none");
      for (const t of stream.getTracks()) pc.addTrack(t, stream);
      if (opts.dataChannel) pc.createDataChannel("x");
      return { tracks: stream.getTracks().map((t) => t.kind) };
    },
    async offer(opts = {}) {
      const offer = await pc.createOffer(opts);
      await pc.setLocalDescription(offer);
      await gathered();
      return pc.localDescription.sdp;
    },
    async answer(sdp, opts = {}) {
      await pc.setRemoteDescription({ type: "offer", sdp });
      const answer = await pc.createAnswer();
      let text = answer.sdp;
      if (opts.setup) text = text.replace(/^a=setup:\w+/gm, `a=setup:${opts.setup}`);
      await pc.setLocalDescription({ type: "answer", sdp: text });
      await gathered();
      return pc.localDescription.sdp;
    },
    async applyAnswer(sdp) {
      await pc.setRemoteDescription({ type: "answer", sdp });
    },
    /** Adds the camera's video track (a later negotiation carries it). */
    async addVideo() {
      const s = await media("video");
      for (const t of s.getTracks()) {
        stream.addTrack(t);
        pc.addTrack(t, stream);
      }
    },
    state() {
      return {
        connection: pc.connectionState,
        ice: pc.iceConnectionState,
        signaling: pc.signalingState,
        transceivers: pc.getTransceivers().map((t) => [t.mid, t.direction, t.currentDirection]),
        remote: { video: remote.video, audio: remote.audio, streams: [...remote.streams] },
      };
    },
    stats() {
      return inbound(pc);
    },
    close() {
      if (pc) pc.close();
      pc = undefined;
    },

    /**
     * Perfect negotiation (W3C webrtc-pc §10.7, the example as the spec writes it) over @tern/signaling's
     * browser client, served by the page server. Adds the camera's tracks at the moments given (ms).
     */
    async perfectNegotiation(opts) {
      const { SignalingClient } = await import("/signaling-client.js");
      const client = new SignalingClient(opts.signalingUrl, { name: "browser" });
      await client.connect();
      const { peers } = await client.join(opts.room);
      const me = client.peerId;
      const other =
        peers[0]?.peerId ?? (await new Promise((r) => client.on("peer-joined", (m) => r(m.peer.peerId))));
      const polite = me < other;
      const signaler = {
        onmessage: null,
        send(m) {
          if (m.description)
            client.send({ type: m.description.type, room: opts.room, to: other, sdp: m.description.sdp });
          else if (m.candidate)
            client.send({ type: "candidate", room: opts.room, to: other, candidate: m.candidate.toJSON() });
          else client.send({ type: "end-of-candidates", room: opts.room, to: other });
        },
      };
      client.on("signal", (m) => {
        if (m.from !== other) return;
        if (m.type === "offer" || m.type === "answer")
          signaler.onmessage?.({ data: { description: { type: m.type, sdp: m.sdp } } });
        else if (m.type === "candidate" && m.candidate)
          signaler.onmessage?.({ data: { candidate: m.candidate } });
      });
      pc = new RTCPeerConnection();
      wire(pc);
      const errors = [];
      window.jsepErrors = errors;
      // ---- the spec's example, verbatim but for console.error → errors.push ----
      let makingOffer = false;
      pc.onnegotiationneeded = async () => {
        try {
          makingOffer = true;
          await pc.setLocalDescription();
          signaler.send({ description: pc.localDescription });
        } catch (err) {
          errors.push(String(err));
        } finally {
          makingOffer = false;
        }
      };
      pc.onicecandidate = ({ candidate }) => signaler.send({ candidate });
      let ignoreOffer = false;
      let isSettingRemoteAnswerPending = false;
      signaler.onmessage = async ({ data: { description, candidate } }) => {
        try {
          if (description) {
            const readyForOffer =
              !makingOffer && (pc.signalingState === "stable" || isSettingRemoteAnswerPending);
            const offerCollision = description.type === "offer" && !readyForOffer;
            ignoreOffer = !polite && offerCollision;
            if (ignoreOffer) return;
            isSettingRemoteAnswerPending = description.type === "answer";
            await pc.setRemoteDescription(description);
            isSettingRemoteAnswerPending = false;
            if (description.type === "offer") {
              await pc.setLocalDescription();
              signaler.send({ description: pc.localDescription });
            }
          } else if (candidate) {
            try {
              await pc.addIceCandidate(candidate);
            } catch (err) {
              if (!ignoreOffer) throw err;
            }
          }
        } catch (err) {
          errors.push(String(err));
        }
      };
      // ---- end of the example ----
      stream = await media("camera");
      const tracks = stream.getTracks();
      for (const [i, t] of tracks.entries()) setTimeout(() => pc.addTrack(t, stream), opts.atMs[i] ?? 0);
      return { polite, tracks: tracks.length };
    },
    errors() {
      return window.jsepErrors ?? [];
    },

    /** simple-peer in the page (simplepeer.min.js), initiator, with the camera; signals queued for Node. */
    async simplePeer() {
      const s = await media("camera");
      const signals = [];
      const got = { tracks: [], streams: 0, connected: false, errors: [] };
      // eslint-disable-next-line no-undef
      const peer = new SimplePeer({ initiator: true, stream: s, trickle: true });
      peer.on("signal", (d) => signals.push(JSON.stringify(d)));
      peer.on("track", (t) => got.tracks.push(t.kind));
      peer.on("stream", (rs) => {
        got.streams++;
        const video = document.getElementById("remote");
        video.srcObject = rs;
        video.play().catch(() => undefined);
      });
      peer.on("connect", () => {
        got.connected = true;
      });
      peer.on("error", (e) => got.errors.push(String(e)));
      window.simple = { peer, signals, got };
      return true;
    },
    simpleSignals() {
      return window.simple.signals.splice(0);
    },
    simpleSignal(data) {
      window.simple.peer.signal(JSON.parse(data));
    },
    async simpleState() {
      const p = window.simple.peer._pc;
      return { ...window.simple.got, connection: p.connectionState, stats: await inbound(p) };
    },
  };
  // browser-launch.ts calls window.ternPage[method].
  window.ternPage = window.jsepPage;
  log("ready", navigator.userAgent);
})();

// @ts-check
/**
 * The browser side of `pnpm demo --browser`: joins the room named in `?room=` through the signaling
 * server that served this page (its browser client at /signaling-client.js), answers the Node sender's
 * offer (the sender is the fixed offerer), trickles candidates both ways, plays what arrives in the
 * <video>, and shows this page's own getStats(). `window.ternDemo` holds the state and the latest
 * stats (the headless test reads it).
 */
import { SignalingClient } from "/signaling-client.js";

const room = new URLSearchParams(location.search).get("room") ?? "demo";
const video = /** @type {HTMLVideoElement} */ (document.getElementById("video"));
const stateEl = /** @type {HTMLElement} */ (document.getElementById("state"));
const statsEl = /** @type {HTMLTableElement} */ (document.getElementById("stats"));
const unmute = /** @type {HTMLButtonElement} */ (document.getElementById("unmute"));

/** @type {{ state: string, error: string | null, stats: Record<string, unknown>, senderLeft: boolean }} */
const demo = { state: "starting", error: null, stats: {}, senderLeft: false };
/** @type {any} */ (window).ternDemo = demo;

/** @param {string} s @param {string} [cls] */
function setState(s, cls = "") {
  demo.state = s;
  stateEl.textContent = s;
  stateEl.className = cls;
}

unmute.addEventListener("click", () => {
  video.muted = !video.muted;
  unmute.textContent = video.muted ? "unmute" : "mute";
});

const client = new SignalingClient(`ws://${location.host}/`, { name: "browser" });
/** @type {RTCPeerConnection | undefined} */
let pc;
/** @type {string | undefined} */
let senderId;
const stream = new MediaStream();

/** @param {string} from */
function connection(from) {
  if (pc) return senderId === from ? pc : undefined;
  senderId = from;
  const p = new RTCPeerConnection();
  pc = p;
  p.addEventListener("icecandidate", (e) => {
    if (e.candidate?.candidate) {
      client.send({ type: "candidate", room, to: from, candidate: e.candidate.toJSON() });
    } else client.send({ type: "end-of-candidates", room, to: from });
  });
  p.addEventListener("track", (e) => {
    stream.addTrack(e.track);
    video.srcObject = stream;
    video.play().catch(() => {});
  });
  p.addEventListener("connectionstatechange", () => {
    const s = p.connectionState;
    setState(`connection ${s}`, s === "connected" ? "connected" : s === "failed" ? "failed" : "");
  });
  return p;
}

client.on("signal", async (/** @type {any} */ m) => {
  if (m.room !== room) return;
  const p = connection(m.from);
  if (!p) return;
  try {
    if (m.type === "offer") {
      await p.setRemoteDescription({ type: "offer", sdp: m.sdp });
      await p.setLocalDescription();
      client.send({ type: "answer", room, to: m.from, sdp: p.localDescription?.sdp ?? "" });
      setState("answered; connecting…");
    } else if (m.type === "candidate" && m.candidate) {
      await p.addIceCandidate(m.candidate);
    } else if (m.type === "bye") {
      demo.senderLeft = true;
      setState(`the sender left (${m.reason ?? ""})`);
    }
  } catch (err) {
    demo.error = String(err);
    setState(`error: ${err}`, "failed");
  }
});

/** @param {number | undefined} v @param {number} [digits] */
const fixed = (v, digits = 1) => (typeof v === "number" ? v.toFixed(digits) : "–");

async function showStats() {
  if (!pc) return;
  const report = await pc.getStats();
  /** @type {Record<string, any>} */
  const byType = {};
  /** @type {Record<string, any>} */
  const byId = {};
  report.forEach((s) => {
    byId[s.id] = s;
    if (s.type === "inbound-rtp") byType[`inbound-${s.kind}`] = s;
    else if (!byType[s.type]) byType[s.type] = s;
  });
  const v = byType["inbound-video"] ?? {};
  const a = byType["inbound-audio"] ?? {};
  const t = byType.transport ?? {};
  const pair = byId[t.selectedCandidatePairId] ?? {};
  const local = byId[pair.localCandidateId] ?? {};
  const remote = byId[pair.remoteCandidateId] ?? {};
  const stats = {
    connection: pc.connectionState,
    ice: `${t.iceState ?? pc.iceConnectionState} (${local.candidateType ?? "?"} → ${remote.candidateType ?? "?"})`,
    dtls: `${t.tlsVersion ?? ""} ${t.dtlsCipher ?? "–"}`,
    srtp: t.srtpCipher ?? "–",
    framesDecoded: v.framesDecoded ?? 0,
    framesPerSecond: v.framesPerSecond ?? 0,
    frameSize: v.frameWidth ? `${v.frameWidth}×${v.frameHeight}` : "–",
    videoPackets: v.packetsReceived ?? 0,
    videoPacketsLost: v.packetsLost ?? 0,
    nackCount: v.nackCount ?? 0,
    pliCount: v.pliCount ?? 0,
    videoJitterMs: fixed((v.jitter ?? 0) * 1000),
    audioPackets: a.packetsReceived ?? 0,
    audioSamples: a.totalSamplesReceived ?? 0,
    audioLevel: fixed(a.audioLevel, 3),
    rttMs: fixed((pair.currentRoundTripTime ?? NaN) * 1000),
    bytesReceived: (v.bytesReceived ?? 0) + (a.bytesReceived ?? 0),
  };
  demo.stats = stats;
  statsEl.replaceChildren(
    ...Object.entries(stats).map(([k, val]) => {
      const tr = document.createElement("tr");
      const key = document.createElement("td");
      const value = document.createElement("td");
      key.textContent = k;
      value.textContent = String(val);
      tr.append(key, value);
      return tr;
    }),
  );
}

try {
  setState("connecting to the signaling server…");
  await client.connect();
  const joined = await client.join(room, { name: "browser" });
  setState(`in room ${room} with ${joined.peers.length} peer(s); waiting for the sender's offer…`);
  setInterval(() => void showStats().catch(() => {}), 500);
} catch (err) {
  demo.error = String(err);
  setState(`error: ${err}`, "failed");
}

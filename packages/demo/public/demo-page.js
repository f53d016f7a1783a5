// @ts-check
/**
 * The browser side of `pnpm demo --browser`: joins the room named in `?room=` through the signaling
 * server that served this page (its browser client at /signaling-client.js), answers the Node sender's
 * offer (the sender is the fixed offerer), trickles candidates both ways, plays what arrives in the
 * <video>, and shows this page's own getStats(). Data channels: the sender's "chat" (its hello is
 * answered) and, with `--data`, "file" (hashed with SHA-256 and checked against its header); once
 * connected the page opens a channel of its own, "page-chat", to the Node peer, which answers every line
 * typed into the box. `window.ternDemo` holds the state, the latest stats and what the channels carried
 * (the headless test reads it).
 */
import { SignalingClient } from "/signaling-client.js";

const room = new URLSearchParams(location.search).get("room") ?? "demo";
const video = /** @type {HTMLVideoElement} */ (document.getElementById("video"));
const stateEl = /** @type {HTMLElement} */ (document.getElementById("state"));
const statsEl = /** @type {HTMLTableElement} */ (document.getElementById("stats"));
const unmute = /** @type {HTMLButtonElement} */ (document.getElementById("unmute"));
const chatLog = /** @type {HTMLElement} */ (document.getElementById("chat"));
const chatForm = /** @type {HTMLFormElement} */ (document.getElementById("chat-form"));
const chatInput = /** @type {HTMLInputElement} */ (document.getElementById("chat-input"));

/**
 * @type {{ state: string, error: string | null, stats: Record<string, unknown>, senderLeft: boolean,
 *   data: { chatIn: string[], chatOut: string[], pageChannel: string, file: { name: string, bytes: number, ok: boolean } | null } }}
 */
const demo = {
  state: "starting",
  error: null,
  stats: {},
  senderLeft: false,
  data: { chatIn: [], chatOut: [], pageChannel: "none", file: null },
};
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

/** @param {string} who @param {string} line */
function showLine(who, line) {
  const div = document.createElement("div");
  div.textContent = `${who}: ${line}`;
  chatLog.append(div);
}

/** @param {RTCDataChannel} channel @param {string} line */
function say(channel, line) {
  channel.send(line);
  demo.data.chatOut.push(line);
  showLine("browser", line);
}

/** The sender's "file" channel: a JSON header, then the bytes; the SHA-256 is checked and answered. */
/** @param {RTCDataChannel} channel */
function takeFile(channel) {
  channel.binaryType = "arraybuffer";
  /** @type {{ name: string, size: number, sha256: string } | undefined} */
  let header;
  /** @type {Uint8Array[]} */
  const parts = [];
  let bytes = 0;
  channel.addEventListener("message", async (e) => {
    if (typeof e.data === "string") {
      header = JSON.parse(e.data);
      return;
    }
    if (!header) return;
    parts.push(new Uint8Array(e.data));
    bytes += e.data.byteLength;
    if (bytes < header.size) return;
    const all = new Uint8Array(bytes);
    let off = 0;
    for (const part of parts) {
      all.set(part, off);
      off += part.length;
    }
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
    const hex = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
    const ok = hex === header.sha256;
    demo.data.file = { name: header.name, bytes, ok };
    channel.send(ok ? `sha256 ok ${hex}` : `sha256 MISMATCH ${hex}`);
    showLine("file", `${header.name}, ${bytes} bytes, SHA-256 ${ok ? "matches" : "DOES NOT match"}`);
  });
}

/** @param {RTCPeerConnection} p */
function openPageChannel(p) {
  if (!p.sctp || demo.data.pageChannel !== "none") return;
  const channel = p.createDataChannel("page-chat", { protocol: "demo-chat" });
  demo.data.pageChannel = "connecting";
  channel.addEventListener("open", () => {
    demo.data.pageChannel = "open";
    say(channel, "hello from the browser page");
  });
  channel.addEventListener("message", (e) => {
    demo.data.chatIn.push(String(e.data));
    showLine("node", String(e.data));
  });
  chatForm.addEventListener("submit", (e) => {
    e.preventDefault();
    if (channel.readyState === "open" && chatInput.value) say(channel, chatInput.value);
    chatInput.value = "";
  });
  chatForm.hidden = false;
}

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
    if (s === "connected") openPageChannel(p);
  });
  p.addEventListener("datachannel", (e) => {
    const channel = e.channel;
    if (channel.label === "file") {
      takeFile(channel);
      return;
    }
    channel.addEventListener("message", (m) => {
      demo.data.chatIn.push(String(m.data));
      showLine("node", String(m.data));
      if (demo.data.chatOut.length === 0 || !demo.data.chatOut.includes("hello from the browser"))
        say(channel, "hello from the browser");
    });
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

// The soak tier's attacker, in its own worker thread (plain JS: no loader needed). It sends `ratePerSec`
// datagrams a second for `durationMs` at `target` from one socket, cycling through the kinds asked for,
// and counts what comes back. workerData: { target: {address, port}, ratePerSec, durationMs, kinds,
// replays: Uint8Array[] }. Posts { sent, sentBytes, byKind, received, receivedBytes, largestReplyOverRequest }.
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { parentPort, workerData } from "node:worker_threads";

const { target, ratePerSec, durationMs, kinds, replays } = workerData;
const socket = createSocket("udp4");
const byKind = {};
let sent = 0;
let sentBytes = 0;
let received = 0;
let receivedBytes = 0;
let largestReplyOverRequest = Number.NEGATIVE_INFINITY;
/** transaction id (hex) -> size of the request that carried it */
const requestSize = new Map();

function stunRequest(kind) {
  const txid = randomBytes(12);
  let attrs;
  if (kind === "stun-bare")
    attrs = Buffer.from([0x77, 0x77, 0, 0]); // the 24-byte request
  else if (kind === "stun-username") {
    const user = Buffer.from("abcd:efgh");
    attrs = Buffer.concat([
      Buffer.from([0, 6, 0, user.length]),
      user,
      Buffer.alloc(3),
      Buffer.from([0, 8, 0, 20]),
      randomBytes(20),
    ]);
  } else attrs = Buffer.from([0x80, 0x22, 0, 4, 0x61, 0x62, 0x63, 0x64]); // SOFTWARE only
  const head = Buffer.alloc(20);
  head.writeUInt16BE(kind === "stun-response" ? 0x0101 : 0x0001, 0);
  head.writeUInt16BE(attrs.length, 2);
  head.writeUInt32BE(0x2112a442, 4);
  txid.copy(head, 8);
  return Buffer.concat([head, attrs]);
}

function packet(kind) {
  switch (kind) {
    case "random":
      return randomBytes(1 + Math.floor(Math.random() * 1200));
    case "stun-bare":
    case "stun-username":
    case "stun-software":
    case "stun-response":
      return stunRequest(kind);
    case "dtls": {
      const body = randomBytes(16 + Math.floor(Math.random() * 300));
      const h = Buffer.from([
        Math.random() < 0.5 ? 22 : 23,
        0xfe,
        0xfd,
        0,
        Math.random() < 0.5 ? 0 : 1,
        0,
        0,
        0,
        0,
        0,
        1,
        0,
        0,
      ]);
      h.writeUInt16BE(body.length, 11);
      return Buffer.concat([h, body]);
    }
    case "srtp": {
      const p = randomBytes(12 + 160 + 10);
      p[0] = 0x80;
      p[1] = 96 + Math.floor(Math.random() * 16);
      return p;
    }
    case "replay": {
      if (replays.length === 0) return randomBytes(40);
      return Buffer.from(replays[Math.floor(Math.random() * replays.length)]);
    }
    default:
      return randomBytes(8);
  }
}

socket.on("message", (msg) => {
  received++;
  receivedBytes += msg.length;
  if (msg.length >= 20) {
    const key = msg.subarray(8, 20).toString("hex");
    const req = requestSize.get(key);
    if (req !== undefined) largestReplyOverRequest = Math.max(largestReplyOverRequest, msg.length - req);
  }
});

socket.bind(0, "127.0.0.1", () => {
  const t0 = performance.now();
  const batchMs = 5;
  const perBatch = Math.max(1, Math.round((ratePerSec * batchMs) / 1000));
  let k = 0;
  const tick = setInterval(() => {
    const elapsed = performance.now() - t0;
    if (elapsed >= durationMs) {
      clearInterval(tick);
      setTimeout(() => {
        socket.close();
        parentPort.postMessage({
          sent,
          sentBytes,
          byKind,
          received,
          receivedBytes,
          largestReplyOverRequest: received > 0 ? largestReplyOverRequest : null,
          seconds: elapsed / 1000,
        });
      }, 500);
      return;
    }
    // keep to the rate even when a tick comes late
    const due = Math.floor((elapsed / 1000) * ratePerSec) - sent;
    for (let i = 0; i < Math.min(due, perBatch * 4); i++) {
      const kind = kinds[k++ % kinds.length];
      const p = packet(kind);
      if (p.length >= 20 && p.readUInt32BE(4) === 0x2112a442)
        requestSize.set(p.subarray(8, 20).toString("hex"), p.length);
      if (requestSize.size > 200_000) requestSize.clear();
      socket.send(p, target.port, target.address);
      sent++;
      sentBytes += p.length;
      byKind[kind] = (byKind[kind] ?? 0) + 1;
    }
  }, batchMs);
});

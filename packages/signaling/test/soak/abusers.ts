/**
 * The abusers of the signaling soak, in their own process: argv[2] the server URL, argv[3] seconds. Opens
 * 2,000 connections:
 *   - 800 idle (open, say nothing) and 200 "slowloris" raw TCP sockets that upgrade, then dribble one
 *     frame a byte at a time, never finishing it;
 *   - 300 that never read, each sending a join every 500 ms whose answers pile up on the server;
 *   - 500 each sending every 200 ms one of: malformed JSON, a 30,000-deep array (60 KB), a 3,000-key
 *     object, a binary frame (2,500 frames/s in all);
 *   - 199 each sending an oversized frame every 2 s (100 KB: refused; 2 MB from one in forty: over the hard
 *     cap, closed with 1009, and reconnecting);
 *   - 1 joining 10,000 rooms, one after the other.
 * Prints a JSON line of what it sent when done, then closes everything.
 */
import { connect, type Socket } from "node:net";
import WebSocket from "ws";

const url = process.argv[2] ?? "";
const seconds = Number(process.argv[3] ?? 30);
const u = new URL(url);
const sent = { frames: 0, bytes: 0, reconnects: 0, closedByServer: 0, connections: 0 };
const sockets: WebSocket[] = [];
const raw: Socket[] = [];
const timers: NodeJS.Timeout[] = [];

const deep = Buffer.from(`${"[".repeat(30_000)}${"]".repeat(30_000)}`);
const wide = Buffer.from(`{${Array.from({ length: 3000 }, (_, i) => `"k${i}":0`).join(",")}}`);
const big = Buffer.from(JSON.stringify({ type: "offer", room: "x", to: "y", sdp: "a".repeat(100 * 1024) }));
const huge = Buffer.alloc(2 * 1024 * 1024, 0x61);

function open(): Promise<WebSocket> {
  return new Promise((resolve) => {
    // An all-zero mask: the abuser spends nothing masking its floods (an attacker would not either).
    const ws = new WebSocket(url, { perMessageDeflate: false, generateMask: (mask) => mask.fill(0) });
    ws.on("error", () => {});
    ws.once("open", () => resolve(ws));
    ws.once("close", () => {
      sent.closedByServer++;
      resolve(ws);
    });
    sockets.push(ws);
  });
}

/** Sends as fast as the server takes it: a full pipe (256 KiB queued here) waits. */
function send(ws: WebSocket, data: string | Buffer, binary = false): void {
  if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount > 256 * 1024) return;
  ws.send(data, { binary });
  sent.frames++;
  sent.bytes += data.length;
}

function every(ms: number, fn: () => void): void {
  timers.push(setInterval(fn, ms));
}

async function main(): Promise<void> {
  const opened: Promise<unknown>[] = [];
  for (let i = 0; i < 800; i++) opened.push(open());
  for (let i = 0; i < 200; i++) {
    const s = connect(Number(u.port), u.hostname, () => {
      s.write(
        `GET / HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      );
      // A masked text frame announcing 60,000 bytes, then one byte a second.
      s.write(Buffer.from([0x81, 0xfe, 0xea, 0x60, 1, 2, 3, 4]));
    });
    s.on("error", () => {});
    s.on("data", () => {});
    raw.push(s);
  }
  every(1000, () => {
    for (const s of raw) if (!s.destroyed) s.write(Buffer.from([0x20]));
  });
  const deaf = await Promise.all(Array.from({ length: 300 }, () => open()));
  for (const ws of deaf) (ws as unknown as { _socket?: { pause(): void } })._socket?.pause();
  every(500, () => {
    for (const ws of deaf) send(ws, JSON.stringify({ type: "join", room: `deaf-${Math.random()}` }));
  });
  const junk = await Promise.all(Array.from({ length: 500 }, () => open()));
  let tick = 0;
  every(200, () => {
    tick++;
    for (const [i, ws] of junk.entries()) {
      const k = (tick + i) % 20;
      if (k === 0) send(ws, deep);
      else if (k === 1) send(ws, wide);
      else if (k === 2) send(ws, Buffer.from([0xff, 0x00, 0x7b]), true);
      else send(ws, k % 2 ? '{"type":"offer",' : `{"type":"join","room":${"[".repeat(k)}`);
    }
  });
  const fat = await Promise.all(Array.from({ length: 199 }, () => open()));
  every(2000, () => {
    for (const [i, ws] of fat.entries()) {
      if (ws.readyState !== WebSocket.OPEN) {
        if (ws.readyState === WebSocket.CLOSED) {
          sent.reconnects++;
          void open().then((w) => {
            fat[i] = w;
          });
          fat[i] = new WebSocket("ws://127.0.0.1:1", { perMessageDeflate: false });
          fat[i]?.on("error", () => {});
        }
        continue;
      }
      // Every fortieth 2 MB frame (over the 1 MiB hard cap) is refused by its header and closes the socket.
      send(ws, i % 40 === 0 ? huge : big, false);
    }
  });
  const roomHog = await open();
  let room = 0;
  every(5, () => {
    if (room < 10_000) send(roomHog, JSON.stringify({ type: "join", room: `hog-${room++}` }));
  });
  await Promise.all(opened);
  sent.connections = sockets.length + raw.length;
  process.stderr.write(`abusers: ${sent.connections} connections opened\n`);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  for (const t of timers) clearInterval(t);
  for (const ws of sockets) ws.terminate();
  for (const s of raw) s.destroy();
  process.stdout.write(`${JSON.stringify({ ...sent, rooms: room })}\n`);
  process.exit(0);
}

void main();

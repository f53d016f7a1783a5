/**
 * The load of `pnpm bench signaling-scale`, in its own process: argv[2] a JSON config
 * `{ urls, clients, rooms, periodMs, warmupMs, measureMs, sdpBytes }`. Opens `clients` raw WebSocket
 * clients, two per room; the two of room i on instances i and i+1 (mod the number of URLs), so with
 * several instances every offer and answer crosses instances. Each pair then runs offer → answer every
 * `periodMs` (staggered). Latency is one way, sender to receiver (both in this process, one clock).
 * Prints one JSON line: latencies of the measured window (p50, p99, max, count) and errors.
 */
import WebSocket from "ws";

interface Config {
  readonly urls: string[];
  readonly clients: number;
  readonly rooms: number;
  readonly periodMs: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly sdpBytes: number;
}

const cfg = JSON.parse(process.argv[2] ?? "{}") as Config;
const pad = "a".repeat(cfg.sdpBytes);
const latencies: number[] = [];
let measuring = false;
let errors = 0;
const sockets: WebSocket[] = [];

interface Peer {
  ws: WebSocket;
  peerId: string;
  other: string;
}

function client(
  url: string,
  room: string,
): Promise<Peer & { peersAtJoin: string[]; joined: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    sockets.push(ws);
    const peer = { ws, peerId: "", other: "", peersAtJoin: [] as string[], joined: Promise.resolve("") };
    let announce: (id: string) => void = () => {};
    peer.joined = new Promise((r) => {
      announce = r;
    });
    ws.on("error", reject);
    ws.on("open", () => ws.send(JSON.stringify({ type: "join", room, id: "j" })));
    ws.on("message", (data) => {
      const m = JSON.parse(String(data)) as {
        type: string;
        peerId?: string;
        peers?: { peerId: string }[];
        peer?: { peerId: string };
        from?: string;
        sdp?: string;
      };
      switch (m.type) {
        case "welcome":
          peer.peerId = m.peerId ?? "";
          break;
        case "joined":
          peer.peersAtJoin = (m.peers ?? []).map((p) => p.peerId);
          resolve(peer);
          break;
        case "peer-joined":
          announce(m.peer?.peerId ?? "");
          break;
        case "offer":
        case "answer": {
          const sent = Number((m.sdp ?? "").slice(0, (m.sdp ?? "").indexOf(" ")));
          if (measuring) latencies.push(performance.now() - sent);
          if (m.type === "offer") {
            ws.send(JSON.stringify({ type: "answer", room, to: m.from, sdp: `${performance.now()} ${pad}` }));
          }
          break;
        }
        case "error":
          errors++;
          break;
      }
    });
  });
}

async function main(): Promise<void> {
  const pairs: { a: Peer; room: string }[] = [];
  const n = cfg.urls.length;
  // Connect in batches, so the servers are not measured on a connection storm.
  for (let base = 0; base < cfg.rooms; base += 50) {
    const batch = [];
    for (let i = base; i < Math.min(cfg.rooms, base + 50); i++) {
      const room = `room-${i}`;
      batch.push(
        (async () => {
          const a = await client(cfg.urls[i % n] as string, room);
          const b = await client(cfg.urls[(i + 1) % n] as string, room);
          a.other = await a.joined;
          b.other = b.peersAtJoin[0] ?? "";
          pairs.push({ a, room });
        })(),
      );
    }
    await Promise.all(batch);
  }
  process.stderr.write(`load: ${sockets.length} clients in ${pairs.length} rooms\n`);
  const timers = pairs.map(({ a, room }, i) =>
    setTimeout(
      () =>
        timers.push(
          setInterval(() => {
            a.ws.send(
              JSON.stringify({ type: "offer", room, to: a.other, sdp: `${performance.now()} ${pad}` }),
            );
          }, cfg.periodMs),
        ),
      (i * cfg.periodMs) / pairs.length,
    ),
  );
  await new Promise((r) => setTimeout(r, cfg.warmupMs));
  measuring = true;
  process.stdout.write(`${JSON.stringify({ measuring: true })}\n`);
  await new Promise((r) => setTimeout(r, cfg.measureMs));
  measuring = false;
  for (const t of timers) clearInterval(t);
  const s = [...latencies].sort((x, y) => x - y);
  const pct = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
  process.stdout.write(
    `${JSON.stringify({ count: s.length, p50: pct(0.5), p99: pct(0.99), max: s[s.length - 1], errors })}\n`,
  );
  for (const ws of sockets) ws.terminate();
  process.exit(0);
}

void main();

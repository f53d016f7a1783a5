/**
 * The README's Redis example: two signaling instances share rooms through one Redis; alice is on one,
 * bob on the other, and an offer and an answer cross between them. Uses $REDIS_URL, or starts a
 * redis-server of its own on a free port (Debian: `apt-get install -y redis-server`).
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { SignalingClient, startSignalingServer } from "@tern/signaling";

async function localRedis(): Promise<{ url: string; stop: () => void }> {
  const srv = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => srv.once("listening", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  const redis = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"]);
  await new Promise<void>((resolve, reject) => {
    redis.once("error", () => reject(new Error("no redis-server: apt-get install -y redis-server")));
    redis.stdout.on("data", (d: Buffer) => d.toString().includes("Ready to accept") && resolve());
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => redis.kill() };
}

const redis = process.env.REDIS_URL ? { url: process.env.REDIS_URL, stop: () => {} } : await localRedis();
const a = await startSignalingServer({ port: 0, redis: redis.url });
const b = await startSignalingServer({ port: 0, redis: redis.url });
// Each client knows both instances: if its instance goes away, it resumes on the other.
const alice = new SignalingClient([a.url, b.url], { name: "alice" });
const bob = new SignalingClient([b.url, a.url], { name: "bob" });
await alice.connect();
await bob.connect();
await alice.join("room-1");
const { peers } = await bob.join("room-1"); // alice, though she is on the other instance

alice.on("signal", (m) => {
  if (m.type === "offer") alice.send({ type: "answer", room: m.room, to: m.from, sdp: "v=0 (answer)" });
});
bob.on("signal", async (m) => {
  console.log(m.type, "from", m.from, "across instances", a.instanceId, "→", b.instanceId);
  await Promise.all([alice.close(), bob.close()]);
  await Promise.all([a.close(), b.close()]);
  redis.stop();
});
bob.send({ type: "offer", room: "room-1", to: peers[0]!.peerId, sdp: "v=0 (offer)" });

/**
 * `pnpm demo`: a signaling server on a free 127.0.0.1 port, then the sender and the receiver as separate
 * processes that meet in one room through it; their logs and live status shown as they run, then a
 * summary. Exit code 0 only if the receiver found every frame intact. With `--browser`: the sender
 * only, and a page served by the signaling server that any browser can open to receive the stream.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type RunningSignalingServer, startSignalingServer } from "@tern/signaling";
import pino from "pino";
import pinoPretty from "pino-pretty";
import { randomToken, randomU32 } from "../crypto/random-u32.js";
import type { DemoOptions } from "../demo-options.js";
import {
  type ChildMessage,
  isChildMessage,
  type PeerProcessConfig,
  type ReceiverResult,
  type SenderStreamReport,
} from "./demo-messages.js";
import { formatSummary } from "./demo-summary.js";
import { type LocalRedis, startLocalRedis } from "./local-redis.js";
import { startShapedLab } from "./natlab-link.js";
import { StatusBoard } from "./status-board.js";

export const PUBLIC_DIR = fileURLToPath(new URL("../../public/", import.meta.url));
const RECEIVER_NAME = "receiver";

export interface DemoIo {
  readonly out: NodeJS.WriteStream;
  readonly err: NodeJS.WriteStream;
  /** Resolves when the user asks to stop (Ctrl-C). */
  readonly interrupted: Promise<void>;
}

interface Peer {
  readonly name: string;
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<number | null>;
}

export async function runDemo(o: DemoOptions, io: DemoIo): Promise<number> {
  const board = new StatusBoard({ out: io.out, err: io.err, live: io.out.isTTY === true });
  const pretty = io.err.isTTY
    ? pinoPretty.prettyFactory({
        colorize: true,
        singleLine: true,
        translateTime: "HH:MM:ss.l",
        messageFormat: "{peer}: {msg}",
        ignore: "pid,hostname,peer",
      })
    : undefined;
  const show = (line: string): void => {
    if (!pretty || !line.startsWith("{")) {
      board.log(line);
      return;
    }
    try {
      board.log(pretty(line));
    } catch {
      board.log(line);
    }
  };
  const log = pino(
    { level: o.logLevel, base: { peer: "cli" } },
    { write: (line: string) => show(line.trimEnd()) },
  );
  const room = o.room ?? `demo-${randomToken()}`;
  const outDir = o.outDir ?? mkdtempSync(join(tmpdir(), "tern-demo-"));
  mkdirSync(outDir, { recursive: true });
  const lossSeed = o.lossSeed ?? randomU32();
  const debugging = o.logLevel === "debug" || o.logLevel === "trace";
  // --bitrate-limit: the peers run in the NAT lab, behind a shaped uplink (natlab-link.ts)
  const lab = o.bitrateLimitKbps === undefined ? undefined : await startShapedLab(o.bitrateLimitKbps, log);

  // With --redis: a second signaling instance sharing rooms through Redis; the receiver uses that one.
  let localRedis: LocalRedis | undefined;
  let redisUrl = o.redis;
  if (redisUrl === "") {
    try {
      localRedis = await startLocalRedis();
    } catch (err) {
      io.err.write(`${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
    redisUrl = localRedis.url;
  }
  const servers: RunningSignalingServer[] = [];
  for (let i = 0; i < (redisUrl === undefined ? 1 : 2); i++) {
    servers.push(
      await startSignalingServer({
        host: "127.0.0.1",
        port: i === 0 ? o.port : 0,
        ...(o.browser ? { staticDir: PUBLIC_DIR } : {}),
        ...(redisUrl !== undefined ? { redis: redisUrl } : {}),
        // The server's own info lines (every join, its counters at close) are for --log-level debug.
        logger: log.child(
          { layer: "signaling-server", instance: i },
          { level: debugging ? o.logLevel : "warn" },
        ),
      }),
    );
  }
  const server = servers[0] as RunningSignalingServer;
  const receiverUrl = (servers[1] ?? server).url;
  if (redisUrl !== undefined) {
    log.info(
      { redis: redisUrl, sender: server.url, receiver: receiverUrl, room },
      "two signaling instances up, through Redis",
    );
  } else log.info({ url: server.url, room }, "signaling server up");

  const base = {
    signalingUrl: lab?.signalingUrl ?? server.url,
    room,
    durationMs: Math.round(o.durationSec * 1000),
    receiverName: RECEIVER_NAME,
    iceAddresses: o.iceAddresses,
    iceServers: lab?.iceServers ?? o.iceServers,
    relayOnly: o.relayOnly,
    mdns: o.browser,
    lossPercent: o.lossPercent,
    lossSeed,
    outDir,
    logLevel: o.logLevel,
    statusIntervalMs: 500,
    drainMs: 5_000,
    epochMs: Date.now(),
    data: o.data,
    dataFile: o.dataFile,
    chat: o.data || o.browser,
  } satisfies Omit<PeerProcessConfig, "role" | "name">;

  const results: { receiver?: ReceiverResult; streams: SenderStreamReport[]; failures: string[] } = {
    streams: [],
    failures: [],
  };
  let stopping = false;
  let wake: () => void = () => {};
  const progressed = (): void => wake();
  const onMessage = (from: string, m: ChildMessage): void => {
    switch (m.type) {
      case "status":
        board.update(m.status);
        break;
      case "stream-ended":
        results.streams.push(m.report);
        break;
      case "receiver-result":
        results.receiver = m.result;
        break;
      case "failed":
        results.failures.push(`${from}: ${m.message}`);
        break;
      case "ready":
        break;
    }
    progressed();
  };
  const spawnPeer = (role: "sender" | "receiver", name: string): Peer => {
    const host = role === "sender" ? "host-a" : "host-b";
    const cfg: PeerProcessConfig = {
      ...base,
      role,
      name,
      signalingUrl: lab?.signalingUrl ?? (role === "sender" ? server.url : receiverUrl),
      ...(lab ? { iceAddresses: [lab.address(host)] } : {}),
    };
    const script = fileURLToPath(
      new URL(`./peer-process${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
    );
    const child = lab
      ? lab.spawnIn(host, script, [JSON.stringify(cfg)])
      : fork(script, [JSON.stringify(cfg)], { stdio: ["ignore", "pipe", "pipe", "ipc"] });
    if (child.stdout) createInterface({ input: child.stdout }).on("line", show);
    if (child.stderr) createInterface({ input: child.stderr }).on("line", (l) => board.log(`[${name}] ${l}`));
    const ready = new Promise<void>((resolve, reject) => {
      child.on("message", (m: unknown) => {
        if (!isChildMessage(m)) return;
        if (m.type === "ready") resolve();
        if (m.type === "failed") reject(new Error(m.message));
        onMessage(name, m);
      });
      child.once("exit", (code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
    });
    ready.catch(() => {});
    const exited = new Promise<number | null>((resolve) => {
      child.once("exit", (code) => {
        if (!stopping && code !== 0) results.failures.push(`${name} exited with code ${code}`);
        progressed();
        resolve(code);
      });
    });
    return { name, child, ready, exited };
  };

  const peers: Peer[] = [];
  let interrupted = false;
  void io.interrupted.then(() => {
    interrupted = true;
    progressed();
  });
  try {
    // Both at once: the sender offers to whoever is in the room when it joins, and to whoever joins later.
    peers.push(spawnPeer("sender", "sender"));
    if (!o.browser) peers.push(spawnPeer("receiver", RECEIVER_NAME));
    await Promise.all(peers.map((p) => p.ready));
    if (o.browser) {
      const url = `${server.httpUrl.replace(/\/$/, "")}/?room=${encodeURIComponent(room)}`;
      board.print(
        `Open ${url} in a browser (Chromium needs --allow-loopback-in-peer-connection); Ctrl-C to stop.`,
      );
    }
    const deadline = performance.now() + o.durationSec * 1000 + 30_000;
    const done = (): boolean =>
      interrupted ||
      results.failures.length > 0 ||
      (!o.browser && results.receiver !== undefined && results.streams.length > 0) ||
      (!o.browser && performance.now() > deadline);
    while (!done()) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 250);
      });
    }
    if (!o.browser && !results.receiver && !interrupted && results.failures.length === 0)
      results.failures.push("timed out waiting for the receiver's result");
  } catch (err) {
    results.failures.push(err instanceof Error ? err.message : String(err));
  } finally {
    stopping = true;
    for (const p of peers) if (p.child.connected) p.child.send({ type: "stop" });
    await Promise.race([Promise.all(peers.map((p) => p.exited)), new Promise((r) => setTimeout(r, 3000))]);
    for (const p of peers) if (p.child.exitCode === null) p.child.kill("SIGKILL");
    for (const s of servers) await s.close();
    await localRedis?.stop();
    lab?.close();
    board.close();
  }
  // --data: the receiver checked the file and got the sender's line; the sender got the receiver's
  const chatBack = results.streams.some((st) => (st.data?.chatIn.length ?? 0) > 0);
  const ok =
    results.failures.length === 0 &&
    (o.browser ? true : results.receiver?.intact === true && (!o.data || chatBack));
  board.print(
    formatSummary({
      options: o,
      lossSeed,
      statuses: board.all,
      receiver: results.receiver,
      streams: results.streams,
      failures: results.failures,
      ok,
    }),
  );
  await new Promise<void>((resolve) => log.flush(() => resolve()));
  return ok ? 0 : 1;
}

/**
 * `pnpm demo` end to end, as the README runs it: the CLI starts a signaling server and two peer
 * processes that stream the clip; it must exit 0, and recv.ivf / recv.ogg must hold the clip's frames,
 * looped, byte for byte, in order, none missing. With `--loss 5` (RTP dropped at the receiver), NACK +
 * RTX must still deliver every video frame. With `--data --data-file`, a file goes on a data channel
 * beside the media: recv-file.bin must be that file, and a chat line must have gone each way.
 */
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeIvf, decodeOggOpus } from "@tern/rtp";
import { withTimeout } from "@tern/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { loadMediaClip } from "../../src/media/media-clip.js";
import { startDemo } from "./demo-process.js";

const clip = loadMediaClip();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function outDir(): string {
  const d = mkdtempSync(join(tmpdir(), "tern-demo-test-"));
  dirs.push(d);
  return d;
}

function recvVideo(dir: string): Uint8Array[] {
  const f = decodeIvf(new Uint8Array(readFileSync(join(dir, "recv.ivf"))));
  if (!f.ok) throw new Error(`recv.ivf: ${f.error.code}`);
  return f.value.frames.map((fr) => fr.data);
}

function recvAudio(dir: string): Uint8Array[] {
  const f = decodeOggOpus(new Uint8Array(readFileSync(join(dir, "recv.ogg"))));
  if (!f.ok) throw new Error(`recv.ogg: ${String(f.error.code)}`);
  return f.value.frames.map((p) => p.data);
}

/** Every frame equal to the clip's, looped: frame i is clip frame i mod length. */
function expectLoopedClip(
  got: readonly Uint8Array[],
  clipFrames: readonly { data: Uint8Array }[],
  expected: number,
): void {
  expect(got.length).toBe(expected);
  for (let i = 0; i < got.length; i++) {
    const want = clipFrames[i % clipFrames.length]?.data ?? new Uint8Array();
    expect(Buffer.compare(got[i] ?? new Uint8Array(), want), `frame ${i}`).toBe(0);
  }
}

async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const demo = startDemo(args);
  try {
    const code = await withTimeout(demo.exited, 60_000, `pnpm demo ${args.join(" ")}`);
    return { code, ...demo.output };
  } finally {
    if (demo.child.exitCode === null) demo.child.kill("SIGKILL");
  }
}

describe("pnpm demo (two Node peers, separate processes)", () => {
  it("--data: a file on a data channel beside the media (SHA-256 checked, recv-file.bin identical) and a chat line each way", async () => {
    const dir = outDir();
    const file = join(dir, "sent.bin");
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 12345);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >>> 9)) & 0xff;
    writeFileSync(file, bytes);
    const r = await run(["--duration", "2", "--data", "--data-file", file, "--out", dir]);
    expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr.slice(-6000)}`).toBe(0);
    expect(r.stdout).toContain("RESULT: media and data arrived intact (exit 0)");
    expect(r.stdout).toMatch(/data: sent\.bin 3084\.1 KiB on a data channel, SHA-256 [0-9a-f]{16}… matches/);
    expect(r.stdout).toContain(
      'chat: sender → receiver "hello from the sender", receiver → sender "hello from the receiver"',
    );
    expect(r.stdout).toMatch(/video: 60\/60 frames byte-identical/);
    expect(Buffer.compare(readFileSync(join(dir, "recv-file.bin")), bytes)).toBe(0);
  }, 90_000);

  it("streams 3 s of VP8 + Opus; exit 0; recv.ivf and recv.ogg are the clip, byte for byte", async () => {
    const dir = outDir();
    const r = await run(["--duration", "3", "--out", dir]);
    expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr.slice(-6000)}`).toBe(0);
    expect(r.stdout).toContain("RESULT: media arrived intact (exit 0)");
    expect(r.stdout).toMatch(/video: 90\/90 frames byte-identical, in order, none missing/);
    expect(r.stdout).toMatch(/audio: 150\/150 frames byte-identical, in order, none missing/);
    expect(r.stdout).toMatch(
      // DTLS 1.3 (a TLS 1.3 suite) between two Tern peers
      /DTLS AES_\d+_GCM_SHA\d+, SRTP (AES128_CM_HMAC_SHA1_(80|32)|AEAD_AES_(128|256)_GCM)/,
    );
    // Live status lines were printed while it ran (plain lines: stdout is a pipe here).
    expect(r.stdout).toMatch(/sender → receiver \| ICE (connected|completed) \(host → host\)/);
    expect(r.stdout).toMatch(/receiver ← sender \| ICE (connected|completed)/);
    // The files, checked here independently of the demo's own check.
    expectLoopedClip(recvVideo(dir), clip.video.frames, 90);
    expectLoopedClip(recvAudio(dir), clip.audio.frames, 150);
    // pino JSON logs on stderr.
    const first = r.stderr.split("\n").find((l) => l.startsWith("{"));
    expect(JSON.parse(first ?? "null")).toMatchObject({ level: 30 });
  }, 90_000);

  it("with --redis, sender and receiver on two signaling instances sharing the room through Redis", async () => {
    if (!existsSync("/usr/bin/redis-server"))
      throw new Error("redis-server is missing: install it with `apt-get install -y redis-server`");
    const dir = outDir();
    const r = await run(["--duration", "2", "--redis", "--out", dir]);
    expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr.slice(-6000)}`).toBe(0);
    expect(r.stdout).toContain("RESULT: media arrived intact (exit 0)");
    const up = r.stderr.split("\n").find((l) => l.includes("two signaling instances up, through Redis"));
    const entry = JSON.parse(up ?? "null") as { sender: string; receiver: string; redis: string };
    expect(entry.redis).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(entry.sender).not.toBe(entry.receiver);
    expectLoopedClip(recvVideo(dir), clip.video.frames, 60);
  }, 90_000);

  it("with --loss 5, drops RTP at the receiver and NACK/RTX still deliver every video frame", async () => {
    const dir = outDir();
    const r = await run(["--duration", "3", "--loss", "5", "--loss-seed", "12345", "--out", dir]);
    expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr.slice(-6000)}`).toBe(0);
    const loss = r.stdout.match(
      /--loss 5% \(seed 12345\): (\d+) RTP datagrams dropped before the receiver; (\d+) NACKs, (\d+) retransmissions received; video complete/,
    );
    expect(loss, r.stdout).not.toBeNull();
    const [, dropped, nacks, rtx] = (loss ?? []).map(Number);
    expect(dropped).toBeGreaterThan(0);
    expect(nacks).toBeGreaterThan(0);
    expect(rtx).toBeGreaterThan(0);
    expectLoopedClip(recvVideo(dir), clip.video.frames, 90);
    // Audio is repaired by NACK too, not always in time: what arrived is intact, no more missing than dropped.
    const missing = Number(r.stdout.match(/audio missing (\d+)/)?.[1]);
    expect(missing).toBeLessThanOrEqual(dropped ?? 0);
    expect(r.stdout).toMatch(
      missing === 0
        ? /audio: 150\/150 frames byte-identical, in order, none missing/
        : new RegExp(
            `audio: ${150 - missing}/150 frames ${150 - missing} byte-identical, ${missing} missing, 0 corrupt, 0 out of order, 0 unknown`,
          ),
    );
    expect(recvAudio(dir)).toHaveLength(150 - missing);
  }, 90_000);

  it("with --turn and --relay-only, the media goes through coturn (relay → relay) and arrives intact", async () => {
    const TURNSERVER = "/usr/bin/turnserver";
    if (!existsSync(TURNSERVER))
      throw new Error(`${TURNSERVER} is missing: install it with \`apt-get install -y coturn\``);
    const port = await freeUdpPort();
    const turn = spawn(
      TURNSERVER,
      [
        "-n",
        "--listening-ip=127.0.0.1",
        "--relay-ip=127.0.0.1",
        `--listening-port=${port}`,
        "--user=demo:secret",
        "--realm=tern.test",
        "--lt-cred-mech",
        "--no-tls",
        "--no-dtls",
        "--allow-loopback-peers",
        "--no-cli",
        "--log-file=stdout",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let turnLog = "";
    turn.stdout?.setEncoding("utf8").on("data", (d: string) => {
      turnLog += d;
    });
    try {
      await withTimeout(
        new Promise<void>((resolve) => {
          const check = (): void => {
            if (/listener opened on|Total General servers/i.test(turnLog)) resolve();
          };
          turn.stdout?.on("data", check);
        }),
        10_000,
        "coturn to listen",
      );
      const dir = outDir();
      const r = await run([
        "--duration",
        "2",
        "--turn",
        `turn:127.0.0.1:${port}?transport=udp`,
        "--turn-username",
        "demo",
        "--turn-credential",
        "secret",
        "--relay-only",
        "--out",
        dir,
      ]);
      expect(
        r.code,
        `stdout:\n${r.stdout}\nstderr:\n${r.stderr.slice(-6000)}\ncoturn:\n${turnLog.slice(-3000)}`,
      ).toBe(0);
      expect(r.stdout).toMatch(/sender → receiver: connected, ICE (connected|completed) via relay → relay/);
      expectLoopedClip(recvVideo(dir), clip.video.frames, 60);
      expectLoopedClip(recvAudio(dir), clip.audio.frames, 100);
    } finally {
      turn.kill("SIGTERM");
    }
  }, 90_000);
});

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket("udp4");
    s.once("error", reject);
    s.bind(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The command line of `pnpm demo` (node:util parseArgs). Bad input is a value, not a throw. */
import { parseArgs } from "node:util";
import type { IceServer } from "@tern/ice";

export interface DemoOptions {
  readonly durationSec: number;
  readonly lossPercent: number;
  readonly lossSeed: number | undefined;
  readonly iceServers: readonly IceServer[];
  readonly relayOnly: boolean;
  readonly iceAddresses: readonly string[];
  readonly browser: boolean;
  /** `--data`: a file on a data channel beside the media (SHA-256 checked), and a chat line both ways. */
  readonly data: boolean;
  /** `--data-file <path>`: the file to send (default: 4 MiB of random bytes). */
  readonly dataFile: string | undefined;
  readonly port: number;
  readonly outDir: string | undefined;
  readonly room: string | undefined;
  readonly logLevel: string;
  /** Run in the NAT lab with the sender's uplink shaped to this many kbit/s (root). */
  readonly bitrateLimitKbps: number | undefined;
  /** `--redis [url]`: two signaling instances sharing rooms through Redis ("" = start a local one). */
  readonly redis: string | undefined;
  readonly help: boolean;
}

export const USAGE = `Usage: pnpm demo [options]

Streams a VP8 + Opus clip from one Node peer to another (separate processes, found through a
Tern signaling server on 127.0.0.1), checks every frame, and exits 0 only if all arrived intact.

  --duration <s>          seconds of media (default 5)
  --loss <pct>            drop that share of incoming RTP at the receiver (NACK repairs it: RTX video, audio too)
  --loss-seed <n>         seed of the loss pattern (default random, printed)
  --stun <url>            a STUN server, e.g. stun:127.0.0.1:3478 (repeatable)
  --turn <url>            a TURN server, e.g. turn:127.0.0.1:3478?transport=udp (repeatable)
  --turn-username <u>     TURN credentials
  --turn-credential <p>
  --relay-only            use relayed candidates only (with --turn)
  --ice-address <ip>      local address to gather on (repeatable, default 127.0.0.1)
  --browser               serve a page on 127.0.0.1 and stream to every browser that opens it,
                          until Ctrl-C (no Node receiver); the page can chat on a data channel
  --data                  also send a file on a data channel (SHA-256 checked at the receiver) and a
                          chat line each way; the exit code covers them too
  --data-file <path>      the file --data sends (default: 4 MiB of random bytes)
  --port <n>              signaling/HTTP port (default: a free one)
  --out <dir>             where recv.ivf and recv.ogg go (default: a new temp dir)
  --room <name>           signaling room (default: demo-<random>)
  --redis [url]           two signaling instances sharing rooms through Redis, the sender on one and
                          the receiver on the other; without a URL a local redis-server is started
  --log-level <level>     pino level: trace, debug, info, warn, error, silent (default info)
  --bitrate-limit <kbit/s> run in the NAT lab (root) with the sender's uplink shaped to this rate
                          (tc tbf): watch the congestion-control estimate find it
  -h, --help`;

export type DemoOptionsParsed =
  | { readonly ok: true; readonly value: DemoOptions }
  | { readonly ok: false; readonly error: { readonly code: "bad-option"; readonly message: string } };

const LEVELS = new Set(["trace", "debug", "info", "warn", "error", "fatal", "silent"]);

function bad(message: string): DemoOptionsParsed {
  return { ok: false, error: { code: "bad-option", message } };
}

function numberIn(text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
}

export function parseDemoOptions(argv: readonly string[]): DemoOptionsParsed {
  let parsed: ReturnType<typeof parse>;
  try {
    // `--redis` takes an optional URL: `--redis redis://…`, `--redis=redis://…`, or `--redis` alone.
    const args: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i] as string;
      const next = argv[i + 1];
      if (a === "--redis") {
        const url = next !== undefined && /^rediss?:\/\//.test(next) ? next : "";
        if (url !== "") i++;
        args.push(`--redis=${url}`);
      } else args.push(a);
    }
    parsed = parse(args);
  } catch (err) {
    return bad(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  const durationSec = v.duration === undefined ? 5 : numberIn(v.duration, 0.5, 3600);
  if (durationSec === undefined) return bad("--duration wants seconds between 0.5 and 3600");
  const lossPercent = v.loss === undefined ? 0 : numberIn(v.loss, 0, 50);
  if (lossPercent === undefined) return bad("--loss wants a percentage between 0 and 50");
  const lossSeed = v["loss-seed"] === undefined ? undefined : numberIn(v["loss-seed"], 0, 0xffff_ffff);
  if (v["loss-seed"] !== undefined && (lossSeed === undefined || !Number.isInteger(lossSeed)))
    return bad("--loss-seed wants an integer between 0 and 4294967295");
  const port = v.port === undefined ? 0 : numberIn(v.port, 0, 65535);
  if (port === undefined || !Number.isInteger(port)) return bad("--port wants 0..65535");
  const logLevel = v["log-level"] ?? "info";
  if (!LEVELS.has(logLevel)) return bad(`--log-level wants one of ${[...LEVELS].join(", ")}`);
  const iceServers: IceServer[] = [];
  for (const url of v.stun ?? []) {
    if (!/^stuns?:/.test(url)) return bad(`--stun wants a stun: URL, got ${url}`);
    iceServers.push({ urls: url });
  }
  for (const url of v.turn ?? []) {
    if (!/^turns?:/.test(url)) return bad(`--turn wants a turn: or turns: URL, got ${url}`);
    iceServers.push({
      urls: url,
      ...(v["turn-username"] !== undefined ? { username: v["turn-username"] } : {}),
      ...(v["turn-credential"] !== undefined ? { credential: v["turn-credential"] } : {}),
    });
  }
  const relayOnly = v["relay-only"] ?? false;
  if (relayOnly && (v.turn ?? []).length === 0) return bad("--relay-only needs a --turn server");
  const bitrateLimitKbps =
    v["bitrate-limit"] === undefined ? undefined : numberIn(v["bitrate-limit"], 50, 100_000);
  if (v["bitrate-limit"] !== undefined && bitrateLimitKbps === undefined)
    return bad("--bitrate-limit wants kbit/s between 50 and 100000");
  if (bitrateLimitKbps !== undefined && (v.browser ?? false))
    return bad("--bitrate-limit runs both peers in the NAT lab: not with --browser");
  const redis = v.redis;
  if (redis !== undefined && redis !== "" && !/^rediss?:\/\/[^\s]+$/.test(redis))
    return bad("--redis wants a redis:// URL, or nothing to start a local redis-server");
  if (redis !== undefined && v.browser) return bad("--redis and --browser do not go together");
  if (v["data-file"] !== undefined && !v.data) return bad("--data-file goes with --data");
  if (bitrateLimitKbps !== undefined && redis !== undefined)
    return bad("--bitrate-limit runs its own signaling in the NAT lab: not with --redis");
  const room = v.room;
  if (room !== undefined && !/^[\w.-]{1,64}$/.test(room)) return bad("--room wants 1..64 of [A-Za-z0-9_.-]");
  return {
    ok: true,
    value: {
      durationSec,
      lossPercent,
      lossSeed,
      iceServers,
      relayOnly,
      iceAddresses: v["ice-address"] && v["ice-address"].length > 0 ? v["ice-address"] : ["127.0.0.1"],
      browser: v.browser ?? false,
      data: v.data ?? false,
      dataFile: v["data-file"],
      port,
      outDir: v.out,
      room,
      logLevel,
      bitrateLimitKbps,
      redis,
      help: v.help ?? false,
    },
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      duration: { type: "string" },
      loss: { type: "string" },
      "loss-seed": { type: "string" },
      stun: { type: "string", multiple: true },
      turn: { type: "string", multiple: true },
      "turn-username": { type: "string" },
      "turn-credential": { type: "string" },
      "relay-only": { type: "boolean" },
      "ice-address": { type: "string", multiple: true },
      browser: { type: "boolean" },
      data: { type: "boolean" },
      "data-file": { type: "string" },
      port: { type: "string" },
      out: { type: "string" },
      room: { type: "string" },
      "log-level": { type: "string" },
      "bitrate-limit": { type: "string" },
      redis: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

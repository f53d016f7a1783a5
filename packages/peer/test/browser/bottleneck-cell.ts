/**
 * One bottleneck cell: a browser page (in the suite's namespace, gathering on bn0) and a Tern peer process
 * (in the shaped namespace, bottleneck-peer.ts) connected through `tc tbf` both ways; media one way for
 * `durationMs`, sampled every second on both sides (getStats) and at the qdiscs. Returns the samples and
 * the figures the suite asserts on; keeps the page console and Tern's output.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { withTimeout } from "@tern/test-support";
import { type BottleneckLink, BROWSER_ADDRESS, type QdiscStats, TERN_ADDRESS } from "./bottleneck-netns.js";
import type { BottleneckPeerIn, BottleneckPeerOut, TernSample } from "./bottleneck-peer.js";
import type { BrowserSession } from "./browser-launch.js";

export type CellKind = "tern-sends" | "browser-sends" | "browser-sends-without-tern-feedback";

/** What the page's stats() returns (bottleneck-page.js). */
export interface PageSample {
  readonly at: number;
  readonly inbound?: {
    readonly bytesReceived: number;
    readonly framesDecoded: number;
    readonly framesDropped?: number;
    readonly jitterBufferDelay: number;
    readonly jitterBufferEmittedCount: number;
    readonly freezeCount?: number;
    readonly totalFreezesDuration?: number;
    readonly packetsLost: number;
    readonly pliCount?: number;
    readonly nackCount?: number;
    readonly frameWidth?: number;
  };
  readonly outbound?: {
    readonly bytesSent: number;
    readonly headerBytesSent?: number;
    readonly targetBitrate?: number;
    readonly frameWidth?: number;
    readonly qualityLimitationReason?: string;
  };
  readonly remoteInbound?: {
    readonly roundTripTime?: number;
    readonly fractionLost?: number;
    readonly packetsLost?: number;
  };
  readonly pair?: { readonly availableOutgoingBitrate?: number; readonly currentRoundTripTime?: number };
}

export interface CellSample {
  readonly second: number;
  readonly page: PageSample;
  readonly tern: TernSample;
  readonly qdisc: { readonly toBrowser: QdiscStats; readonly toTern: QdiscStats };
}

export interface CellRun {
  readonly kind: CellKind;
  readonly samples: readonly CellSample[];
  readonly pageConsole: readonly string[];
  readonly ternOutput: readonly string[];
}

const PAGE_DIR = new URL("./page/", import.meta.url);
const PEER = fileURLToPath(new URL("./bottleneck-peer.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** The bottleneck page on 127.0.0.1 (a secure context for getUserMedia). */
export async function startBottleneckPage(): Promise<{ url: string; close(): Promise<void> }> {
  const files: Record<string, string> = {
    "/bottleneck.html": "text/html; charset=utf-8",
    "/bottleneck-page.js": "text/javascript; charset=utf-8",
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const type = files[path];
    if (!type) {
      res.writeHead(path === "/favicon.ico" ? 204 : 404).end();
      return;
    }
    res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
    res.end(readFileSync(new URL(`.${path}`, PAGE_DIR)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/bottleneck.html`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The Tern peer process in the shaped namespace, with a line-based request/response. */
class TernProcess {
  readonly output: string[] = [];
  readonly #child: ChildProcess;
  readonly #waiters: { type: BottleneckPeerOut["type"]; resolve: (m: BottleneckPeerOut) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor(ns: string, mode: "send" | "receive") {
    this.#child = spawn(
      "ip",
      [
        "netns",
        "exec",
        ns,
        process.execPath,
        "--conditions=tern-source",
        "--import",
        "tsx",
        PEER,
        JSON.stringify({ address: TERN_ADDRESS, mode }),
      ],
      { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"] },
    );
    this.exited = new Promise((resolve) => this.#child.once("exit", resolve));
    createInterface({ input: this.#child.stderr as NodeJS.ReadableStream }).on("line", (l) =>
      this.output.push(`stderr: ${l}`),
    );
    createInterface({ input: this.#child.stdout as NodeJS.ReadableStream }).on("line", (l) => {
      this.output.push(l);
      let m: BottleneckPeerOut;
      try {
        m = JSON.parse(l) as BottleneckPeerOut;
      } catch {
        return;
      }
      const i = this.#waiters.findIndex((w) => w.type === m.type || m.type === "error");
      if (i >= 0) this.#waiters.splice(i, 1)[0]?.resolve(m);
    });
  }

  next<T extends BottleneckPeerOut["type"]>(type: T): Promise<Extract<BottleneckPeerOut, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.#waiters.push({
        type,
        resolve: (m) => {
          if (m.type === "error") reject(new Error(`Tern peer: ${m.message}`));
          else resolve(m as Extract<BottleneckPeerOut, { type: T }>);
        },
      });
    });
  }

  send(m: BottleneckPeerIn): void {
    this.#child.stdin?.write(`${JSON.stringify(m)}\n`);
  }

  kill(): void {
    this.#child.kill("SIGKILL");
  }
}

/** The browser's offer with only its candidates on bn0: the path goes through the shaped veth. */
function onlyBottleneckCandidates(sdp: string): string {
  return sdp
    .split("\r\n")
    .filter((l) => !l.startsWith("a=candidate:") || l.split(" ")[4] === BROWSER_ADDRESS)
    .join("\r\n");
}

export async function runBottleneckCell(
  session: BrowserSession,
  link: BottleneckLink,
  kind: CellKind,
  durationMs: number,
): Promise<CellRun> {
  link.shape(1000, 100);
  const tern = new TernProcess(link.ns, kind === "tern-sends" ? "send" : "receive");
  const page = await session.newPage();
  const samples: CellSample[] = [];
  let offered = "";
  try {
    await page.call("open", { send: kind !== "tern-sends" });
    offered = await withTimeout(page.call<string>("offer"), 10_000, "the browser's offer");
    const offer = onlyBottleneckCandidates(offered);
    const answered = tern.next("answer");
    tern.send({
      type: "offer",
      sdp: offer,
      stripTransportCc: kind === "browser-sends-without-tern-feedback",
    });
    const { sdp } = await withTimeout(answered, 20_000, "Tern's answer");
    const connected = tern.next("connected");
    await page.call("applyAnswer", sdp);
    await withTimeout(connected, 15_000, "Tern connected");
    await withTimeout(
      (async () => {
        while ((await page.call<string>("state")) !== "connected")
          await new Promise((r) => setTimeout(r, 50));
      })(),
      15_000,
      "the browser connected",
    );
    const start = performance.now();
    for (let second = 1; second * 1000 <= durationMs; second++) {
      await new Promise((r) => setTimeout(r, Math.max(0, start + second * 1000 - performance.now())));
      const stats = tern.next("stats");
      tern.send({ type: "stats" });
      const [p, t] = await withTimeout(Promise.all([page.call<PageSample>("stats"), stats]), 5000, "stats");
      samples.push({ second, page: p, tern: t.sample, qdisc: link.stats() });
    }
    return { kind, samples, pageConsole: page.console, ternOutput: tern.output };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const candidates = offered.split("\r\n").filter((l) => l.startsWith("a=candidate:"));
    e.message = `${kind}: ${e.message}\n--- the browser's candidates ---\n${candidates.join("\n")}\n--- page console ---\n${page.console.join("\n")}\n--- Tern ---\n${tern.output.slice(-40).join("\n")}`;
    throw e;
  } finally {
    tern.send({ type: "bye" });
    await withTimeout(tern.exited, 5000, "Tern peer exit").catch(() => tern.kill());
    await page.call("close").catch(() => undefined);
    await page.close().catch(() => undefined);
  }
}

/**
 * The browser client module as a browser would get it: fetched over HTTP from the signaling server, then
 * imported by plain Node (a child process, no bundler or transform) with `ws` standing in for the
 * browser's WebSocket, and used to talk to a Node client. Also the HTTP side's static directory.
 */
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SignalingClient, startSignalingServer } from "../../src/index.js";
import { Cleanup, waitFor } from "./harness.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
const dir = mkdtempSync(join(tmpdir(), "tern-signaling-browser-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The ESM entry of ws (its "exports" import condition), as an absolute path the child can import.
const wsModule = join(dirname(createRequire(import.meta.url).resolve("ws")), "wrapper.mjs");

/** GET with a raw path (no URL normalisation), for traversal attempts. */
function rawGet(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("browser client module", () => {
  it("is served as JavaScript, imports as plain ESM in Node, and signals with a Node client", {
    timeout: 15_000,
  }, async () => {
    const srv = await cleanup.server();
    const res = await fetch(`${srv.httpUrl}signaling-client.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const source = await res.text();
    expect(source).not.toMatch(/^\s*import\s/m); // dependency-free
    writeFileSync(join(dir, "signaling-client.js"), source);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(
      join(dir, "browser.js"),
      `import { WebSocket } from ${JSON.stringify(wsModule)};
globalThis.WebSocket = WebSocket; // the shim: ws has the browser's addEventListener API
const { SignalingClient } = await import("./signaling-client.js");
const c = new SignalingClient(process.argv[2], { name: "browser" });
const w = await c.connect();
const joined = await c.join("r");
c.on("signal", (m) => {
  if (m.type === "offer") c.send({ type: "answer", room: "r", to: m.from, sdp: "answer to " + m.sdp });
  if (m.type === "bye") {
    console.log(JSON.stringify({ peerId: w.peerId, peers: joined.peers, bye: m.reason }));
    c.close();
  }
});
`,
    );
    const node = cleanup.add(new SignalingClient(srv.url, { name: "node", reconnect: false }), (c) =>
      c.close(),
    );
    const wn = await node.connect();
    await node.join("r");
    const browserJoined = waitFor(node, "peer-joined");
    const child = new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [join(dir, "browser.js"), srv.url],
        { timeout: 10_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      );
    });
    const [pj] = await browserJoined;
    expect(pj.peer.name).toBe("browser");
    const answered = waitFor(node, "signal");
    node.send({ type: "offer", room: "r", to: pj.peer.peerId, sdp: "v=0 offer" });
    expect((await answered)[0]).toEqual({
      type: "answer",
      room: "r",
      from: pj.peer.peerId,
      sdp: "answer to v=0 offer",
    });
    node.send({ type: "bye", room: "r", to: pj.peer.peerId, reason: "done" });
    const out = JSON.parse(await child) as { peerId: string; peers: unknown; bye: string };
    expect(out).toEqual({
      peerId: pj.peer.peerId,
      peers: [{ peerId: wn.peerId, name: "node" }],
      bye: "done",
    });
  });

  it("gives up reconnecting after maxAttempts when its server is gone for good (it used to retry forever)", {
    timeout: 15_000,
  }, async () => {
    const srv = await startSignalingServer({ port: 0, host: "127.0.0.1" });
    const source = await (await fetch(`${srv.httpUrl}signaling-client.js`)).text();
    writeFileSync(join(dir, "signaling-client.js"), source);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(
      join(dir, "gives-up.js"),
      `import { WebSocket } from ${JSON.stringify(wsModule)};
// Like a browser's, a failed connection fires "error" then "close" and throws nothing (ws would throw an
// unhandled 'error' from its EventEmitter side).
globalThis.WebSocket = class extends WebSocket {
  constructor(...args) {
    super(...args);
    this.on("error", () => {});
  }
};
const { SignalingClient } = await import("./signaling-client.js");
const c = new SignalingClient(process.argv[2], { reconnect: { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 } });
const events = [];
c.on("disconnected", (d) => events.push(d.willReconnect));
c.on("state", (s) => {
  if (s === "closed") {
    console.log(JSON.stringify({ events, state: c.state }));
    process.exit(0);
  }
});
await c.connect();
console.log("connected");
`,
    );
    const child = spawn(process.execPath, [join(dir, "gives-up.js"), srv.url], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    cleanup.add(child, (c) => c.kill());
    const lines = createInterface({ input: child.stdout });
    const out: string[] = [];
    const gotLine = (): Promise<string> => new Promise((resolve) => lines.once("line", resolve));
    out.push(await gotLine());
    expect(out[0]).toBe("connected");
    await srv.close(); // and nothing listens there again
    const summary = JSON.parse(await gotLine()) as { events: boolean[]; state: string };
    // The loss and two failed retries say "will reconnect"; the third failed retry says it will not.
    expect(summary).toEqual({ events: [true, true, true, false], state: "closed" });
  });

  it("serves a static directory, confined to it", { timeout: 10_000 }, async () => {
    const root = join(dir, "static");
    mkdirSync(join(root, "sub"), { recursive: true });
    writeFileSync(join(root, "index.html"), "<!doctype html><title>demo</title>");
    writeFileSync(join(root, "sub", "app.js"), "export const x = 1;\n");
    writeFileSync(join(dir, "secret.txt"), "do not serve");
    symlinkSync(join(dir, "secret.txt"), join(root, "escape.txt"));
    const srv = await cleanup.server({ staticDir: root });
    expect(await rawGet(srv.port, "/")).toMatchObject({ status: 200, type: "text/html; charset=utf-8" });
    expect(await rawGet(srv.port, "/sub/app.js")).toEqual({
      status: 200,
      type: "text/javascript; charset=utf-8",
      body: "export const x = 1;\n",
    });
    expect((await rawGet(srv.port, "/signaling-client.js")).status).toBe(200);
    for (const path of [
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/sub/..%2f..%2fsecret.txt",
      "/escape.txt",
      "/nope",
    ]) {
      const r = await rawGet(srv.port, path);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain("do not serve");
    }
  });
});

/**
 * Data channels between Tern (its W3C RTCPeerConnection) and a browser, one cell per offerer × data only
 * or data + audio + video × Tern's DTLS role. Each cell: the offerer's channel and the answerer's (DCEP), a
 * `negotiated: true` channel with id 100; 1,000 messages each way of mixed sizes up to 64 KiB, strings and
 * binary, compared digest by digest in order; a 10 MiB file each way in 64 KiB messages with bufferedAmount
 * flow control, verified by SHA-256; an unordered `maxRetransmits: 0` channel each way; a channel closed by
 * each side, seen closed at both. Whole SDP through page.evaluate; only loopback candidates cross.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { withTimeout } from "@tern/test-support";
import { expect } from "vitest";
import { type RTCDataChannel, RTCPeerConnection } from "../../src/w3c/index.js";
import type { BrowserName, BrowserPage } from "./browser-launch.js";
import { type Digest, digest, fileBytes, message } from "./data-channel-messages.js";
import { loopbackOnly } from "./jsep-pages.js";

export interface DataChannelCell {
  readonly offerer: "tern" | "browser";
  readonly media: boolean;
  readonly ternRole: "client" | "server";
}

export const DATA_CHANNEL_CELLS: readonly DataChannelCell[] = (["tern", "browser"] as const).flatMap(
  (offerer) =>
    [false, true].flatMap((media) =>
      (["client", "server"] as const).map((ternRole) => ({ offerer, media, ternRole })),
    ),
);

export function dataCellName(c: DataChannelCell): string {
  return `${c.offerer === "tern" ? "Tern offers" : "the browser offers"}, ${c.media ? "data + audio + video" : "data only"}, Tern is the DTLS ${c.ternRole}`;
}

const MESSAGES = 1000;
const FILE_BYTES = 10 * 1024 * 1024;
const CHUNK = 65536;

const PAGE: Record<string, { type: string; file: URL }> = {
  "/datachannel.html": {
    type: "text/html; charset=utf-8",
    file: new URL("./page/datachannel.html", import.meta.url),
  },
  "/datachannel-page.js": {
    type: "text/javascript; charset=utf-8",
    file: new URL("./page/datachannel-page.js", import.meta.url),
  },
};

export async function startDataChannelPage(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const entry = PAGE[(req.url ?? "/").split("?")[0] ?? "/"];
    if (!entry) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": entry.type, "cache-control": "no-store" });
    res.end(readFileSync(entry.file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/datachannel.html`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface PageChannel {
  readonly id: number | null;
  readonly readyState: string;
  readonly ordered: boolean;
  readonly maxRetransmits: number | null;
  readonly protocol: string;
  readonly negotiated: boolean;
  readonly received: number;
  readonly closing: boolean;
  readonly closed: boolean;
  readonly errors: string[];
}
interface PageState {
  readonly connection: string;
  readonly sctp: string | undefined;
  readonly maxMessageSize: number | undefined;
  readonly channels: Record<string, PageChannel>;
}

async function until(pred: () => boolean | Promise<boolean>, ms: number, what: () => string): Promise<void> {
  let ok = false;
  const check = async (): Promise<void> => {
    while (!ok) {
      ok = await pred();
      if (!ok) await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    await withTimeout(check(), ms, "");
  } catch {
    ok = true; // stops the loop
    throw new Error(`timed out after ${ms} ms: ${what()}`);
  }
}

/** What Tern's side of a channel got: digests in order, or (in file mode) a running SHA-256. */
class TernEnd {
  readonly digests: Digest[] = [];
  file: { hash: ReturnType<typeof createHash>; bytes: number } | undefined;
  closed = false;
  closing = false;
  constructor(readonly channel: RTCDataChannel) {
    channel.addEventListener("message", (e) => {
      const d = (e as MessageEvent).data as string | ArrayBuffer;
      if (this.file && typeof d !== "string") {
        this.file.hash.update(new Uint8Array(d));
        this.file.bytes += d.byteLength;
        return;
      }
      this.digests.push(digest(typeof d === "string" ? d : new Uint8Array(d)));
    });
    channel.addEventListener("closing", () => {
      this.closing = true;
    });
    channel.addEventListener("close", () => {
      this.closed = true;
    });
  }
}

/** Sends with bufferedAmount flow control (≤ 1 MiB queued), as an application would. */
async function flowSend(c: RTCDataChannel, items: Iterable<Uint8Array | string>): Promise<void> {
  c.bufferedAmountLowThreshold = 256 * 1024;
  for (const item of items) {
    if (c.bufferedAmount > 1024 * 1024) {
      await withTimeout(
        new Promise((r) => c.addEventListener("bufferedamountlow", r, { once: true })),
        30_000,
        `bufferedamountlow on ${c.label}`,
      );
    }
    c.send(item);
  }
}

function* generated(count: number, salt: number): Generator<Uint8Array | string> {
  for (let i = 0; i < count; i++) yield message(i, salt);
}

function* fileChunks(): Generator<Uint8Array> {
  for (let off = 0; off < FILE_BYTES; off += CHUNK) yield fileBytes(off, Math.min(CHUNK, FILE_BYTES - off));
}

const expectedFileSha = createHash("sha256").update(fileBytes(0, FILE_BYTES)).digest("hex");

/** One cell; returns what it proved, line by line. */
export async function dataChannelCell(
  page: BrowserPage,
  cell: DataChannelCell,
  browser: BrowserName,
): Promise<string[]> {
  const notes: string[] = [];
  const tern = new RTCPeerConnection({
    iceAddresses: ["127.0.0.1"],
    mdns: false,
    answerSetup: cell.ternRole === "client" ? "active" : "passive",
  });
  const ends = new Map<string, TernEnd>();
  tern.ondatachannel = (e) => ends.set(e.channel.label, new TernEnd(e.channel));
  const mine = (label: string, init?: Parameters<RTCPeerConnection["createDataChannel"]>[1]): TernEnd => {
    const end = new TernEnd(tern.createDataChannel(label, init));
    ends.set(label, end);
    return end;
  };
  const state = (): Promise<PageState> => page.call<PageState>("state");
  try {
    await page.call("open", { media: cell.media });
    if (cell.media) {
      tern.addTransceiver("audio", { direction: "sendrecv" });
      tern.addTransceiver("video", { direction: "sendrecv" });
    }
    const neg = mine("neg", { negotiated: true, id: 100 });
    await page.call("createChannel", "neg", { negotiated: true, id: 100 });
    if (cell.offerer === "tern") mine("from-tern", { protocol: "tern/1" });
    else await page.call("createChannel", "from-browser", { protocol: "browser/1" });

    // ---- offer / answer, whole SDP ----
    const ternSdp = async (): Promise<string> => {
      await until(
        () => tern.iceGatheringState === "complete",
        10_000,
        () => "Tern's gathering",
      );
      return tern.localDescription?.sdp ?? "";
    };
    let offer: string;
    let answer: string;
    if (cell.offerer === "tern") {
      await tern.setLocalDescription();
      offer = await ternSdp();
      const setup = cell.ternRole === "client" ? "passive" : undefined;
      answer = loopbackOnly(await page.call<string>("answer", offer, setup ? { setup } : {}));
      await tern.setRemoteDescription({ type: "answer", sdp: answer });
    } else {
      offer = loopbackOnly(await page.call<string>("offer"));
      await tern.setRemoteDescription({ type: "offer", sdp: offer });
      await tern.setLocalDescription();
      answer = await ternSdp();
      await page.call("applyAnswer", answer);
    }
    expect(offer).toMatch(/^m=application \d+ UDP\/DTLS\/SCTP webrtc-datachannel/m);
    expect(answer).toMatch(/^m=application \d+ UDP\/DTLS\/SCTP webrtc-datachannel/m);
    expect(answer).not.toContain("a=sctp-init");
    if (cell.media) expect(answer).toMatch(/^m=video /m);
    await until(
      async () => tern.connectionState === "connected" && (await state()).connection === "connected",
      15_000,
      () => `both connected (Tern ${tern.connectionState})`,
    );
    expect(tern.peerConnection.bundle.dtlsRole).toBe(cell.ternRole);
    // the answerer's channel, once connected
    if (cell.offerer === "tern") await page.call("createChannel", "from-browser", { protocol: "browser/1" });
    else mine("from-tern", { protocol: "tern/1" });
    await until(
      async () => {
        const s = await state();
        return (
          ends.has("from-browser") &&
          s.channels["from-tern"]?.readyState === "open" &&
          ends.get("from-tern")?.channel.readyState === "open"
        );
      },
      10_000,
      () => `channels open both sides (Tern has ${[...ends.keys()].join(",")})`,
    );
    const fromTern = ends.get("from-tern") as TernEnd;
    const fromBrowser = ends.get("from-browser") as TernEnd;
    let s = await state();
    expect(s.channels["from-tern"]).toMatchObject({
      protocol: "tern/1",
      negotiated: false,
      id: fromTern.channel.id,
    });
    expect(fromBrowser.channel.protocol).toBe("browser/1");
    expect((fromTern.channel.id ?? -1) % 2, "Tern's id parity (RFC 8832 §6)").toBe(
      cell.ternRole === "client" ? 0 : 1,
    );
    expect([neg.channel.readyState, s.channels.neg?.readyState, s.channels.neg?.id]).toEqual([
      "open",
      "open",
      100,
    ]);
    const features = tern.peerConnection.dataChannels.machine.features;
    if (browser === "firefox") expect(features?.iData, "I-DATA with Firefox (RFC 8260)").toBe(true);
    notes.push(
      `SCTP: I-DATA ${features?.iData}, zero checksum sent ${features?.zeroChecksumSend} / accepted ${features?.zeroChecksumReceive}`,
    );
    notes.push(
      `connected; Tern DTLS ${cell.ternRole}; ids: from-tern ${fromTern.channel.id}, from-browser ${fromBrowser.channel.id}, neg 100; browser sctp ${s.sctp}, its maxMessageSize ${s.maxMessageSize}, Tern's ${tern.sctp?.maxMessageSize}`,
    );

    // ---- 1,000 messages each way, mixed sizes up to 64 KiB, strings and binary ----
    const t0 = performance.now();
    const sent = flowSend(fromTern.channel, generated(MESSAGES, 1));
    await page.call("sendMessages", "from-tern", MESSAGES, 2);
    await sent;
    await until(
      async () =>
        fromTern.digests.length >= MESSAGES && (await state()).channels["from-tern"]?.received === MESSAGES,
      60_000,
      () => `${MESSAGES} messages each way (Tern got ${fromTern.digests.length})`,
    );
    const atBrowser = await page.call<Digest[]>("received", "from-tern");
    expect(atBrowser).toEqual([...generated(MESSAGES, 1)].map(digest));
    expect(fromTern.digests).toEqual([...generated(MESSAGES, 2)].map(digest));
    notes.push(
      `${MESSAGES} messages each way intact and in order (${(performance.now() - t0).toFixed(0)} ms)`,
    );

    // ---- 10 MiB each way, SHA-256 ----
    const t1 = performance.now();
    await page.call("expectFile", "from-browser");
    fromBrowser.file = { hash: createHash("sha256"), bytes: 0 };
    const ternSends = flowSend(fromBrowser.channel, fileChunks());
    const browserSha = await page.call<string>("sendFile", "from-browser", FILE_BYTES, CHUNK);
    await ternSends;
    let got: { bytes: number; sha256?: string } = { bytes: 0 };
    await until(
      async () => {
        got = await page.call("fileReceived", "from-browser", FILE_BYTES);
        return got.sha256 !== undefined && (fromBrowser.file?.bytes ?? 0) >= FILE_BYTES;
      },
      60_000,
      () => `10 MiB each way (browser got ${got.bytes}, Tern ${fromBrowser.file?.bytes})`,
    );
    expect(browserSha).toBe(expectedFileSha);
    expect(got.sha256).toBe(expectedFileSha);
    expect(fromBrowser.file?.bytes).toBe(FILE_BYTES);
    expect(fromBrowser.file?.hash.digest("hex")).toBe(expectedFileSha);
    fromBrowser.file = undefined;
    notes.push(
      `10 MiB each way, SHA-256 ${expectedFileSha.slice(0, 16)}… both ends (${(performance.now() - t1).toFixed(0)} ms)`,
    );

    // ---- the negotiated channel ----
    neg.channel.send("to browser on 100");
    await page.call("sendText", "neg", "to Tern on 100");
    await until(
      async () => neg.digests.length === 1 && (await state()).channels.neg?.received === 1,
      10_000,
      () => "a message each way on the negotiated channel",
    );
    expect(neg.digests[0]).toEqual(digest("to Tern on 100"));

    // ---- unordered, maxRetransmits 0, each way ----
    const lossy = mine("lossy-tern", { ordered: false, maxRetransmits: 0 });
    await page.call("createChannel", "lossy-browser", { ordered: false, maxRetransmits: 0 });
    await until(
      async () => ends.has("lossy-browser") && (await state()).channels["lossy-tern"]?.readyState === "open",
      10_000,
      () => "unordered channels announced",
    );
    const lossyAtTern = ends.get("lossy-browser") as TernEnd;
    expect([lossyAtTern.channel.ordered, lossyAtTern.channel.maxRetransmits]).toEqual([false, 0]);
    s = await state();
    expect([s.channels["lossy-tern"]?.ordered, s.channels["lossy-tern"]?.maxRetransmits]).toEqual([false, 0]);
    await until(
      () => lossy.channel.readyState === "open",
      10_000,
      () => "lossy-tern open",
    );
    // Partially reliable: a datagram lost on the way (a socket buffer overflowing under a burst, even on
    // loopback) is abandoned, not resent. What arrives is a subset of what was sent, none twice, most of it;
    // and a reliable message sent after it arrives (nothing stalls).
    for (let i = 0; i < 200; i++) lossy.channel.send(`t${i}`);
    await page.call("sendSmall", "lossy-browser", 200, "b");
    neg.channel.send("after the unordered burst");
    await page.call("sendText", "neg", "after the unordered burst");
    await until(
      async () => neg.digests.length === 2 && (await state()).channels.neg?.received === 2,
      10_000,
      () => "a reliable message after the unordered ones, each way",
    );
    await new Promise((r) => setTimeout(r, 200)); // unordered ones still in flight land
    const atBrowserLossy = (await page.call<Digest[]>("received", "lossy-tern")).map((d) => d.join(":"));
    const atTernLossy = lossyAtTern.digests.map((d) => d.join(":"));
    const sentBy = (prefix: string): Set<string> =>
      new Set(Array.from({ length: 200 }, (_, i) => digest(`${prefix}${i}`).join(":")));
    for (const [got, from] of [
      [atBrowserLossy, sentBy("t")],
      [atTernLossy, sentBy("b")],
    ] as const) {
      expect(new Set(got).size, "none twice").toBe(got.length);
      expect(
        got.every((d) => from.has(d)),
        "only what was sent",
      ).toBe(true);
      expect(got.length, "most of it").toBeGreaterThanOrEqual(180);
    }
    notes.push(
      `unordered maxRetransmits 0: Tern → browser ${atBrowserLossy.length}/200, browser → Tern ${atTernLossy.length}/200 (a loss is abandoned, none twice), reliable messages after them arrived`,
    );

    // ---- close from either side ----
    await page.call("closeChannel", "from-tern");
    fromBrowser.channel.close();
    await until(
      async () => {
        const c = (await state()).channels;
        return (
          fromTern.closed &&
          fromBrowser.closed &&
          c["from-tern"]?.closed === true &&
          c["from-browser"]?.closed === true
        );
      },
      10_000,
      () =>
        `closed both ways (Tern: from-tern ${fromTern.channel.readyState}, from-browser ${fromBrowser.channel.readyState})`,
    );
    expect(fromTern.closing).toBe(true); // the browser began it: closing, then close
    s = await state();
    expect([neg.channel.readyState, s.channels.neg?.readyState]).toEqual(["open", "open"]);
    expect(Object.values(s.channels).flatMap((c) => c.errors)).toEqual([]);
    notes.push("from-tern closed by the browser, from-browser by Tern: closed at both ends; neg still open");
    // webrtc-stats `data-channel` entries: the channels still open, each with its traffic; the closed ones
    // leave getStats (a connection that never asks must not keep them).
    const stats = [...(await tern.getStats()).values()].filter((e) => e.type === "data-channel");
    expect(stats.map((e) => e.label).sort()).toEqual(["lossy-browser", "lossy-tern", "neg"]);
    for (const e of stats) {
      const moved = Number(e.messagesSent) + Number(e.messagesReceived);
      expect([e.label, e.state, moved > 0]).toEqual([e.label, "open", true]);
    }
    return notes;
  } finally {
    tern.close();
  }
}

/**
 * The data channels of `pnpm demo --data` (and of `--browser`): beside the media, the sender opens
 * "chat" — it says hello, the other side answers, and every line a browser types is echoed — and, with
 * `--data`, "file": a header (name, size, SHA-256 as JSON text) then the file in 64 KiB binary messages
 * with bufferedAmount flow control; the receiver hashes what arrives, compares, writes `recv-file.bin`,
 * and says "sha256 ok" or "sha256 MISMATCH" back on the channel. A channel the browser page opens is
 * answered line by line.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DataChannel, PeerConnection } from "@tern/peer";
import type { Logger } from "pino";

export const FILE_CHUNK = 65536;
const HIGH_WATER = 1 << 20;
const LOW_WATER = 256 << 10;

/** What one side saw on the data channels. */
export interface DataReport {
  /** Lines received on the chat channels. */
  readonly chatIn: readonly string[];
  readonly chatOut: readonly string[];
  readonly file?: {
    readonly name: string;
    readonly bytes: number;
    readonly sha256: string;
    /** Receiver: the SHA-256 of what arrived matches the header's. Sender: the receiver said so. */
    readonly ok: boolean;
    readonly ms: number;
    readonly path?: string;
  };
}

interface FileHeader {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

function chatReport(chatIn: string[], chatOut: string[]): { chatIn: string[]; chatOut: string[] } {
  return { chatIn, chatOut };
}

/** The sender's side: opens the channels before the offer, sends the file once "file" is open. */
export class DataSender {
  readonly chatIn: string[] = [];
  readonly chatOut: string[] = [];
  private fileResult: DataReport["file"] | undefined;

  constructor(
    pc: PeerConnection,
    private readonly name: string,
    file: { readonly name: string; readonly data: Uint8Array } | undefined,
    private readonly log: Logger,
    private readonly onProgress: () => void,
  ) {
    this.chat(pc.createDataChannel("chat", { protocol: "demo-chat" }), `hello from the ${name}`);
    if (file) this.sendFile(pc.createDataChannel("file", { protocol: "demo-file" }), file);
    // a channel the other side opens (the browser page's): every line is answered
    pc.on("datachannel", ({ channel }) => this.chat(channel, undefined));
  }

  get report(): DataReport {
    return {
      ...chatReport(this.chatIn, this.chatOut),
      ...(this.fileResult ? { file: this.fileResult } : {}),
    };
  }

  private chat(channel: DataChannel, hello: string | undefined): void {
    const say = (line: string): void => {
      channel.send(line);
      this.chatOut.push(line);
    };
    channel.on("open", () => {
      this.log.info({ channel: channel.label, id: channel.id }, "data channel open");
      if (hello) say(hello);
    });
    channel.on("message", (m) => {
      const line = typeof m === "string" ? m : `(${m.byteLength} bytes)`;
      this.chatIn.push(line);
      this.log.info({ channel: channel.label, line }, "chat line in");
      if (!hello && channel.readyState === "open") say(`${this.name} got: ${line}`);
      this.onProgress();
    });
  }

  private sendFile(channel: DataChannel, file: { readonly name: string; readonly data: Uint8Array }): void {
    const sha256 = createHash("sha256").update(file.data).digest("hex");
    let started = 0;
    channel.bufferedAmountLowThreshold = LOW_WATER;
    let offset = 0;
    const pump = (): void => {
      while (offset < file.data.length && channel.bufferedAmount < HIGH_WATER) {
        channel.send(file.data.subarray(offset, Math.min(offset + FILE_CHUNK, file.data.length)));
        offset += FILE_CHUNK;
      }
    };
    channel.on("bufferedamountlow", pump);
    channel.on("open", () => {
      started = performance.now();
      const header: FileHeader = { name: file.name, size: file.data.length, sha256 };
      channel.send(JSON.stringify(header));
      this.log.info(header, "sending a file on the data channel");
      pump();
    });
    channel.on("message", (m) => {
      if (typeof m !== "string") return;
      this.fileResult = {
        name: file.name,
        bytes: file.data.length,
        sha256,
        ok: m === `sha256 ok ${sha256}`,
        ms: performance.now() - started,
      };
      this.log.info({ answer: m }, "the receiver checked the file");
      this.onProgress();
    });
  }
}

/** The receiver's side: answers the chat, takes the file, checks and writes it. */
export class DataReceiver {
  readonly chatIn: string[] = [];
  readonly chatOut: string[] = [];
  private fileResult: DataReport["file"] | undefined;
  /** A file header arrived (so a file is on its way). */
  fileExpected = false;

  constructor(
    pc: PeerConnection,
    private readonly outDir: string,
    private readonly log: Logger,
    private readonly onProgress: () => void,
  ) {
    pc.on("datachannel", ({ channel }) => {
      this.log.info(
        { channel: channel.label, id: channel.id, protocol: channel.protocol },
        "data channel from the sender",
      );
      if (channel.label === "file") this.takeFile(channel);
      else this.chat(channel);
    });
  }

  get report(): DataReport {
    return {
      ...chatReport(this.chatIn, this.chatOut),
      ...(this.fileResult ? { file: this.fileResult } : {}),
    };
  }

  /** Nothing is left to wait for: a chat line came, and a file announced has been checked. */
  get done(): boolean {
    return this.chatIn.length > 0 && (!this.fileExpected || this.fileResult !== undefined);
  }

  private chat(channel: DataChannel): void {
    channel.on("message", (m) => {
      const line = typeof m === "string" ? m : `(${m.byteLength} bytes)`;
      this.chatIn.push(line);
      this.log.info({ line }, "chat line in");
      const reply = "hello from the receiver";
      channel.send(reply);
      this.chatOut.push(reply);
      this.onProgress();
    });
  }

  private takeFile(channel: DataChannel): void {
    let header: FileHeader | undefined;
    const hash = createHash("sha256");
    const parts: Uint8Array[] = [];
    let bytes = 0;
    let started = 0;
    channel.on("message", (m) => {
      if (typeof m === "string") {
        header = JSON.parse(m) as FileHeader;
        this.fileExpected = true;
        started = performance.now();
        return;
      }
      if (!header) return;
      hash.update(m);
      parts.push(new Uint8Array(m)); // a copy: the message is a view
      bytes += m.byteLength;
      if (bytes < header.size) return;
      const sha256 = hash.digest("hex");
      const ok = bytes === header.size && sha256 === header.sha256;
      const path = join(this.outDir, "recv-file.bin");
      writeFileSync(path, Buffer.concat(parts));
      this.fileResult = { name: header.name, bytes, sha256, ok, ms: performance.now() - started, path };
      channel.send(ok ? `sha256 ok ${sha256}` : `sha256 MISMATCH ${sha256}`);
      this.log.info({ bytes, sha256, ok }, "file received and checked");
      this.onProgress();
    });
  }
}

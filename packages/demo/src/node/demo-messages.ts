/**
 * What the CLI and its peer processes say to each other over the child_process IPC channel (the media
 * and the signaling never go this way: they go over UDP and the signaling server).
 */
import type { IceServer } from "@tern/ice";
import type { IntegrityReport } from "../media/frame-integrity.js";
import type { StreamWindow } from "../media/stream-window.js";
import type { PeerStatus } from "../stats/peer-status.js";
import type { DataReport } from "./data-exchange.js";

/** The peer process's configuration, passed as its one argument (JSON). */
export interface PeerProcessConfig {
  readonly role: "sender" | "receiver";
  readonly name: string;
  readonly signalingUrl: string;
  readonly room: string;
  /** The sender's stream window for the Node receiver (browsers get the clip looped until they leave). */
  readonly durationMs: number;
  /** The peer name that gets the bounded window (the Node receiver). */
  readonly receiverName: string;
  readonly iceAddresses: readonly string[];
  readonly iceServers: readonly IceServer[];
  readonly relayOnly: boolean;
  /** Resolve remote `.local` candidates (browsers without media permission send them). */
  readonly mdns: boolean;
  /** Receiver: drop this share of incoming RTP. */
  readonly lossPercent: number;
  readonly lossSeed: number;
  /** Receiver: where recv.ivf / recv.ogg go. */
  readonly outDir: string;
  readonly logLevel: string;
  readonly statusIntervalMs: number;
  /** Receiver: how long to wait for the window's last frames after the sender's bye. */
  readonly drainMs: number;
  /** The CLI's start (Unix ms): status times count from here. */
  readonly epochMs: number;
  /** `--data`: a file on a data channel (the sender's: `dataFile`, or 4 MiB of random bytes). */
  readonly data: boolean;
  readonly dataFile: string | undefined;
  /** The sender opens the "chat" channel (with `--data`, and for browsers). */
  readonly chat: boolean;
}

export interface ReceiverResult {
  readonly video: IntegrityReport;
  readonly audio: IntegrityReport;
  readonly ivfPath: string;
  readonly ivfBytes: number;
  readonly oggPath: string;
  readonly oggBytes: number;
  /** What came on the data channels (`--data`). */
  readonly data: DataReport | undefined;
  /**
   * Video must be complete; audio (repaired by NACK too, but one retransmission lost again is late for
   * its 200-ms jitter buffer) only when nothing was dropped; with
   * `--data`, the file's SHA-256 must match and the sender's chat line must have come.
   */
  readonly intact: boolean;
  readonly status: PeerStatus | undefined;
}

export interface SenderStreamReport {
  readonly remote: string;
  readonly window: StreamWindow | undefined;
  /** Frames sent in all, window and tail. */
  readonly videoFramesSent: number;
  readonly audioFramesSent: number;
  readonly status: PeerStatus | undefined;
  /** The sender's data channels (`--data`, browsers). */
  readonly data: DataReport | undefined;
}

export type ChildMessage =
  | { readonly type: "ready"; readonly peerId: string }
  | { readonly type: "status"; readonly status: PeerStatus }
  | { readonly type: "stream-ended"; readonly report: SenderStreamReport }
  | { readonly type: "receiver-result"; readonly result: ReceiverResult }
  | { readonly type: "failed"; readonly message: string };

export type ParentMessage = { readonly type: "stop" };

export function isChildMessage(m: unknown): m is ChildMessage {
  if (typeof m !== "object" || m === null) return false;
  const t = (m as { type?: unknown }).type;
  return t === "ready" || t === "status" || t === "stream-ended" || t === "receiver-result" || t === "failed";
}

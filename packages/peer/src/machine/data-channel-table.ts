import type { SctpAssociation } from "@tern/sctp";
import type { Logger } from "pino";
import { DataChannelIds } from "./data-channel-ids.js";
import type { DataChannelState } from "./data-channel-state.js";

/** W3C RTCSctpTransportState, with "new" before the association is started. */
export type SctpTransportState = "new" | "connecting" | "connected" | "closed";

export type DataChannelsEvent =
  /** The association is up: channels can open. */
  | { readonly kind: "transport-connected"; readonly maxChannels: number }
  /** The association ended; `error` unless it was a graceful shutdown or our own abort. */
  | { readonly kind: "transport-closed"; readonly error: string | undefined }
  /** The peer opened a channel (DATA_CHANNEL_OPEN, RFC 8832 §6): W3C `datachannel`, then `open`. */
  | { readonly kind: "remote-channel"; readonly channel: DataChannelState }
  | { readonly kind: "open"; readonly channel: DataChannelState }
  | {
      readonly kind: "message";
      readonly channel: DataChannelState;
      readonly binary: boolean;
      /** The message, ours to keep (a view the association gave away). */
      readonly data: Uint8Array;
    }
  /** bufferedAmount fell from above bufferedAmountLowThreshold to at or below it. */
  | { readonly kind: "buffered-amount-low"; readonly channel: DataChannelState }
  /** The peer began closing the channel (its stream reset). */
  | { readonly kind: "closing"; readonly channel: DataChannelState }
  /** The channel failed (a malformed DCEP message, the transport's failure): `close` follows. */
  | {
      readonly kind: "error";
      readonly channel: DataChannelState;
      /** W3C RTCErrorDetailType: the channel's own failure, or the association's. */
      readonly detail: DataChannelErrorDetail;
      readonly reason: string;
    }
  | { readonly kind: "close"; readonly channel: DataChannelState };

export type DataChannelErrorDetail = "data-channel-failure" | "sctp-failure";

/**
 * The channels of one association: their ids, the events about them, and their closing (RFC 8831 §6.7):
 * a channel closes by resetting its outgoing stream; the peer, seeing the incoming reset, resets its own;
 * once both are done the channel is closed and its id free for a new channel.
 */
export class DataChannelTable {
  association: SctpAssociation | undefined;
  state: SctpTransportState = "new";
  role: "client" | "server" | undefined;
  readonly ids = new DataChannelIds<DataChannelState>();
  /** Channels not yet closed, in creation order (those waiting for an id too). */
  readonly channels = new Set<DataChannelState>();
  readonly events: DataChannelsEvent[] = [];
  readonly counters: Record<string, number> = {};
  /** Numbers channels in the order they were made (webrtc-stats ids). */
  serial = 0;

  constructor(readonly log: Logger | undefined) {}

  count(reason: string): void {
    this.counters[reason] = (this.counters[reason] ?? 0) + 1;
  }

  /** The peer reset its outgoing stream: it closes the channel, and we reset ours in turn. */
  handleIncomingReset(now: number, id: number): void {
    const c = this.ids.get(id);
    if (c === undefined) {
      this.count("reset-unknown-stream");
      return;
    }
    c.incomingReset = true;
    if (c.outgoingReset === "none") {
      if (c.readyState === "open" || c.readyState === "connecting") {
        c.readyState = "closing";
        if (!c.hidden) this.events.push({ kind: "closing", channel: c });
      }
      this.resetOutgoing(now, c);
    }
    if (c.outgoingReset === "done") this.finish(c);
  }

  /** Our reset of the stream is done. */
  handleOutgoingReset(id: number): void {
    const c = this.ids.get(id);
    if (c === undefined || c.outgoingReset !== "requested") return;
    c.outgoingReset = "done";
    if (c.incomingReset) this.finish(c);
  }

  /** Resets our side of the channel's stream, after the data queued on it. */
  resetOutgoing(now: number, c: DataChannelState): void {
    const a = this.association;
    if (a === undefined || c.id === null || c.outgoingReset !== "none") return;
    try {
      a.resetStreams(now, [c.id]);
      c.outgoingReset = "requested";
    } catch (err) {
      // no RE-CONFIG at the peer, or the association is going: nothing more to wait for
      this.log?.debug({ err, id: c.id }, "stream reset not possible: closed at once");
      this.finish(c);
    }
  }

  /** An error event, then closing through the stream reset. */
  failAndClose(now: number, c: DataChannelState, reason: string): void {
    if (c.readyState === "closed") return;
    this.#error(c, reason, "data-channel-failure");
    if (c.readyState === "closing") return;
    c.readyState = "closing";
    this.resetOutgoing(now, c);
  }

  /** An error event, then closed (no stream reset: the transport is gone, or the channel never opened). */
  fail(c: DataChannelState, reason: string, detail: DataChannelErrorDetail = "data-channel-failure"): void {
    if (c.readyState === "closed") return;
    this.#error(c, reason, detail);
    this.finish(c);
  }

  /** Closed: its id is free again. */
  finish(c: DataChannelState): void {
    if (c.readyState === "closed") return;
    c.readyState = "closed";
    if (c.id !== null) this.ids.release(c.id, c);
    if (this.channels.delete(c)) this.events.push({ kind: "close", channel: c });
  }

  #error(c: DataChannelState, reason: string, detail: DataChannelErrorDetail): void {
    if (c.error !== undefined) return;
    c.error = reason;
    if (!c.hidden) this.events.push({ kind: "error", channel: c, detail, reason });
  }
}

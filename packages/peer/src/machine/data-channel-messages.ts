import { decodeWebRtcMessage, encodeWebRtcMessage, type SctpAssociation, SctpUsageError } from "@tern/sctp";
import { DataChannelUsageError } from "./data-channel-error.js";
import type { DataChannelState } from "./data-channel-state.js";
import type { DataChannelTable } from "./data-channel-table.js";

/**
 * User messages on WebRTC data channels (RFC 8831 §6.6): sent with PPID 51/53, or 56/57 with one zero
 * octet when empty; received only on a channel that is open (W3C §6.2); and the send buffer's level, with
 * `bufferedamountlow` when it falls to the channel's threshold.
 */

/**
 * The association (and stream id) `channel` can send `length` bytes on now. Throws `DataChannelUsageError`:
 * `invalid-state` unless open, `message-too-large` over `maxMessageSize`.
 */
export function sendableAssociation(
  t: DataChannelTable,
  channel: DataChannelState,
  length: number,
  maxMessageSize: number,
): { readonly a: SctpAssociation; readonly id: number } {
  const a = t.association;
  if (channel.readyState !== "open" || a === undefined || channel.id === null) {
    throw new DataChannelUsageError("invalid-state", `the channel is ${channel.readyState}`);
  }
  if (length > maxMessageSize) {
    throw new DataChannelUsageError("message-too-large", `${length} bytes, over ${maxMessageSize}`);
  }
  return { a, id: channel.id };
}

/**
 * One user message on an open channel (see `sendableAssociation`). Throws `DataChannelUsageError`
 * `send-buffer-full` (or `invalid-state` for what the association refuses). `data` is kept without a copy.
 */
export function sendUserMessage(
  now: number,
  { a, id }: { readonly a: SctpAssociation; readonly id: number },
  channel: DataChannelState,
  data: Uint8Array,
  binary: boolean,
): void {
  const m = encodeWebRtcMessage(binary ? "binary" : "string", data);
  try {
    a.send(now, id, m.ppid, m.userData, channel.sendOptions());
  } catch (err) {
    if (err instanceof SctpUsageError && err.code === "send-buffer-full") {
      throw new DataChannelUsageError("send-buffer-full", err.message);
    }
    if (err instanceof SctpUsageError) throw new DataChannelUsageError("invalid-state", err.message);
    throw err;
  }
  channel.counters.messagesSent++;
  channel.counters.bytesSent += data.length;
  channel.bufferedAmount = a.bufferedAmount(id);
}

/** A user message from the peer (any PPID but DCEP's): a `message` event, or dropped and counted. */
export function receiveUserMessage(
  t: DataChannelTable,
  streamId: number,
  ppid: number,
  data: Uint8Array,
): void {
  const c = t.ids.get(streamId);
  if (c === undefined || c.hidden) {
    t.count("message-unknown-stream");
    return;
  }
  const m = decodeWebRtcMessage(ppid, data);
  if (!m.ok) {
    t.count("message-unknown-ppid");
    return;
  }
  // RFC 8832 §6: a user message on the stream means the peer has our OPEN
  c.awaitingAck = false;
  if (c.readyState !== "open") {
    t.count("message-not-open"); // W3C §6.2: discarded unless open
    return;
  }
  c.counters.messagesReceived++;
  c.counters.bytesReceived += m.value.data.length;
  t.events.push({ kind: "message", channel: c, binary: m.value.kind === "binary", data: m.value.data });
}

/** The association's send buffer for a stream changed: `buffered-amount-low` when it falls to the threshold. */
export function bufferedAmountChanged(t: DataChannelTable, streamId: number, amount: number): void {
  const c = t.ids.get(streamId);
  if (c === undefined || c.hidden) return;
  const before = c.bufferedAmount;
  c.bufferedAmount = amount;
  const low = c.bufferedAmountLowThreshold;
  if (before > low && amount <= low && (c.readyState === "open" || c.readyState === "closing")) {
    t.events.push({ kind: "buffered-amount-low", channel: c });
  }
}

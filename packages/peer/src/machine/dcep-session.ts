import {
  type DataChannelOpen,
  dataChannelOrdered,
  dataChannelReliability,
  dataChannelType,
  decodeDcepMessage,
  encodeDcepMessage,
  Ppid,
} from "@tern/sctp";
import { DataChannelIds } from "./data-channel-ids.js";
import { DataChannelState, DCEP_PRIORITY, priorityFromDcep } from "./data-channel-state.js";
import type { DataChannelTable } from "./data-channel-table.js";

/** Partial reliability parameters above this are clamped (W3C: an unsigned short). */
export const PR_LIMIT = 65535;

/**
 * The Data Channel Establishment Protocol (RFC 8832) on the table's association: our channels send
 * DATA_CHANNEL_OPEN on a stream of our parity and open at once (user messages go ordered until the peer
 * answers, §6); the peer's DATA_CHANNEL_OPEN on a free stream is answered with DATA_CHANNEL_ACK and
 * announced (of our parity too, as Chromium does: counted). A DCEP message that cannot be accepted (on a
 * stream in use, malformed) closes the channel on its stream and no other.
 */
export class DcepSession {
  constructor(private readonly t: DataChannelTable) {}

  /** The association is up: a negotiated channel opens, ours sends DATA_CHANNEL_OPEN and opens. */
  announce(now: number, c: DataChannelState): void {
    if (c.readyState !== "connecting" || c.id === null) return;
    if (!c.negotiated) {
      const reliability =
        c.maxRetransmits !== null
          ? "max-retransmits"
          : c.maxPacketLifeTime !== null
            ? "max-packet-life-time"
            : "reliable";
      const open = encodeDcepMessage({
        type: "data-channel-open",
        channelType: dataChannelType(c.ordered, reliability),
        priority: DCEP_PRIORITY[c.priority],
        reliabilityParameter: c.maxRetransmits ?? c.maxPacketLifeTime ?? 0,
        label: c.label,
        protocol: c.protocol,
      });
      if (!this.#send(now, c.id, open)) {
        this.t.fail(c, "DATA_CHANNEL_OPEN could not be sent");
        return;
      }
      c.awaitingAck = true;
    }
    c.readyState = "open";
    this.t.events.push({ kind: "open", channel: c });
  }

  /** A PPID 50 message on `streamId`. */
  handleMessage(now: number, streamId: number, data: Uint8Array): void {
    const t = this.t;
    const existing = t.ids.get(streamId);
    const m = decodeDcepMessage(data);
    if (!m.ok) {
      t.count("dcep-malformed");
      this.#reject(now, streamId, existing, `malformed DCEP message (${m.error.code})`);
      return;
    }
    if (m.value.type === "data-channel-ack") {
      if (existing?.awaitingAck) existing.awaitingAck = false;
      else t.count("dcep-unexpected-ack");
      return;
    }
    if (existing !== undefined) {
      t.count("dcep-open-refused");
      this.#reject(now, streamId, existing, `DATA_CHANNEL_OPEN on stream ${streamId}, which is in use`);
      return;
    }
    // RFC 8832 §6 says the peer's ids have the other parity; werift 0.25 picks them by ICE role, so its
    // ids are ours whenever a=setup is not the default. Chromium accepts any free stream, and so do we.
    if (t.role !== undefined && !DataChannelIds.isPeers(t.role, streamId)) t.count("dcep-open-our-parity");
    if (streamId >= t.ids.maxChannels) {
      t.count("dcep-open-refused");
      this.#reject(now, streamId, undefined, `DATA_CHANNEL_OPEN on stream ${streamId}: above maxChannels`);
      return;
    }
    const channel = new DataChannelState(remoteInit(m.value, streamId), t.serial++);
    t.ids.take(streamId, channel);
    t.channels.add(channel);
    if (!this.#send(now, streamId, encodeDcepMessage({ type: "data-channel-ack" }))) {
      t.fail(channel, "DATA_CHANNEL_ACK could not be sent");
      return;
    }
    channel.readyState = "open";
    t.events.push({ kind: "remote-channel", channel });
    t.events.push({ kind: "open", channel });
  }

  /** DCEP messages go reliable and ordered (RFC 8832 §6). */
  #send(now: number, streamId: number, message: Uint8Array): boolean {
    try {
      this.t.association?.send(now, streamId, Ppid.Dcep, message);
      return true;
    } catch (err) {
      this.t.log?.debug({ err, streamId }, "DCEP message not sent");
      return false;
    }
  }

  /**
   * RFC 8832 §6: "the receiver MUST close the corresponding data channel" — the one we know, or one only
   * the peer thinks it opened: that one is held unannounced until its stream is reset both ways, which
   * tells the peer its open failed.
   */
  #reject(now: number, streamId: number, existing: DataChannelState | undefined, reason: string): void {
    const t = this.t;
    if (existing !== undefined) {
      t.failAndClose(now, existing, reason);
      return;
    }
    if (t.association === undefined || t.state !== "connected") return;
    const hidden = new DataChannelState(
      {
        label: "",
        protocol: "",
        ordered: true,
        maxRetransmits: null,
        maxPacketLifeTime: null,
        negotiated: false,
        id: streamId,
        priority: "low",
      },
      -1,
    );
    hidden.readyState = "closing";
    hidden.error = reason;
    t.ids.take(streamId, hidden);
    t.resetOutgoing(now, hidden);
  }
}

function remoteInit(open: DataChannelOpen, id: number) {
  const r = dataChannelReliability(open);
  return {
    label: open.label,
    protocol: open.protocol,
    ordered: dataChannelOrdered(open.channelType),
    maxRetransmits: r.kind === "max-retransmits" ? Math.min(r.maxRetransmits, PR_LIMIT) : null,
    maxPacketLifeTime: r.kind === "max-packet-life-time" ? Math.min(r.maxPacketLifeTimeMs, PR_LIMIT) : null,
    negotiated: false,
    id,
    priority: priorityFromDcep(open.priority),
  };
}

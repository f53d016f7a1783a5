import { Ppid, SctpAssociation, type SctpAssociationOptions, type SctpEvent } from "@tern/sctp";
import type { Logger } from "pino";
import { DataChannelUsageError } from "./data-channel-error.js";
import {
  bufferedAmountChanged,
  receiveUserMessage,
  sendableAssociation,
  sendUserMessage,
} from "./data-channel-messages.js";
import { checkDataChannelInit, type DataChannelInit, DataChannelState } from "./data-channel-state.js";
import { type DataChannelsEvent, DataChannelTable, type SctpTransportState } from "./data-channel-table.js";
import { DcepSession, PR_LIMIT } from "./dcep-session.js";

export type { DataChannelInit } from "./data-channel-state.js";
export { DataChannelState } from "./data-channel-state.js";
export type { DataChannelErrorDetail, DataChannelsEvent, SctpTransportState } from "./data-channel-table.js";

/** SCTP tuning that SDP does not set (see `@tern/sctp`'s README for each). */
export type SctpTuning = Omit<
  SctpAssociationOptions,
  "random" | "logger" | "localPort" | "remotePort" | "maxSendMessageSize" | "maxReceiveMessageSize"
>;

export interface DataChannelsOptions {
  readonly random: (n: number) => Uint8Array;
  readonly sctp?: SctpTuning;
  readonly logger?: Logger;
}

/** What the offer/answer settled for the data section (RFC 8841). */
export interface SctpTransportParameters {
  readonly localPort: number;
  readonly remotePort: number;
  /** Our a=max-message-size: the largest message we accept. */
  readonly localMaxMessageSize: number;
  /** The peer's a=max-message-size (RFC 8841 §6.1): 0 means no limit. */
  readonly remoteMaxMessageSize: number;
}

const DEFAULT_SEND_BUFFER = 16 << 20;

/**
 * WebRTC data channels (RFC 8831) on one SCTP association over DTLS, sans-IO: DCEP (RFC 8832,
 * `DcepSession`) opens channels on stream ids of our parity and answers the peer's; `negotiated` channels
 * open with their fixed id when the association comes up; user messages go with the PPIDs of RFC 8831 §8
 * (the empty forms too); closing resets the stream both ways (RFC 8831 §6.7, `DataChannelTable`), after
 * which its id is free again. A malformed DCEP message closes that one channel; nothing a peer sends ends
 * the others.
 *
 * The owner feeds DTLS application data to `handlePacket` and hands each `pollTransmit()` to DTLS as one
 * record; after every call it drains `pollTransmit()` then `pollEvent()`, and arms one timer at
 * `pollTimeout()`.
 */
export class DataChannels {
  readonly #t: DataChannelTable;
  readonly #dcep: DcepSession;
  #maxMessageSize: number | undefined;
  #lastNow = 0;
  /** What the association negotiated, once connected: I-DATA (RFC 8260), zero checksums (RFC 9653). */
  features:
    | { readonly iData: boolean; readonly zeroChecksumSend: boolean; readonly zeroChecksumReceive: boolean }
    | undefined;

  constructor(private readonly o: DataChannelsOptions) {
    this.#t = new DataChannelTable(o.logger);
    this.#dcep = new DcepSession(this.#t);
  }

  /** Drops by reason (`dcep-malformed`, `message-unknown-stream`, …). */
  get counters(): Readonly<Record<string, number>> {
    return this.#t.counters;
  }

  get state(): SctpTransportState {
    return this.#t.state;
  }

  /** The association, once started (its counters and usage). */
  get association(): SctpAssociation | undefined {
    return this.#t.association;
  }

  /** W3C maxMessageSize: what `send` accepts, once the data section is negotiated. */
  get maxMessageSize(): number | undefined {
    return this.#maxMessageSize;
  }

  /** W3C maxChannels: known once the association is up (null before). */
  get maxChannels(): number | null {
    return this.#t.state === "connected" ? this.#t.ids.maxChannels : null;
  }

  /** Our DTLS role, once known. */
  get role(): "client" | "server" | undefined {
    return this.#t.role;
  }

  /** Channels not closed yet. */
  get channels(): ReadonlySet<DataChannelState> {
    return this.#t.channels;
  }

  /** Stream ids held (channels, and those still closing). */
  get idsInUse(): number {
    return this.#t.ids.size;
  }

  /**
   * W3C createDataChannel's checks (`DataChannelUsageError`: `invalid-argument`, `id-in-use`,
   * `no-free-id`), and an id of our parity once the DTLS role is known (RFC 8832 §6).
   */
  createChannel(init: DataChannelInit): DataChannelState {
    const t = this.#t;
    checkDataChannelInit(init);
    const fixed = init.negotiated ? init.id : null;
    if (fixed !== null && (t.ids.has(fixed) || fixed >= (this.maxChannels ?? 65535))) {
      throw new DataChannelUsageError("id-in-use", `id ${fixed} is in use or not below maxChannels`);
    }
    const clamp = (v: number | null): number | null => (v === null ? null : Math.min(v, PR_LIMIT));
    const channel = new DataChannelState(
      {
        ...init,
        id: fixed,
        maxRetransmits: clamp(init.maxRetransmits),
        maxPacketLifeTime: clamp(init.maxPacketLifeTime),
      },
      t.serial++,
    );
    if (fixed !== null) t.ids.take(fixed, channel);
    else if (t.role !== undefined) {
      const id = t.ids.allocate(t.role, channel);
      if (id === undefined)
        throw new DataChannelUsageError("no-free-id", "every stream id of our parity is used");
      channel.id = id;
    }
    t.channels.add(channel);
    if (t.state === "connected") this.#dcep.announce(this.#lastNow, channel);
    return channel;
  }

  /** The DTLS role is known (from a=setup): channels waiting for an id get one of our parity. */
  setRole(role: "client" | "server"): void {
    const t = this.#t;
    if (t.role !== undefined) return;
    t.role = role;
    for (const c of [...t.channels]) {
      if (c.id !== null) continue;
      const id = t.ids.allocate(role, c);
      if (id === undefined) t.fail(c, "no free stream id");
      else c.id = id;
    }
  }

  /** The data section's parameters are known: what `send` accepts (W3C maxMessageSize). */
  configure(p: SctpTransportParameters): void {
    const sendBuffer = this.o.sctp?.sendBufferBytes ?? DEFAULT_SEND_BUFFER;
    this.#maxMessageSize =
      p.remoteMaxMessageSize === 0 ? sendBuffer : Math.min(p.remoteMaxMessageSize, sendBuffer);
  }

  /** DTLS is connected: the association starts (both WebRTC peers send INIT, RFC 8831 §6.1). */
  start(now: number, role: "client" | "server", p: SctpTransportParameters): void {
    const t = this.#t;
    if (t.association !== undefined || t.state === "closed") return;
    this.#lastNow = now;
    this.configure(p);
    this.setRole(role);
    t.association = new SctpAssociation({
      ...this.o.sctp,
      random: this.o.random,
      localPort: p.localPort,
      remotePort: p.remotePort,
      maxReceiveMessageSize: p.localMaxMessageSize,
      maxSendMessageSize: this.#maxMessageSize ?? 65536,
      ...(this.o.logger ? { logger: this.o.logger.child({ layer: "sctp" }) } : {}),
    });
    t.state = "connecting";
    t.association.connect(now);
  }

  // ---- input -------------------------------------------------------------------------------------------

  /** One DTLS application data record (an SCTP packet, RFC 8261). It is handed over: not reused. */
  handlePacket(now: number, packet: Uint8Array): void {
    const a = this.#t.association;
    if (a === undefined) {
      this.#t.count("packet-before-start");
      return;
    }
    this.#lastNow = now;
    a.handlePacket(now, packet);
    this.#process(now);
  }

  handleTimeout(now: number): void {
    const a = this.#t.association;
    if (a === undefined) return;
    this.#lastNow = now;
    a.handleTimeout(now);
    this.#process(now);
  }

  // ---- output ------------------------------------------------------------------------------------------

  /** One SCTP packet for a DTLS record, or undefined. */
  pollTransmit(): Uint8Array | undefined {
    const a = this.#t.association;
    if (a === undefined) return undefined;
    for (;;) {
      const p = a.pollTransmit();
      if (p !== undefined) return p;
      // bufferedAmount falls as packets leave: those events come now (and may make more to send)
      if (!this.#process(this.#lastNow)) return undefined;
    }
  }

  pollEvent(): DataChannelsEvent | undefined {
    return this.#t.events.shift();
  }

  pollTimeout(): number | undefined {
    return this.#t.state === "closed" ? undefined : this.#t.association?.pollTimeout();
  }

  // ---- channels ----------------------------------------------------------------------------------------

  /**
   * One user message (RFC 8831 §6.6: PPID 51/53, or 56/57 with one zero octet when empty). Throws
   * `DataChannelUsageError`: `invalid-state` unless open, `message-too-large`, `send-buffer-full`.
   * `data` is kept without a copy: the caller does not change it afterwards.
   */
  send(now: number, channel: DataChannelState, data: Uint8Array, binary: boolean): void {
    const to = sendableAssociation(this.#t, channel, data.length, this.#maxMessageSize ?? 65536);
    this.#lastNow = now;
    sendUserMessage(now, to, channel, data, binary);
  }

  /**
   * W3C close(): `closing`, then the stream is reset (after the data queued on it, RFC 8831 §6.7); the
   * channel is closed once the peer has reset its side too. Before the association is up: closed now.
   */
  close(now: number, channel: DataChannelState): void {
    const t = this.#t;
    if (channel.readyState === "closing" || channel.readyState === "closed") return;
    this.#lastNow = now;
    if (t.state !== "connected" || channel.id === null) {
      t.finish(channel);
      return;
    }
    channel.readyState = "closing";
    t.resetOutgoing(now, channel);
  }

  /**
   * The connection closes (W3C close(): channels closed at once, no events): ABORT with "Close called"
   * (what Chromium sends) so that the peer's channels close now, not at a timeout.
   */
  closeAll(now: number): void {
    const t = this.#t;
    for (const c of t.channels) {
      c.readyState = "closed";
      if (c.id !== null) t.ids.release(c.id, c);
    }
    t.channels.clear();
    t.events.length = 0;
    if (t.association !== undefined && t.state !== "closed") t.association.abort(now, "Close called");
    t.state = "closed";
  }

  /**
   * The DTLS transport under the association ended (close_notify, failure): every channel closes, with an
   * error event first when `error` is given.
   */
  transportEnded(error: string | undefined): void {
    const t = this.#t;
    if (t.state === "closed") return;
    t.state = "closed";
    t.events.push({ kind: "transport-closed", error });
    for (const c of [...t.channels]) {
      if (error !== undefined) t.fail(c, error, "sctp-failure");
      else t.finish(c);
    }
  }

  // ---- association events ------------------------------------------------------------------------------

  /** Drains the association's events; true when there were any. */
  #process(now: number): boolean {
    const a = this.#t.association;
    if (a === undefined) return false;
    let any = false;
    for (let e = a.pollEvent(); e !== undefined; e = a.pollEvent()) {
      any = true;
      this.#handleEvent(now, e);
    }
    return any;
  }

  #handleEvent(now: number, e: SctpEvent): void {
    const t = this.#t;
    switch (e.kind) {
      case "connected":
        this.features = {
          iData: e.iData,
          zeroChecksumSend: e.zeroChecksumSend,
          zeroChecksumReceive: e.zeroChecksumReceive,
        };
        this.#connected(now, Math.min(e.maxOutboundStreams, e.maxInboundStreams));
        break;
      case "message":
        if (e.ppid === Ppid.Dcep) this.#dcep.handleMessage(now, e.streamId, e.data);
        else receiveUserMessage(this.#t, e.streamId, e.ppid, e.data);
        break;
      case "buffered-amount":
        bufferedAmountChanged(this.#t, e.streamId, e.bufferedAmount);
        break;
      case "stream-reset":
        for (const id of e.streamIds) {
          if (e.direction === "incoming") t.handleIncomingReset(now, id);
          else t.handleOutgoingReset(id);
        }
        break;
      case "restarted":
        t.count("association-restarted");
        t.log?.debug("SCTP association restarted by the peer");
        break;
      case "closed":
        this.transportEnded(e.reason === "abort-received" ? `SCTP ABORT: ${e.cause ?? ""}` : undefined);
        break;
      case "failed":
        this.transportEnded(e.error.message);
        break;
    }
  }

  #connected(now: number, maxChannels: number): void {
    const t = this.#t;
    if (t.state !== "connecting") return;
    t.state = "connected";
    t.ids.maxChannels = maxChannels;
    t.events.push({ kind: "transport-connected", maxChannels });
    for (const c of [...t.channels]) {
      if (c.id !== null && c.id >= maxChannels) t.fail(c, `stream id ${c.id} is not below maxChannels`);
      else this.#dcep.announce(now, c);
    }
  }
}

import { secureRandom } from "@tern/ice";
import type { DataChannelState } from "../machine/data-channel-state.js";
import { DataChannels, type DataChannelsEvent } from "../machine/data-channels.js";
import { DEFAULT_LOCAL_SCTP, type NegotiatedDataSection } from "../sdp/index.js";
import type { BundleTransport } from "./bundle-transport.js";
import {
  DataChannel,
  type DataChannelInit,
  type DataChannelLink,
  dataChannelException,
} from "./data-channel.js";
import type { PeerConnectionConfig } from "./peer-connection-types.js";
import type { StatsEntry } from "./peer-stats.js";
import { SctpTransport } from "./sctp-transport.js";

/** What the data channels need from their peer connection. */
export interface DataChannelPeer {
  readonly config: PeerConnectionConfig;
  readonly bundle: BundleTransport;
  /** Throws InvalidStateError once the connection is closed. */
  assertOpen(): void;
  /** The JSEP hook: the next offer carries a data m= section (negotiationneeded once). */
  requestDataSection(): void;
  emit(event: "datachannel", e: { channel: DataChannel }): boolean;
}

/**
 * The data channels of one peer connection as Node objects (W3C webrtc-pc §6): `createDataChannel`'s
 * steps, a `DataChannel` per channel of the sans-IO `DataChannels` machine (which the media session feeds
 * with DTLS application data), the `datachannel` event for the peer's channels, `sctp` once a data m=
 * section was negotiated, and the stats entries. Sends are pumped once per microtask, so that what an
 * application sends in one turn leaves bundled in as few SCTP packets as the congestion window allows.
 */
export class PeerDataChannels {
  readonly machine: DataChannels;
  readonly #pc: DataChannelPeer;
  readonly #handles = new Map<DataChannelState, DataChannel>();
  #sctp: SctpTransport | undefined;
  #flushQueued = false;
  /** webrtc-stats dataChannelsOpened / dataChannelsClosed. */
  opened = 0;
  closed = 0;

  readonly #link: DataChannelLink = {
    send: (state, data, binary) => {
      this.machine.send(this.#now(), state, data, binary);
      this.#scheduleFlush();
    },
    close: (state) => {
      this.machine.close(this.#now(), state);
      this.#scheduleFlush();
    },
  };

  constructor(pc: DataChannelPeer) {
    this.#pc = pc;
    const { sctp, logger } = pc.config;
    this.machine = new DataChannels({
      random: secureRandom,
      ...(sctp ? { sctp } : {}),
      ...(logger ? { logger: logger.child({ layer: "datachannel" }) } : {}),
    });
  }

  #now(): number {
    return this.#pc.bundle.now();
  }

  /** Pumps the transport (SCTP packets to DTLS to ICE, then `drain`) in its guard; false without one. */
  #flush(): boolean {
    let flushed = false;
    this.#pc.bundle.guard(() => {
      flushed = this.#pc.bundle.flushSession();
    });
    return flushed;
  }

  /** W3C RTCPeerConnection.sctp: null until a data m= section was negotiated. */
  get sctp(): SctpTransport | null {
    return this.#sctp ?? null;
  }

  /** webrtc-pc §6.1 createDataChannel; throws TypeError / OperationError / InvalidStateError as it says. */
  create(label: string, init: DataChannelInit = {}): DataChannel {
    this.#pc.assertOpen();
    let state: DataChannelState;
    try {
      state = this.machine.createChannel({
        label: String(label),
        protocol: String(init.protocol ?? ""),
        ordered: init.ordered ?? true,
        maxRetransmits: init.maxRetransmits ?? null,
        maxPacketLifeTime: init.maxPacketLifeTime ?? null,
        negotiated: init.negotiated ?? false,
        id: init.id ?? null,
        priority: init.priority ?? "low",
      });
    } catch (err) {
      throw dataChannelException(err);
    }
    const channel = this.#handle(state);
    if (this.#sctp === undefined) this.#pc.requestDataSection();
    this.#scheduleFlush();
    return channel;
  }

  /** An offer/answer completed: the data section it accepted, if any (RFC 8841). */
  negotiated(data: NegotiatedDataSection | undefined): void {
    if (data === undefined) return;
    this.#sctp ??= new SctpTransport(this.machine);
  }

  /** The SCTP parameters of a negotiated data section, for the media session. */
  static parameters(data: NegotiatedDataSection) {
    return {
      localPort: DEFAULT_LOCAL_SCTP.sctpPort,
      remotePort: data.remoteSctpPort,
      localMaxMessageSize: DEFAULT_LOCAL_SCTP.maxMessageSize,
      remoteMaxMessageSize: data.remoteMaxMessageSize,
    };
  }

  /** Delivers the machine's events (the transport's pump calls this after each input). */
  drain(): void {
    for (let e = this.machine.pollEvent(); e !== undefined; e = this.machine.pollEvent()) this.#deliver(e);
  }

  #deliver(e: DataChannelsEvent): void {
    if (e.kind === "transport-connected" || e.kind === "transport-closed") {
      this.#sctp?.update();
      return;
    }
    if (e.kind === "remote-channel") {
      const channel = this.#handle(e.channel);
      this.#pc.emit("datachannel", { channel });
      return;
    }
    const channel = this.#handles.get(e.channel);
    if (channel === undefined) return;
    if (e.kind === "open") this.opened++;
    if (e.kind === "close") {
      this.closed++;
      this.#handles.delete(e.channel);
    }
    channel.deliver(e);
  }

  /** The connection closed (W3C close(): channels closed at once, no events). */
  close(): void {
    this.#sctp?.closed();
    for (const [state, channel] of this.#handles) {
      state.readyState = "closed";
      channel.removeAllListeners();
    }
    this.#handles.clear();
  }

  /** webrtc-stats `data-channel` entries of the channels not closed, and the SCTP transport's. */
  stats(timestamp: number): StatsEntry[] {
    const out: StatsEntry[] = [];
    for (const c of this.#handles.values()) {
      const s = c.state;
      out.push({
        id: `D${s.serial}`,
        type: "data-channel",
        timestamp,
        label: s.label,
        protocol: s.protocol,
        ...(s.id === null ? {} : { dataChannelIdentifier: s.id }),
        state: s.readyState,
        messagesSent: s.counters.messagesSent,
        bytesSent: s.counters.bytesSent,
        messagesReceived: s.counters.messagesReceived,
        bytesReceived: s.counters.bytesReceived,
      });
    }
    const sctp = this.#sctp;
    const a = this.machine.association;
    if (sctp) {
      const usage = a?.usage();
      out.push({
        id: "SCTP",
        type: "sctp-transport",
        timestamp,
        transportId: "T01",
        state: sctp.state,
        maxMessageSize: sctp.maxMessageSize,
        maxChannels: sctp.maxChannels,
        packetsSent: a?.counters["packets-sent"] ?? 0,
        retransmissions: a?.counters.retransmissions ?? 0,
        unackData: usage?.inFlightBytes ?? 0,
        queuedBytes: usage?.queuedBytes ?? 0,
        ...(this.machine.features ?? {}),
      });
    }
    return out;
  }

  #handle(state: DataChannelState): DataChannel {
    let channel = this.#handles.get(state);
    if (channel === undefined) {
      channel = new DataChannel(state, this.#link);
      channel.maxMessageSize = () => this.machine.maxMessageSize;
      this.#handles.set(state, channel);
    }
    return channel;
  }

  #scheduleFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => {
      this.#flushQueued = false;
      // without a transport (nothing negotiated yet), events that need no network still come
      if (!this.#flush()) this.drain();
    });
  }
}

/**
 * Two `DataChannels` machines, each over its own `DtlsTransport`, on @tern/ice's seeded simulated network
 * with a manual clock: the DTLS handshake, then both associations connect (both sides call `connect`, as
 * WebRTC peers do), fed by DTLS application data only. No ICE: the network carries the DTLS datagrams
 * between two fixed addresses.
 */
import { certificateFingerprint, type DtlsCertificate, generateCertificate } from "@tern/dtls-srtp";
import type { Millis, TransportAddr } from "@tern/ice";
import {
  type Prng,
  type SimEndpoint,
  SimNetwork,
  type SimNetworkOptions,
  type SimTransmit,
} from "@tern/ice/testing";
import {
  type DataChannelInit,
  type DataChannelState,
  DataChannels,
  type DataChannelsEvent,
  type SctpTransportParameters,
  type SctpTuning,
} from "../../src/machine/data-channels.js";
import { DtlsTransport } from "../../src/machine/dtls-transport.js";

const certificates = Promise.all([generateCertificate(), generateCertificate()]);

export const DEFAULT_PARAMETERS: SctpTransportParameters = {
  localPort: 5000,
  remotePort: 5000,
  localMaxMessageSize: 262144,
  remoteMaxMessageSize: 262144,
};

export class DataChannelEndpoint implements SimEndpoint {
  readonly dtls: DtlsTransport;
  readonly dc: DataChannels;
  readonly events: DataChannelsEvent[] = [];
  /** Called for each event as it is drained (to act at once, as an application would). */
  onEvent: ((now: Millis, e: DataChannelsEvent) => void) | undefined;
  dtlsConnected = false;
  private readonly outbox: Uint8Array[] = [];
  private readonly inbox: Uint8Array[] = [];
  private connectedAt: Millis | undefined;
  peer: DataChannelEndpoint | undefined;

  constructor(
    readonly name: string,
    readonly base: TransportAddr,
    prng: Prng,
    readonly certificate: DtlsCertificate,
    readonly role: "client" | "server",
    readonly parameters: SctpTransportParameters,
    sctp: SctpTuning = {},
  ) {
    const rng = prng.fork();
    this.dtls = new DtlsTransport(
      { certificate, random: (n) => rng.bytes(n), dtlsInitialRetransmitMs: 200 },
      {
        transmit: (d) => this.outbox.push(d),
        event: (now, e) => {
          if (e.kind === "connected") this.connectedAt = now;
          else if (e.kind === "application-data") this.inbox.push(e.data);
        },
      },
    );
    this.dc = new DataChannels({ random: (n) => rng.bytes(n), sctp });
  }

  fingerprint() {
    return certificateFingerprint(this.certificate.chain[0] as Uint8Array, "sha-256");
  }

  createChannel(init: Partial<DataChannelInit> & { label: string }): DataChannelState {
    const c = this.dc.createChannel({
      protocol: "",
      ordered: true,
      maxRetransmits: null,
      maxPacketLifeTime: null,
      negotiated: false,
      id: null,
      priority: "low",
      ...init,
    });
    return c;
  }

  handleDatagram(now: Millis, _local: TransportAddr, _remote: TransportAddr, data: Uint8Array): void {
    this.dtls.handleDatagram(now, data);
    this.pump(now);
  }

  handleTimeout(now: Millis): void {
    this.dtls.handleTimeout(now);
    this.dc.handleTimeout(now);
    this.pump(now);
  }

  /** What an adapter does after every input: feed DTLS application data up, SCTP packets down, events out. */
  pump(now: Millis): void {
    for (;;) {
      if (this.connectedAt !== undefined && !this.dtlsConnected) {
        this.dtlsConnected = true;
        this.dc.start(now, this.role, this.parameters);
      }
      let moved = false;
      for (let d = this.inbox.shift(); d !== undefined; d = this.inbox.shift()) {
        this.dc.handlePacket(now, d);
        moved = true;
      }
      for (let p = this.dc.pollTransmit(); p !== undefined; p = this.dc.pollTransmit()) {
        this.dtls.sendApplicationData(now, p);
        moved = true;
      }
      for (let e = this.dc.pollEvent(); e !== undefined; e = this.dc.pollEvent()) {
        this.events.push(e);
        this.onEvent?.(now, e);
        moved = true;
      }
      if (!moved && this.inbox.length === 0) return;
    }
  }

  pollTransmit(): SimTransmit | undefined {
    const data = this.outbox.shift();
    const peer = this.peer;
    return data && peer ? { from: this.base, to: peer.base, data } : undefined;
  }

  pollTimeout(): Millis | undefined {
    const a = this.dtls.pollTimeout();
    const b = this.dc.pollTimeout();
    if (a === undefined) return b;
    if (b === undefined) return a;
    return Math.min(a, b);
  }

  /** Events of one kind (for one channel when given). */
  of<K extends DataChannelsEvent["kind"]>(
    kind: K,
    channel?: DataChannelState,
  ): Extract<DataChannelsEvent, { kind: K }>[] {
    return this.events.filter(
      (e): e is Extract<DataChannelsEvent, { kind: K }> =>
        e.kind === kind && (channel === undefined || ("channel" in e && e.channel === channel)),
    );
  }
}

export interface PairOptions extends Omit<SimNetworkOptions, "seed"> {
  readonly seed: number;
  readonly parametersA?: SctpTransportParameters;
  readonly parametersB?: SctpTransportParameters;
  readonly sctp?: SctpTuning;
}

/** A is the DTLS client (even stream ids), B the server (odd). Both start their handshake at 0. */
export async function dataChannelPair(o: PairOptions): Promise<{
  net: SimNetwork;
  a: DataChannelEndpoint;
  b: DataChannelEndpoint;
}> {
  const [certA, certB] = await certificates;
  const net = new SimNetwork(o);
  const a = new DataChannelEndpoint(
    "A",
    { address: "10.0.0.1", port: 5000 },
    net.prng,
    certA,
    "client",
    o.parametersA ?? DEFAULT_PARAMETERS,
    o.sctp,
  );
  const b = new DataChannelEndpoint(
    "B",
    { address: "10.0.0.2", port: 6000 },
    net.prng,
    certB,
    "server",
    o.parametersB ?? DEFAULT_PARAMETERS,
    o.sctp,
  );
  a.peer = b;
  b.peer = a;
  net.attach(a, [a.base], { name: "A" });
  net.attach(b, [b.base], { name: "B" });
  a.dtls.start(0, "client", [b.fingerprint()]);
  b.dtls.start(0, "server", [a.fingerprint()]);
  a.pump(0);
  b.pump(0);
  return { net, a, b };
}

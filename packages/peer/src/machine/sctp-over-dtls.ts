import type { DataChannels, SctpTransportParameters } from "./data-channels.js";
import type { DtlsTransport } from "./dtls-transport.js";

/**
 * SCTP over DTLS (RFC 8261) on the BUNDLE transport: DTLS application data goes up to the data channels'
 * association, and each SCTP packet it makes goes down as one DTLS record — the one DTLS path the media
 * session already runs. The association starts once both are true: DTLS is connected and an offer/answer
 * accepted a data m= section (RFC 8841); both WebRTC peers then send INIT (RFC 8831 §6.1).
 */
export class SctpOverDtls {
  #parameters: SctpTransportParameters | undefined;
  #role: "client" | "server" | undefined;
  #dtlsUp = false;

  constructor(
    readonly channels: DataChannels,
    private readonly dtls: DtlsTransport,
  ) {}

  /** Our DTLS role (from a=setup): the channels' stream ids take its parity (RFC 8832 §6). */
  setRole(role: "client" | "server"): void {
    this.#role = role;
    this.channels.setRole(role);
  }

  /** What the latest offer/answer settled for the data section; undefined: none (or it was removed). */
  configure(now: number, p: SctpTransportParameters | undefined): void {
    if (p === undefined) {
      if (this.#parameters !== undefined) this.channels.transportEnded("the data m= section was removed");
      this.#parameters = undefined;
      return;
    }
    this.#parameters = p;
    this.channels.configure(p);
    this.#maybeStart(now);
  }

  dtlsConnected(now: number): void {
    this.#dtlsUp = true;
    this.#maybeStart(now);
  }

  /** The DTLS transport ended (close_notify, failure): the channels close. */
  dtlsEnded(error: string | undefined): void {
    this.#dtlsUp = false;
    this.channels.transportEnded(error);
  }

  /** One DTLS application data record. */
  receive(now: number, data: Uint8Array): void {
    this.channels.handlePacket(now, data);
  }

  /** The association's packets, each as a DTLS record. */
  flush(now: number): void {
    if (!this.#dtlsUp) return;
    for (let p = this.channels.pollTransmit(); p !== undefined; p = this.channels.pollTransmit()) {
      this.dtls.sendApplicationData(now, p);
    }
  }

  /** The connection closes: ABORT to the peer (then DTLS close_notify goes). */
  close(now: number): void {
    this.channels.closeAll(now);
    this.flush(now);
  }

  #maybeStart(now: number): void {
    const p = this.#parameters;
    const role = this.#role;
    if (!this.#dtlsUp || p === undefined || role === undefined) return;
    this.channels.start(now, role, p);
  }
}

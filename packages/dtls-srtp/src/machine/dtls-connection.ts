import type { ClientHello } from "../wire/client-hello.js";
import type { DtlsEvent } from "./dtls-event.js";
import type { Millis } from "./flight-buffer.js";
import type { HandshakeMessage } from "./handshake-reassembly.js";

export type DtlsState = "new" | "handshaking" | "connected" | "closed" | "failed";

/**
 * One DTLS association in one protocol version (Dtls12Connection, Dtls13Connection), sans-IO. The public
 * `DtlsEndpoint` holds one and swaps it when the version is negotiated.
 */
export interface DtlsConnection {
  readonly state: DtlsState;
  handleDatagram(now: Millis, data: Uint8Array): void;
  handleTimeout(now: Millis): void;
  pollTransmit(): Uint8Array | undefined;
  pollEvent(): DtlsEvent | undefined;
  pollTimeout(): Millis | undefined;
  send(data: Uint8Array): void;
  close(): void;
  /** The keying material exporter of the version (arguments already checked by the endpoint). */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array;
}

/** RFC 5246 §6.2.1 / RFC 8446 §5.1: a record carries at most 2^14 bytes of plaintext. */
export const MAX_PLAINTEXT = 16384;

/** A server's 1.2-shaped ClientHello that selects DTLS 1.3 is handed on (RFC 8446 §4.2.1). */
export type UpgradeTo13 = (now: Millis, msg: HandshakeMessage, hello: ClientHello) => void;

/** A DTLS 1.3 client hands its ClientHello to a DTLS 1.2 client (the server answered 1.2). */
export type DowngradeTo12 = (
  now: Millis,
  hello: ClientHello,
  nextRecordSeq: number,
  datagrams: readonly Uint8Array[],
) => void;

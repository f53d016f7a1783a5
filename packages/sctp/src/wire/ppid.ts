import { type Decoded, decodeFail, decodeOk } from "./decoded.js";

/**
 * SCTP Payload Protocol Identifiers of WebRTC data channels, RFC 8831 §8 (IANA "SCTP Payload Protocol
 * Identifiers"). 52 and 54 (the partial forms) are deprecated: never sent, still understood.
 */
export const Ppid = {
  Dcep: 50,
  String: 51,
  BinaryPartial: 52,
  Binary: 53,
  StringPartial: 54,
  StringEmpty: 56,
  BinaryEmpty: 57,
} as const;

export type WebRtcMessageKind = "string" | "binary";

/**
 * The PPID and the SCTP user data for a user message (RFC 8831 §6.6): an empty message is sent with the
 * "empty" PPID and one zero octet, because SCTP cannot carry an empty user message. `userData` is
 * `data` itself otherwise (no copy).
 */
export function encodeWebRtcMessage(
  kind: WebRtcMessageKind,
  data: Uint8Array,
): { readonly ppid: number; readonly userData: Uint8Array } {
  if (data.length === 0) {
    return { ppid: kind === "string" ? Ppid.StringEmpty : Ppid.BinaryEmpty, userData: new Uint8Array(1) };
  }
  return { ppid: kind === "string" ? Ppid.String : Ppid.Binary, userData: data };
}

export interface WebRtcMessage {
  readonly kind: WebRtcMessageKind;
  /** UTF-8 octets for a string; empty for the "empty" PPIDs whatever the user data held */
  readonly data: Uint8Array;
  /** PPID 52 or 54 (deprecated): one part of a message whose parts the sender split itself */
  readonly partial: boolean;
}

/**
 * A received user message by its PPID. "not-a-message-ppid" for DCEP (50, which goes to the DCEP codec)
 * and every PPID that RFC 8831 does not define; `at` is 0.
 */
export function decodeWebRtcMessage(
  ppid: number,
  userData: Uint8Array,
): Decoded<WebRtcMessage, "not-a-message-ppid"> {
  switch (ppid) {
    case Ppid.String:
      return decodeOk({ kind: "string", data: userData, partial: false });
    case Ppid.Binary:
      return decodeOk({ kind: "binary", data: userData, partial: false });
    case Ppid.StringEmpty:
      return decodeOk({ kind: "string", data: userData.subarray(0, 0), partial: false });
    case Ppid.BinaryEmpty:
      return decodeOk({ kind: "binary", data: userData.subarray(0, 0), partial: false });
    case Ppid.StringPartial:
      return decodeOk({ kind: "string", data: userData, partial: true });
    case Ppid.BinaryPartial:
      return decodeOk({ kind: "binary", data: userData, partial: true });
    default:
      return decodeFail("not-a-message-ppid", 0);
  }
}

/**
 * A STUN Binding server (RFC 8489 §6.3, §7.3 for UDP), sans-IO: `handleDatagram(now, from, data)`, then
 * drain `pollTransmit()`.
 *
 * ```
 * Binding request, all attributes understood  -> success: XOR-MAPPED-ADDRESS, MAPPED-ADDRESS (for
 *                                                RFC 3489-era clients), SOFTWARE, FINGERPRINT
 * request with unknown comprehension-required -> 420 + UNKNOWN-ATTRIBUTES (§6.3.1.1)
 * request that frames as STUN but has a
 *   malformed attribute, or another method    -> 400 Bad Request
 * indication, response, garbage, bad
 *   FINGERPRINT                               -> dropped and counted
 * ```
 * No authentication: a public server for server-reflexive discovery (RFC 8489 §9: usages with no
 * credentials). MESSAGE-INTEGRITY in a request is ignored. Requests without the magic cookie
 * (RFC 3489) do not decode and are dropped as "drop-bad-cookie".
 */
import { StunErrorCode, StunErrorReason } from "../wire/error-code.js";
import { decodeMessageType, readUint16, STUN_HEADER_LENGTH } from "../wire/stun-header.js";
import {
  decodeStunMessage,
  encodeStunMessage,
  isStunMessage,
  stunErrorResponse,
  stunSuccessResponse,
  unknownComprehensionRequired,
} from "../wire/stun-message.js";
import { type StunAttribute, type StunMessage, StunMethod } from "../wire/stun-message-types.js";
import type { TransportAddr } from "../wire/transport-address.js";
import type { Millis, Transmit } from "./stun-transaction.js";

export interface StunBindingServerConfig {
  /** SOFTWARE attribute value; omitted when empty. Default "tern-stun". */
  readonly software?: string;
  /** Also send MAPPED-ADDRESS (RFC 8489 §14.1 backwards compatibility). Default true. */
  readonly mappedAddress?: boolean;
  /** Bound on queued, not yet polled responses. Default 1024. */
  readonly maxQueuedTransmits?: number;
}

export type StunBindingServerCounter =
  | "binding-success"
  | "error-400"
  | "error-420"
  | "drop-too-short"
  | "drop-not-stun"
  | "drop-bad-cookie"
  | "drop-bad-length"
  | "drop-fingerprint-mismatch"
  | "drop-malformed"
  | "drop-indication"
  | "drop-response"
  | "drop-queue-full";

export class StunBindingServer {
  readonly counters: Record<StunBindingServerCounter, number> = {
    "binding-success": 0,
    "error-400": 0,
    "error-420": 0,
    "drop-too-short": 0,
    "drop-not-stun": 0,
    "drop-bad-cookie": 0,
    "drop-bad-length": 0,
    "drop-fingerprint-mismatch": 0,
    "drop-malformed": 0,
    "drop-indication": 0,
    "drop-response": 0,
    "drop-queue-full": 0,
  };
  private readonly software: string;
  private readonly mappedAddress: boolean;
  private readonly maxQueued: number;
  private readonly transmits: Transmit[] = [];

  constructor(config: StunBindingServerConfig = {}) {
    this.software = config.software ?? "tern-stun";
    this.mappedAddress = config.mappedAddress ?? true;
    this.maxQueued = config.maxQueuedTransmits ?? 1024;
  }

  handleDatagram(_now: Millis, from: TransportAddr, data: Uint8Array): void {
    const decoded = decodeStunMessage(data);
    if (!decoded.ok) {
      switch (decoded.error.code) {
        case "too-short":
        case "not-stun":
        case "bad-cookie":
        case "bad-length":
        case "fingerprint-mismatch":
          this.counters[`drop-${decoded.error.code}`]++;
          return;
        default:
          // Framed as STUN, but an attribute is broken: answer a request with 400, drop the rest.
          this.answerMalformed(from, data);
          return;
      }
    }
    const msg = decoded.value;
    if (msg.class === "indication") {
      this.counters["drop-indication"]++;
      return;
    }
    if (msg.class !== "request") {
      this.counters["drop-response"]++;
      return;
    }

    const unknown = unknownComprehensionRequired(msg);
    if (unknown.length > 0) {
      this.counters["error-420"]++;
      this.reply(
        from,
        stunErrorResponse(msg, StunErrorCode.UnknownAttribute, reason(420), [
          { type: "unknown-attributes", value: unknown },
          ...this.softwareAttr(),
        ]),
      );
      return;
    }
    if (msg.method !== StunMethod.Binding) {
      this.counters["error-400"]++;
      this.reply(
        from,
        stunErrorResponse(msg, StunErrorCode.BadRequest, "Unsupported method", this.softwareAttr()),
      );
      return;
    }
    this.counters["binding-success"]++;
    const attrs: StunAttribute[] = [{ type: "xor-mapped-address", value: from }];
    if (this.mappedAddress) attrs.push({ type: "mapped-address", value: from });
    this.reply(from, stunSuccessResponse(msg, [...attrs, ...this.softwareAttr()]));
  }

  pollTransmit(): Transmit | undefined {
    return this.transmits.shift();
  }

  private answerMalformed(from: TransportAddr, data: Uint8Array): void {
    // The decoder only reaches attribute errors after the header checks passed.
    const { method, class: cls } = decodeMessageType(readUint16(data, 0));
    if (!isStunMessage(data) || cls !== "request") {
      this.counters["drop-malformed"]++;
      return;
    }
    this.counters["error-400"]++;
    const req: StunMessage = {
      method,
      class: "request",
      transactionId: data.slice(8, STUN_HEADER_LENGTH),
      attributes: [],
    };
    this.reply(from, stunErrorResponse(req, StunErrorCode.BadRequest, reason(400), this.softwareAttr()));
  }

  private softwareAttr(): StunAttribute[] {
    return this.software === "" ? [] : [{ type: "software", value: this.software }];
  }

  private reply(to: TransportAddr, msg: StunMessage): void {
    if (this.transmits.length >= this.maxQueued) {
      this.counters["drop-queue-full"]++;
      return;
    }
    this.transmits.push({ to, data: encodeStunMessage(msg, { fingerprint: true }) });
  }
}

function reason(code: number): string {
  return StunErrorReason[code] ?? "";
}

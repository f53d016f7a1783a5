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
 *
 * Answering anyone makes it a reflector for forged source addresses (a 20-byte request gets a 68-byte
 * answer), so replies are rate-limited per source IP address and in all (`ReplyRateLimit`); what is
 * over either limit is dropped as "drop-rate-limited".
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
import { ReplyRateLimit } from "./reply-rate-limit.js";
import type { Millis, Transmit } from "./stun-transaction.js";

export interface StunBindingServerConfig {
  /** SOFTWARE attribute value; omitted when empty. Default "tern-stun". */
  readonly software?: string;
  /** Also send MAPPED-ADDRESS (RFC 8489 §14.1 backwards compatibility). Default true. */
  readonly mappedAddress?: boolean;
  /** Bound on queued, not yet polled responses. Default 1024. */
  readonly maxQueuedTransmits?: number;
  /** Replies a second to one IP address (bursts of twice that). Default 10. */
  readonly maxRepliesPerSourcePerSecond?: number;
  /** Replies a second in all (bursts of as many). Default 5000. */
  readonly maxRepliesPerSecond?: number;
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
  | "drop-queue-full"
  | "drop-rate-limited";

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
    "drop-rate-limited": 0,
  };
  private readonly software: string;
  private readonly mappedAddress: boolean;
  private readonly maxQueued: number;
  private readonly transmits: Transmit[] = [];
  private readonly limit: ReplyRateLimit;
  private now: Millis = 0;

  constructor(config: StunBindingServerConfig = {}) {
    this.software = config.software ?? "tern-stun";
    this.mappedAddress = config.mappedAddress ?? true;
    this.maxQueued = config.maxQueuedTransmits ?? 1024;
    const perSource = config.maxRepliesPerSourcePerSecond ?? 10;
    const total = config.maxRepliesPerSecond ?? 5000;
    this.limit = new ReplyRateLimit({
      perSourcePerSecond: perSource,
      perSourceBurst: 2 * perSource,
      totalPerSecond: total,
      totalBurst: total,
      maxSources: 10_000,
    });
  }

  handleDatagram(now: Millis, from: TransportAddr, data: Uint8Array): void {
    this.now = now;
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
      this.reply(
        "error-420",
        from,
        stunErrorResponse(msg, StunErrorCode.UnknownAttribute, reason(420), [
          { type: "unknown-attributes", value: unknown },
          ...this.softwareAttr(),
        ]),
      );
      return;
    }
    if (msg.method !== StunMethod.Binding) {
      this.reply(
        "error-400",
        from,
        stunErrorResponse(msg, StunErrorCode.BadRequest, "Unsupported method", this.softwareAttr()),
      );
      return;
    }
    const attrs: StunAttribute[] = [{ type: "xor-mapped-address", value: from }];
    if (this.mappedAddress) attrs.push({ type: "mapped-address", value: from });
    this.reply("binding-success", from, stunSuccessResponse(msg, [...attrs, ...this.softwareAttr()]));
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
    const req: StunMessage = {
      method,
      class: "request",
      transactionId: data.slice(8, STUN_HEADER_LENGTH),
      attributes: [],
    };
    this.reply(
      "error-400",
      from,
      stunErrorResponse(req, StunErrorCode.BadRequest, reason(400), this.softwareAttr()),
    );
  }

  private softwareAttr(): StunAttribute[] {
    return this.software === "" ? [] : [{ type: "software", value: this.software }];
  }

  /** Queues a reply and counts it as `answered`, unless a rate limit or the queue bound drops it (counted). */
  private reply(
    answered: "binding-success" | "error-400" | "error-420",
    to: TransportAddr,
    msg: StunMessage,
  ): void {
    if (!this.limit.allow(this.now, to.address)) {
      this.counters["drop-rate-limited"]++;
      return;
    }
    if (this.transmits.length >= this.maxQueued) {
      this.counters["drop-queue-full"]++;
      return;
    }
    this.counters[answered]++;
    this.transmits.push({ to, data: encodeStunMessage(msg, { fingerprint: true }) });
  }
}

function reason(code: number): string {
  return StunErrorReason[code] ?? "";
}

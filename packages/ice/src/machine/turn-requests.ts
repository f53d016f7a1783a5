/**
 * The four TURN requests a client sends (RFC 8656 §7–§12) and what their error responses mean.
 *
 * ```
 * Allocate          REQUESTED-TRANSPORT=17 (UDP) [LIFETIME]                      §7.1
 * Refresh           [LIFETIME] (0 = delete the allocation)                       §8.1
 * CreatePermission  XOR-PEER-ADDRESS (port ignored)                              §10.1
 * ChannelBind       CHANNEL-NUMBER XOR-PEER-ADDRESS                              §12.1
 * ```
 * Every request after the first 401 carries USERNAME, REALM, NONCE and MESSAGE-INTEGRITY(-SHA256).
 */
import { getAttribute } from "../wire/stun-message.js";
import { type StunAttribute, type StunMessage, StunMethod } from "../wire/stun-message-types.js";
import type { TransportAddr } from "../wire/transport-address.js";
import { TurnError, type TurnErrorCode } from "./turn-error.js";

/** IANA protocol number of UDP, the only REQUESTED-TRANSPORT RFC 8656 defines. */
export const REQUESTED_TRANSPORT_UDP = 17;

export type TurnRequest =
  | { readonly kind: "allocate"; readonly lifetimeSec: number | undefined }
  | { readonly kind: "refresh"; readonly lifetimeSec: number | undefined }
  | { readonly kind: "create-permission"; readonly peerAddress: string }
  | { readonly kind: "channel-bind"; readonly peer: TransportAddr; readonly channelNumber: number };

/** What rides with a transaction: the request (to resend it after 401/438) and its retry counts. */
export interface TurnRequestContext {
  readonly request: TurnRequest;
  /** Whether it carried credentials (its responses are then integrity-checked). */
  readonly authenticated: boolean;
  readonly staleNonceRetries: number;
  readonly authRetries: number;
}

export function turnRequestMethod(r: TurnRequest): number {
  switch (r.kind) {
    case "allocate":
      return StunMethod.Allocate;
    case "refresh":
      return StunMethod.Refresh;
    case "create-permission":
      return StunMethod.CreatePermission;
    case "channel-bind":
      return StunMethod.ChannelBind;
  }
}

export function turnRequestAttributes(r: TurnRequest): StunAttribute[] {
  switch (r.kind) {
    case "allocate": {
      const out: StunAttribute[] = [{ type: "requested-transport", value: REQUESTED_TRANSPORT_UDP }];
      if (r.lifetimeSec !== undefined) out.push({ type: "lifetime", value: r.lifetimeSec });
      return out;
    }
    case "refresh":
      return r.lifetimeSec === undefined ? [] : [{ type: "lifetime", value: r.lifetimeSec }];
    case "create-permission":
      return [{ type: "xor-peer-address", value: { address: r.peerAddress, port: 0 } }];
    case "channel-bind":
      return [
        { type: "channel-number", value: r.channelNumber },
        { type: "xor-peer-address", value: r.peer },
      ];
  }
}

const CODE_BY_STUN_ERROR: Readonly<Record<number, TurnErrorCode>> = {
  300: "try-alternate",
  401: "unauthorized",
  403: "forbidden",
  437: "allocation-mismatch",
  438: "stale-nonce",
  440: "address-family",
  441: "unauthorized",
  442: "unsupported-transport",
  443: "address-family",
  486: "allocation-quota",
  508: "insufficient-capacity",
};

/** The ERROR-CODE of an error response (0 when it has none). */
export function stunErrorCodeOf(msg: StunMessage): { readonly code: number; readonly reason: string } {
  const e = getAttribute(msg, "error-code");
  return e === undefined ? { code: 0, reason: "no ERROR-CODE" } : { code: e.code, reason: e.reason };
}

/** A TurnError for an error response to `request`. */
export function turnErrorFromResponse(request: TurnRequest, msg: StunMessage): TurnError {
  const { code, reason } = stunErrorCodeOf(msg);
  const mapped = CODE_BY_STUN_ERROR[code] ?? "protocol-error";
  const alternate = getAttribute(msg, "alternate-server")?.value;
  const where = alternate === undefined ? "" : ` (ALTERNATE-SERVER ${alternate.address}:${alternate.port})`;
  return new TurnError(mapped, `${request.kind}: ${code} ${reason}${where}`, {
    stunCode: code,
    cause: alternate === undefined ? undefined : { alternateServer: alternate },
  });
}

/**
 * Why a TURN allocation (RFC 8656) failed, or why one of its permissions / channel bindings did, and
 * the counters of what the client dropped.
 */

/** The cause of a `failed` event (fatal for the allocation) or a `permission-failed` / `channel-failed` event. */
export type TurnErrorCode =
  /** 401 after credentials were sent (wrong username/password), or 441 Wrong Credentials. */
  | "unauthorized"
  /** 403 Forbidden (RFC 8656 §7.2: the server refused the allocation or the peer address). */
  | "forbidden"
  /** 437 Allocation Mismatch: the server has another allocation on this 5-tuple, or none any more. */
  | "allocation-mismatch"
  /** 486 Allocation Quota Reached. */
  | "allocation-quota"
  /** 508 Insufficient Capacity. */
  | "insufficient-capacity"
  /** 442 Unsupported Transport Protocol. */
  | "unsupported-transport"
  /** 440 Address Family not Supported, 443 Peer Address Family Mismatch. */
  | "address-family"
  /** 300 Try Alternate (ALTERNATE-SERVER in `alternateServer`); this client does not follow redirects. */
  | "try-alternate"
  /** 438 Stale Nonce answered to every retry with a fresh nonce. */
  | "stale-nonce"
  /** The Allocate transaction timed out, or the connection to the server could not be made. */
  | "server-unreachable"
  /** A Refresh failed (error or timeout) before the allocation expired. */
  | "refresh-failed"
  /** Another error response, or a success response missing what RFC 8656 requires of it. */
  | "protocol-error"
  /** A CreatePermission or ChannelBind transaction timed out (non-fatal). */
  | "timeout"
  /** Adapter level: the server closed the TCP/TLS connection, or its byte stream lost framing. */
  | "connection-closed"
  /** Adapter level: a bug in Tern caught by the adapter's guard. */
  | "internal";

export class TurnError extends Error {
  override readonly name = "TurnError";
  readonly code: TurnErrorCode;
  /** The STUN ERROR-CODE (e.g. 437) behind the error, when a response carried one. */
  readonly stunCode: number | undefined;
  constructor(
    code: TurnErrorCode,
    message: string,
    options: { readonly cause?: unknown; readonly stunCode?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.stunCode = options.stunCode;
  }
}

/** Drops and other counts of one allocation; bad input moves a counter and changes nothing else. */
export type TurnCounter =
  /** From the server: neither a decodable STUN message nor ChannelData. */
  | "malformed"
  /** A response whose transaction id is not ours (late, duplicated, or forged). */
  | "stun-unknown-transaction"
  /** A response to an authenticated request whose MESSAGE-INTEGRITY(-SHA256) does not verify. */
  | "stun-bad-integrity"
  /** A success response to an authenticated request without any integrity attribute. */
  | "stun-missing-integrity"
  /** A request, or an indication other than Data, from the server. */
  | "stun-unexpected"
  /** A Data indication without XOR-PEER-ADDRESS or DATA. */
  | "data-indication-malformed"
  /** A Data indication from a peer IP we hold no permission for. */
  | "data-unpermitted-peer"
  /** ChannelData on a channel number we did not bind. */
  | "channel-data-unknown-channel"
  | "data-indications-received"
  | "channel-data-received"
  | "send-indications-sent"
  | "channel-data-sent"
  /** sendTo dropped: the permission table is full (maxPermissions). */
  | "send-permission-limit"
  /** sendTo dropped: too much queued for a peer whose permission is not installed yet. */
  | "send-queue-overflow"
  /** Queued data dropped because its permission failed. */
  | "send-dropped-permission-failed"
  /** A peer left on Send indications because the channel table is full (maxChannels). */
  | "channel-limit"
  | "requests-sent"
  | "retransmits"
  | "stale-nonce-retries"
  | "permissions-created"
  | "permissions-refreshed"
  | "permission-failures"
  | "channels-bound"
  | "channels-refreshed"
  | "channel-bind-failures"
  | "refreshes";

export type TurnCounters = Record<TurnCounter, number>;

export function newTurnCounters(): TurnCounters {
  return {
    malformed: 0,
    "stun-unknown-transaction": 0,
    "stun-bad-integrity": 0,
    "stun-missing-integrity": 0,
    "stun-unexpected": 0,
    "data-indication-malformed": 0,
    "data-unpermitted-peer": 0,
    "channel-data-unknown-channel": 0,
    "data-indications-received": 0,
    "channel-data-received": 0,
    "send-indications-sent": 0,
    "channel-data-sent": 0,
    "send-permission-limit": 0,
    "send-queue-overflow": 0,
    "send-dropped-permission-failed": 0,
    "channel-limit": 0,
    "requests-sent": 0,
    retransmits: 0,
    "stale-nonce-retries": 0,
    "permissions-created": 0,
    "permissions-refreshed": 0,
    "permission-failures": 0,
    "channels-bound": 0,
    "channels-refreshed": 0,
    "channel-bind-failures": 0,
    refreshes: 0,
  };
}

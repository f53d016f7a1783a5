import { type Candidate, formatCandidate, type TurnError } from "@tern/ice";

/** W3C webrtc-pc RTCPeerConnectionIceErrorEventInit: why a STUN/TURN server gave no candidate. */
export interface IceCandidateErrorInit {
  /** Our local address the request went from (null when none is disclosed). */
  readonly address: string | null;
  readonly port: number | null;
  /** The server's URL as configured. */
  readonly url: string;
  /** The STUN error code the server answered (RFC 8489 §14.8), or 701 when it could not be reached. */
  readonly errorCode: number;
  readonly errorText: string;
}

/** webrtc-pc §4.8.2: 701 — no response from the server (STUN/TURN), or it could not be reached. */
export const SERVER_UNREACHABLE = 701;

const STUN_ERROR_OF: Readonly<Record<string, number>> = {
  unauthorized: 401,
  forbidden: 403,
  "allocation-mismatch": 437,
  "stale-nonce": 438,
  "address-family": 440,
  "unsupported-transport": 442,
  "allocation-quota": 486,
  "insufficient-capacity": 508,
  "try-alternate": 300,
};

/** The `icecandidateerror` fields for an error `@tern/ice` reported for one server. */
export function iceCandidateErrorOf(e: {
  readonly url: string;
  readonly error: TurnError | Error;
  readonly from?: { readonly address: string; readonly port: number };
}): IceCandidateErrorInit {
  const code =
    "code" in e.error && typeof e.error.code === "string" ? STUN_ERROR_OF[e.error.code] : undefined;
  return {
    address: e.from?.address ?? null,
    port: e.from?.port ?? null,
    url: e.url,
    errorCode: code ?? SERVER_UNREACHABLE,
    errorText: e.error.message,
  };
}

/** A local candidate as the `candidate` of an icecandidate event (RFC 8839 §5.1, without `a=`). */
export function localCandidateLine(c: Candidate): string {
  return formatCandidate(c);
}

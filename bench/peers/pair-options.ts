/** What a bench asks of a connected pair of peers, the same for every stack. */
export interface PairOptions {
  readonly audio: boolean;
  readonly video: boolean;
  /** Media both ways (each side sendrecv), or from `a` to `b` only. */
  readonly direction: "sendrecv" | "a-to-b";
  /** DTLS-SRTP profiles to offer and accept (RFC 5764 codes); default: the stack's own list. */
  readonly srtpProfiles?: readonly number[];
  /**
   * The equal gathering of peer-setup: each stack gathers as it does by default (every interface) plus
   * 127.0.0.1 and queries this STUN server (on loopback). Without it, a stack binds as little as it can.
   */
  readonly stunUrl?: string;
  readonly timeoutMs?: number;
}

/** A connected pair: how long it took, what it negotiated (read from the stacks), how to close it. */
export interface ConnectedPair {
  /** From the offer's creation (node-datachannel: setLocalDescription) to both sides "connected", ms. */
  readonly setupMs: number;
  /** Process CPU (user + system, every thread) over the same span, ms. */
  readonly cpuMs: number;
  /** Read from the running stacks after connecting: SRTP profile, candidates, bundle… */
  readonly config: Readonly<Record<string, unknown>>;
  close(): Promise<void>;
}

/** RFC 5764 §4.1.2, RFC 7714 §14.2: the DTLS-SRTP protection profiles. */
export const SRTP_PROFILE_CODES = {
  SRTP_AES128_CM_HMAC_SHA1_80: 0x0001,
  SRTP_AEAD_AES_128_GCM: 0x0007,
} as const;
export type SrtpProfileName = keyof typeof SRTP_PROFILE_CODES;

export function srtpProfileName(code: number): SrtpProfileName | undefined {
  for (const [name, c] of Object.entries(SRTP_PROFILE_CODES)) if (c === code) return name as SrtpProfileName;
  return undefined;
}

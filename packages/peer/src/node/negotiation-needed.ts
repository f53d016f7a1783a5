import { type Direction, intersectDirection, reverseDirection, sends } from "../sdp/index.js";
import type { Transceiver } from "./rtp-transceiver.js";
import type { DataSectionState } from "./transceiver-set.js";

/** What the current local description (the last completed negotiation) says about one m= section. */
export interface NegotiatedSection {
  /** Our direction as we wrote it. */
  readonly localDirection: Direction;
  /** Whether our description was the offer. */
  readonly weOffered: boolean;
  /** The remote offer's direction (when we answered). */
  readonly offeredDirection: Direction;
  /** Our m= section carried an msid (we were sending a track). */
  readonly hadMsid: boolean;
}

export interface NegotiationNeededInput {
  readonly transceivers: readonly Transceiver[];
  readonly data: DataSectionState;
  /** By mid, from the current local description. */
  readonly current: ReadonlyMap<string, NegotiatedSection>;
  /** The data section's mid in the current descriptions, if one was negotiated. */
  readonly currentDataMid: string | undefined;
  readonly restartIcePending: boolean;
}

/**
 * W3C webrtc-pc §4.7.3 "check if negotiation is needed", against the current local description: an ICE
 * restart asked for, a data section wanted and not negotiated, a transceiver stopping, not yet in an m=
 * section, sending without an msid, or whose direction differs from the one negotiated (the offered one
 * when we offered; when we answered, what our direction makes of the offer's).
 */
export function isNegotiationNeeded(input: NegotiationNeededInput): boolean {
  if (input.restartIcePending) return true;
  if (input.data.wanted && input.currentDataMid === undefined) return true;
  for (const t of input.transceivers) {
    if (t.stopped) continue;
    if (t.stopping) return true;
    if (t.mid === null) return true;
    const cur = input.current.get(t.mid);
    if (cur === undefined) return true;
    if (sends(t.wantedDirection) && t.sender.track !== undefined && !cur.hadMsid) return true;
    const want = cur.weOffered
      ? t.wantedDirection
      : intersectDirection(t.wantedDirection, reverseDirection(cur.offeredDirection));
    if (cur.localDirection !== want) return true;
  }
  return false;
}

/**
 * webrtc-pc §4.7.3 "update the negotiation-needed flag": set when a negotiation is needed, and then
 * `negotiationneeded` queued as a task; it fires only if the flag is still set and the connection can
 * still negotiate (open, no operation chained, signaling state stable) when the task runs.
 */
export class NegotiationNeededFlag {
  #set = false;

  constructor(
    private readonly canNegotiate: () => boolean,
    private readonly guard: (fn: () => void) => void,
    private readonly fire: () => void,
  ) {}

  /** The outcome of the negotiation-needed check. */
  update(needed: boolean): void {
    if (!needed) {
      this.#set = false;
      return;
    }
    if (this.#set) return;
    this.#set = true;
    setImmediate(() =>
      this.guard(() => {
        if (!this.canNegotiate()) return;
        if (!this.#set) return;
        this.fire();
      }),
    );
  }

  clear(): void {
    this.#set = false;
  }
}

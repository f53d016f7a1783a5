/**
 * Inter-arrival grouping, draft-ietf-rmcat-gcc-02 §5.2 (pre-filtering) as libwebrtc's `InterArrivalDelta`
 * does it: packets sent within `groupLengthMs` of a group's first packet form one group; a packet that
 * arrives within a burst (≤ 5 ms after the group's last arrival, with a negative propagation delta: the
 * network released a queue at once) joins the group too. When a group completes, its send-time and
 * arrival-time deltas to the previous group go to the delay-gradient filter.
 */
export interface InterArrivalDeltas {
  /** send time of this group's last packet minus the previous group's (ms) */
  readonly sendDeltaMs: number;
  /** arrival of this group's last packet minus the previous group's (ms) */
  readonly arrivalDeltaMs: number;
  /** octets of this group minus the previous group's */
  readonly sizeDelta: number;
}

interface Group {
  firstSendMs: number;
  sendMs: number;
  firstArrivalMs: number;
  completeMs: number;
  /** our clock when the group's last packet's feedback was handled (to spot arrival-clock jumps) */
  lastSystemMs: number;
  size: number;
}

/** A group of packets sent within this span (ms): one burst of the pacer. */
const GROUP_LENGTH_MS = 5;
/** Arrivals this close (ms) with a negative propagation delta are one burst. */
const BURST_DELTA_MS = 5;
/** A burst lasts at most this long (ms). */
const MAX_BURST_MS = 100;
/** The arrival clock ran this much (ms) faster than ours: reset. */
const ARRIVAL_OFFSET_RESET_MS = 3000;
/** This many consecutive reordered groups: reset. */
const REORDERED_RESET = 3;

export class InterArrival {
  #current: Group | undefined;
  #prev: Group | undefined;
  #reordered = 0;

  /**
   * One received packet (in arrival order): its send time on our clock, its arrival on the receiver's,
   * `nowMs` when its feedback came, its size. Returns the deltas when it completed a group.
   */
  handlePacket(
    sendMs: number,
    arrivalMs: number,
    nowMs: number,
    size: number,
  ): InterArrivalDeltas | undefined {
    let out: InterArrivalDeltas | undefined;
    const cur = this.#current;
    if (!cur) {
      this.#current = {
        firstSendMs: sendMs,
        sendMs,
        firstArrivalMs: arrivalMs,
        completeMs: arrivalMs,
        lastSystemMs: nowMs,
        size,
      };
      return undefined;
    }
    if (cur.firstSendMs > sendMs) return undefined; // reordered: older than the group
    if (this.#newGroup(cur, arrivalMs, sendMs)) {
      const prev = this.#prev;
      if (prev) {
        const sendDeltaMs = cur.sendMs - prev.sendMs;
        const arrivalDeltaMs = cur.completeMs - prev.completeMs;
        const systemDeltaMs = cur.lastSystemMs - prev.lastSystemMs;
        if (arrivalDeltaMs - systemDeltaMs >= ARRIVAL_OFFSET_RESET_MS) {
          this.reset();
          return undefined;
        }
        if (arrivalDeltaMs < 0) {
          if (++this.#reordered >= REORDERED_RESET) this.reset();
          return undefined;
        }
        this.#reordered = 0;
        out = { sendDeltaMs, arrivalDeltaMs, sizeDelta: cur.size - prev.size };
      }
      this.#prev = cur;
      this.#current = {
        firstSendMs: sendMs,
        sendMs,
        firstArrivalMs: arrivalMs,
        completeMs: arrivalMs,
        lastSystemMs: nowMs,
        size,
      };
      return out;
    }
    cur.sendMs = Math.max(cur.sendMs, sendMs);
    cur.size += size;
    cur.completeMs = arrivalMs;
    cur.lastSystemMs = nowMs;
    return undefined;
  }

  reset(): void {
    this.#current = undefined;
    this.#prev = undefined;
    this.#reordered = 0;
  }

  #newGroup(cur: Group, arrivalMs: number, sendMs: number): boolean {
    if (this.#belongsToBurst(cur, arrivalMs, sendMs)) return false;
    return sendMs - cur.firstSendMs > GROUP_LENGTH_MS;
  }

  #belongsToBurst(cur: Group, arrivalMs: number, sendMs: number): boolean {
    const arrivalDelta = arrivalMs - cur.completeMs;
    const sendDelta = sendMs - cur.sendMs;
    if (sendDelta === 0) return true;
    const propagationDelta = arrivalDelta - sendDelta;
    return (
      propagationDelta < 0 && arrivalDelta <= BURST_DELTA_MS && arrivalMs - cur.firstArrivalMs < MAX_BURST_MS
    );
  }
}

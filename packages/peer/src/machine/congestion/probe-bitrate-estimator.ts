import type { PacketFeedback } from "@tern/rtp";

/**
 * What a probe cluster found (libwebrtc's `ProbeBitrateEstimator`): from the feedback of the packets
 * tagged with its id, the rate they were sent at and the rate they arrived at; the result is the smaller,
 * or 95 % of the arrival rate when that is under 90 % of the send rate (the link's capacity was found).
 * A cluster counts once 80 % of its packets and octets are reported received.
 */
interface Cluster {
  firstSendMs: number;
  lastSendMs: number;
  sizeLastSend: number;
  firstArrivalMs: number;
  lastArrivalMs: number;
  sizeFirstArrival: number;
  sizeTotal: number;
  packets: number;
  createdMs: number;
}

const MIN_RECEIVED_RATIO = 0.8;
const MAX_INTERVAL_MS = 1000;
const MAX_VALID_RATIO = 2;
const UNSATURATED_RATIO = 0.9;
const TARGET_UTILIZATION = 0.95;
const CLUSTER_HISTORY_MS = 1000;

export class ProbeBitrateEstimator {
  readonly #clusters = new Map<number, Cluster>();
  /** cluster id → the octets and packets it was asked for */
  readonly #wanted = new Map<number, { minBytes: number; minPackets: number }>();
  #last: number | undefined;

  /** A probe cluster started (its id tags the packets sent for it). */
  handleProbeStarted(id: number, minBytes: number, minPackets: number): void {
    this.#wanted.set(id, { minBytes, minPackets });
  }

  /** One received packet's feedback; returns the cluster's result once it has one. */
  handlePacket(nowMs: number, p: PacketFeedback): number | undefined {
    const arrival = p.arrivalTimeMs;
    if (p.tag < 0 || arrival === undefined) return undefined;
    const wanted = this.#wanted.get(p.tag);
    if (!wanted) return undefined;
    for (const [id, c] of this.#clusters) {
      if (nowMs - c.createdMs > CLUSTER_HISTORY_MS) {
        this.#clusters.delete(id);
        this.#wanted.delete(id);
      }
    }
    let c = this.#clusters.get(p.tag);
    if (!c) {
      c = {
        firstSendMs: p.sendTimeMs,
        lastSendMs: p.sendTimeMs,
        sizeLastSend: p.sizeBytes,
        firstArrivalMs: arrival,
        lastArrivalMs: arrival,
        sizeFirstArrival: p.sizeBytes,
        sizeTotal: 0,
        packets: 0,
        createdMs: nowMs,
      };
      this.#clusters.set(p.tag, c);
    }
    if (p.sendTimeMs < c.firstSendMs) c.firstSendMs = p.sendTimeMs;
    if (p.sendTimeMs > c.lastSendMs) {
      c.lastSendMs = p.sendTimeMs;
      c.sizeLastSend = p.sizeBytes;
    }
    if (arrival < c.firstArrivalMs) {
      c.firstArrivalMs = arrival;
      c.sizeFirstArrival = p.sizeBytes;
    }
    if (arrival > c.lastArrivalMs) c.lastArrivalMs = arrival;
    c.sizeTotal += p.sizeBytes;
    c.packets++;
    if (
      c.packets < wanted.minPackets * MIN_RECEIVED_RATIO ||
      c.sizeTotal < wanted.minBytes * MIN_RECEIVED_RATIO
    )
      return undefined;
    const sendMs = c.lastSendMs - c.firstSendMs;
    const arrivalMs = c.lastArrivalMs - c.firstArrivalMs;
    if (sendMs <= 0 || sendMs > MAX_INTERVAL_MS || arrivalMs <= 0 || arrivalMs > MAX_INTERVAL_MS)
      return undefined;
    const sendRate = ((c.sizeTotal - c.sizeLastSend) * 8000) / sendMs;
    const arrivalRate = ((c.sizeTotal - c.sizeFirstArrival) * 8000) / arrivalMs;
    if (arrivalRate / sendRate > MAX_VALID_RATIO) return undefined;
    let result = Math.min(sendRate, arrivalRate);
    if (arrivalRate < UNSATURATED_RATIO * sendRate) result = TARGET_UTILIZATION * arrivalRate;
    this.#last = result;
    return result;
  }

  /** The last result not yet taken. */
  takeResult(): number | undefined {
    const r = this.#last;
    this.#last = undefined;
    return r;
  }
}

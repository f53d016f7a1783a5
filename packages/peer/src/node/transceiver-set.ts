import {
  type Direction,
  effectiveDirection,
  isDataSection,
  isRejected,
  isRtpMediaKind,
  layoutOffer,
  type MediaSection,
  type MLineSlot,
  type OfferLayout,
  reverseDirection,
  type SessionDescription,
} from "../sdp/index.js";
import { Transceiver } from "./rtp-transceiver.js";

/** The data channel m= section of the session (RFC 8841), as the connection tracks it. */
export interface DataSectionState {
  readonly kind: "application";
  /** A data channel asked for one (the data-channel layer's hook). */
  wanted: boolean;
  mid: string | null;
  mLineIndex: number | undefined;
}

export type SlotOwner = Transceiver | DataSectionState;

/** One m= line of the session: what both descriptions have at its index, and who owns it. */
export interface Slot {
  readonly mid: string;
  /** The m= line's media and protocol as last written (for re-writing it rejected). */
  readonly kind: string;
  readonly protocol: string;
  readonly formats: readonly string[];
  owner: SlotOwner | undefined;
  /** Rejected (port 0) by the last completed offer/answer (the answer's port is 0). */
  rejected: boolean;
}

/** What a rollback restores (webrtc-pc §4.4.1.6 "rollback"): the set as it was before the offer applied. */
export interface TransceiverSnapshot {
  readonly transceivers: readonly Transceiver[];
  readonly fields: ReadonlyMap<
    Transceiver,
    {
      mid: string | null;
      mLineIndex: number | undefined;
      firedDirection: Direction;
      streams: readonly string[];
    }
  >;
  readonly data: { mid: string | null; mLineIndex: number | undefined };
  readonly slots: readonly Slot[];
  /** The transceivers the remote offer applied after the snapshot made (a rollback removes them). */
  readonly created: Transceiver[];
}

/**
 * The transceivers and m= lines of one peer connection and the JSEP bookkeeping between them: which
 * transceiver a remote offer's m= section goes to (RFC 8829 §5.10), where a local offer puts new ones
 * (§5.2.2, recycling), what an answer stops, and what a rollback undoes.
 */
export class TransceiverSet {
  readonly transceivers: Transceiver[] = [];
  readonly data: DataSectionState = { kind: "application", wanted: false, mid: null, mLineIndex: undefined };
  slots: Slot[] = [];

  add(kind: "audio" | "video", direction: Direction, addedByAddTrack: boolean): Transceiver {
    const t = new Transceiver(kind, direction);
    t.addedByAddTrack = addedByAddTrack;
    this.transceivers.push(t);
    return t;
  }

  byMid(mid: string): Transceiver | undefined {
    return this.transceivers.find((t) => t.mid === mid);
  }

  /** Every mid in use: the transceivers' and the m= lines' (which outlive removed transceivers). */
  usedMids(extra: Iterable<string> = []): Set<string> {
    const used = new Set<string>(extra);
    for (const t of this.transceivers) if (t.mid !== null) used.add(t.mid);
    for (const s of this.slots) used.add(s.mid);
    if (this.data.mid !== null) used.add(this.data.mid);
    return used;
  }

  /** Where the next local offer puts every m= section (RFC 8829 §5.2.2); pure. */
  layout(extraMids: Iterable<string>): OfferLayout<SlotOwner> {
    const newcomers: SlotOwner[] = this.transceivers.filter((t) => t.mid === null && !t.stopping);
    if (this.data.wanted && this.data.mid === null) newcomers.push(this.data);
    const slots: MLineSlot<SlotOwner>[] = this.slots.map((s) => ({
      mid: s.mid,
      owner: s.owner,
      recyclable: s.rejected && (s.owner === undefined || isStopped(s.owner)),
    }));
    return layoutOffer(slots, newcomers, this.usedMids(extraMids));
  }

  snapshot(): TransceiverSnapshot {
    return {
      transceivers: [...this.transceivers],
      fields: new Map(
        this.transceivers.map((t) => [
          t,
          {
            mid: t.mid,
            mLineIndex: t.mLineIndex,
            firedDirection: t.firedDirection,
            streams: t.remoteStreamIds,
          },
        ]),
      ),
      data: { mid: this.data.mid, mLineIndex: this.data.mLineIndex },
      slots: this.slots.map((s) => ({ ...s })),
      created: [],
    };
  }

  /**
   * Rollback: mids and m= lines as they were; a transceiver the rolled-back remote offer made is removed
   * unless addTrack has put a track on it since (then it stays, free for the next offer). Returns the
   * transceivers removed (their tracks end).
   */
  restore(s: TransceiverSnapshot): Transceiver[] {
    const removed: Transceiver[] = [];
    const kept: Transceiver[] = [];
    for (const t of this.transceivers) {
      const before = s.fields.get(t);
      if (before) {
        t.mid = before.mid;
        t.mLineIndex = before.mLineIndex;
        t.firedDirection = before.firedDirection;
        t.remoteStreamIds = before.streams;
        kept.push(t);
      } else if (!s.created.includes(t) || t.sender.track !== undefined) {
        // Made by the application since (or made by the offer, then given a track by addTrack): it stays,
        // free for the next offer.
        t.mid = null;
        t.mLineIndex = undefined;
        t.firedDirection = "inactive";
        if (s.created.includes(t)) t.addedByAddTrack = true;
        kept.push(t);
      } else removed.push(t);
    }
    this.transceivers.splice(0, this.transceivers.length, ...kept);
    this.data.mid = s.data.mid;
    this.data.mLineIndex = s.data.mLineIndex;
    this.slots = s.slots.map((x) => ({ ...x }));
    return removed;
  }

  /** Our offer is set: the newcomers take their mids and m= lines. */
  applyLocalOffer(layout: OfferLayout<SlotOwner>, offer: SessionDescription): void {
    for (const [owner, place] of layout.assigned) {
      owner.mid = place.mid;
      owner.mLineIndex = place.index;
    }
    this.slots = offer.media.map((m, i) => {
      const line = layout.lines[i];
      const previous = this.slots[i];
      return {
        mid: m.mid ?? "",
        kind: m.kind,
        protocol: m.protocol,
        formats: m.formats,
        owner: line?.owner,
        rejected: previous !== undefined && previous.mid === m.mid && previous.rejected,
      };
    });
  }

  /**
   * A remote offer is set: each m= section goes to the transceiver with its mid, else to a free one of its
   * kind made by addTrack, else to a new recvonly transceiver (RFC 8829 §5.10); the data section to the
   * data state. Returns the transceivers it made.
   */
  associateRemoteOffer(offer: SessionDescription): Transceiver[] {
    const created: Transceiver[] = [];
    const slots: Slot[] = [];
    for (const [i, m] of offer.media.entries()) {
      const mid = m.mid ?? "";
      let owner: SlotOwner | undefined;
      if (isDataSection(m)) {
        if (this.data.mid === null || this.data.mid === mid) {
          this.data.mid = mid;
          this.data.mLineIndex = i;
          owner = this.data;
        }
      } else if (isRtpMediaKind(m.kind)) {
        let t = this.byMid(mid);
        if (t === undefined && !isRejected(m)) {
          t = this.transceivers.find(
            (x) => x.kind === m.kind && x.mid === null && x.addedByAddTrack && !x.stopping,
          );
          if (t === undefined) {
            t = this.add(m.kind, "recvonly", false);
            created.push(t);
          }
          t.mid = mid;
        }
        if (t !== undefined) t.mLineIndex = i;
        owner = t;
      }
      const previous = this.slots[i];
      slots.push({
        mid,
        kind: m.kind,
        protocol: m.protocol,
        formats: m.formats,
        owner,
        rejected: previous !== undefined && previous.mid === mid && previous.rejected,
      });
    }
    this.slots = slots;
    return created;
  }

  /**
   * An answer made the descriptions current: which m= lines both sides rejected, and the stopped
   * transceivers whose m= lines are rejected on both sides leave the set (webrtc-pc §4.4.1.6). Returns
   * the transceivers removed.
   */
  settle(local: SessionDescription, remote: SessionDescription): Transceiver[] {
    for (const [i, slot] of this.slots.entries()) {
      const l = local.media[i];
      const r = remote.media[i];
      slot.rejected = l !== undefined && r !== undefined && (l.port === 0 || r.port === 0);
    }
    const removed = this.transceivers.filter(
      (t) => t.stopped && (t.mLineIndex === undefined || this.slots[t.mLineIndex]?.rejected === true),
    );
    for (const t of removed) {
      this.transceivers.splice(this.transceivers.indexOf(t), 1);
      const slot = t.mLineIndex === undefined ? undefined : this.slots[t.mLineIndex];
      if (slot?.owner === t) slot.owner = undefined;
    }
    // A rejected data section: no channel can open on it; it stays a rejected m= line (recyclable).
    const dataSlot = this.data.mLineIndex === undefined ? undefined : this.slots[this.data.mLineIndex];
    if (dataSlot?.owner === this.data && dataSlot.rejected) {
      dataSlot.owner = undefined;
      this.data.mid = null;
      this.data.mLineIndex = undefined;
      this.data.wanted = false;
    }
    return removed;
  }
}

function isStopped(owner: SlotOwner): boolean {
  return owner.kind === "application" ? owner.mid === null : owner.stopped;
}

/** Our point of view of the remote side's direction for an m= section: what it sends, we receive. */
export function directionFromRemote(desc: SessionDescription, section: MediaSection): Direction {
  return isRejected(section) ? "inactive" : reverseDirection(effectiveDirection(desc, section));
}

/**
 * The room directory: the seam between the relay's rules and where rooms, peer sessions and the message
 * bus live. The relay (above it) validates, authenticates, rate-limits and decides every reply; the
 * directory (below it) only keeps the shared state and carries messages and room events to whichever
 * server holds the peer they are for.
 *
 * Two implementations: `MemoryRoomDirectory` (one process, the default, synchronous) and
 * `RedisRoomDirectory` in `node/` (several instances sharing rooms through Redis, asynchronous).
 *
 * The shape is sans-IO-friendly: every request takes `now` and answers through a `done` callback, which the
 * memory directory calls before returning and the Redis one later; events from elsewhere (a peer joined on
 * another instance, a message for a local peer) go to the one sink the relay attaches. A directory never
 * throws at the relay: a failure is an outcome (`unavailable`).
 */
import type { PeerInfo, PeerLeftReason, RelayedMessage } from "../wire/signaling-message.js";
import type { Millis } from "./signaling-limits.js";

export interface JoinRequest {
  readonly room: string;
  readonly peerId: string;
  readonly name: string | null;
  /** The limits the relay enforces, checked by the directory atomically with the join. */
  readonly peersPerRoom: number;
  readonly roomsPerPeer: number;
}

export type JoinOutcome =
  /** `peers`: the others in the room. `already`: it was a member (nothing was announced). */
  | { readonly kind: "joined"; readonly peers: readonly PeerInfo[]; readonly already: boolean }
  | { readonly kind: "room-full" }
  | { readonly kind: "too-many-rooms" }
  | { readonly kind: "unavailable" };

export type DeliverOutcome =
  | { readonly kind: "delivered" }
  | { readonly kind: "not-member" }
  | { readonly kind: "unavailable" };

export interface ClaimRequest {
  readonly peerId: string;
  readonly secret: string;
  /** The secret the session gets if the claim succeeds (a resume secret is good for one resume). */
  readonly newSecret: string;
  /** The `seq` of the last relayed message the client received: later ones are delivered again. */
  readonly lastSeq?: string;
}

export type ClaimOutcome =
  /** `rooms`: those the peer still holds (after an instance died, all of them; after a clean close, none). */
  | { readonly kind: "resumed"; readonly rooms: readonly string[] }
  | { readonly kind: "refused" }
  | { readonly kind: "unavailable" };

/** What comes back from the directory for this server's peers. */
export type DirectoryEvent =
  /** To the local members of `room` other than `peer`. */
  | { readonly kind: "peer-joined"; readonly room: string; readonly peer: PeerInfo }
  /** To the local members of `room` other than `peerId`. */
  | {
      readonly kind: "peer-left";
      readonly room: string;
      readonly peerId: string;
      readonly reason: PeerLeftReason;
    }
  /** A peer message for the local peer `to`; `seq` orders it for resume (absent where there is no backlog). */
  | { readonly kind: "message"; readonly to: string; readonly message: RelayedMessage; readonly seq?: string }
  /** The local peer `peerId` resumed on another server: close its connection here, silently. */
  | { readonly kind: "replaced"; readonly peerId: string };

export type DirectorySink = (event: DirectoryEvent) => void;

export interface RoomDirectory {
  /** Where events go. Called once, by the relay that owns the directory. */
  attach(sink: DirectorySink): void;
  /** A new session `peerId` held by this server, resumable later with `secret`. */
  open(now: Millis, peerId: string, secret: string): void;
  /** A resume: takes `peerId` over (from wherever it is) if `secret` is its current one. */
  claim(now: Millis, request: ClaimRequest, done: (outcome: ClaimOutcome) => void): void;
  /** The peer's connection closed (its rooms were left first): resumable for the grace period. */
  release(now: Millis, peerId: string): void;
  join(now: Millis, request: JoinRequest, done: (outcome: JoinOutcome) => void): void;
  /** Leaves `room` and announces it (`peer-left` with `reason`) to its other members. */
  leave(now: Millis, room: string, peerId: string, reason: PeerLeftReason): void;
  /** Carries `message` to the peer `to` if it is a member of `room`. */
  deliver(
    now: Millis,
    room: string,
    to: string,
    message: RelayedMessage,
    done: (outcome: DeliverOutcome) => void,
  ): void;
  /** Timed work (dormant sessions expiring); `pollTimeout` says when next. */
  handleTimeout(now: Millis): void;
  pollTimeout(): Millis | undefined;
}

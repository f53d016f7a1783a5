/**
 * The joins and claims this instance sent to Redis, waiting for their result on its own channel (`jr`,
 * `cr` on the bus), each with its own timeout. A result settles its request once: the room mirror and the
 * room subscriptions follow it, then the relay hears the outcome (through the server's guard). A request
 * that fails (Redis away, or no answer in time) answers `unavailable` and releases its subscriptions.
 */
import type { Logger } from "pino";
import { secretDigest } from "../crypto/directory-keys.js";
import type {
  ClaimOutcome,
  ClaimRequest,
  DirectoryEvent,
  JoinOutcome,
  JoinRequest,
} from "../machine/room-directory.js";
import type { RoomTable } from "../machine/room-table.js";
import { type BusEnvelope, decodeBacklogMessage } from "../wire/bus-envelope.js";
import type { RoomSubscriptions } from "./room-subscriptions.js";

export type PendingRequest =
  | { readonly kind: "join"; readonly r: JoinRequest; readonly done: (o: JoinOutcome) => void }
  | {
      readonly kind: "claim";
      readonly r: ClaimRequest;
      readonly rooms: readonly string[];
      readonly done: (o: ClaimOutcome) => void;
    };

export interface RedisPendingRequestsContext {
  readonly instanceId: string;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** The directory's counters, shared. */
  readonly counters: { "bus-invalid": number; "redis-errors": number };
  /** This instance's live peers → the digest of their current resume secret. */
  readonly peers: Map<string, string>;
  readonly mirror: RoomTable;
  readonly subs: RoomSubscriptions;
  /** Runs each callback into the relay: the server's guard. */
  readonly run: (what: string, fn: () => void) => void;
  readonly emit: (event: DirectoryEvent) => void;
}

export class RedisPendingRequests {
  private readonly pending = new Map<string, PendingRequest & { readonly timer: NodeJS.Timeout }>();
  private nextReq = 1;

  constructor(private readonly c: RedisPendingRequestsContext) {}

  /** A new request id (carried by the script, echoed in its result), timed out after `timeoutMs`. */
  open(p: PendingRequest): string {
    const req = `${this.c.instanceId.slice(0, 4)}${(this.nextReq++).toString(36)}`;
    const timer = setTimeout(() => this.fail(req, new Error("no answer from Redis")), this.c.timeoutMs);
    timer.unref();
    this.pending.set(req, { ...p, timer });
    return req;
  }

  /** Every request waiting fails (Redis lost, or closing). */
  failAll(err: Error): void {
    for (const [req, p] of this.pending) this.fail(req, err, undefined, p);
  }

  /** A request failed (Redis away, or no answer): `unavailable`, and its room subscriptions released. */
  fail(req: string | undefined, err: unknown, orElse?: () => void, known?: PendingRequest): void {
    this.c.counters["redis-errors"]++;
    this.c.logger.debug({ err }, "redis request failed");
    const p = known ?? (req === undefined ? undefined : this.pending.get(req));
    if (req !== undefined) {
      const entry = this.pending.get(req);
      if (entry !== undefined) clearTimeout(entry.timer);
      this.pending.delete(req);
    }
    if (p === undefined) {
      if (orElse !== undefined) this.c.run("redis-failure", orElse);
      return;
    }
    if (p.kind === "join") {
      this.c.subs.unhold(p.r.room);
      this.c.run("join", () => p.done({ kind: "unavailable" }));
    } else {
      for (const room of p.rooms) this.c.subs.unhold(room);
      this.c.run("claim", () => p.done({ kind: "unavailable" }));
    }
  }

  /** A join's or claim's result arrived on the bus. */
  settle(e: Extract<BusEnvelope, { t: "jr" | "cr" }>): void {
    const { mirror, subs, run } = this.c;
    const p = this.pending.get(e.req);
    if (p === undefined) return;
    this.pending.delete(e.req);
    clearTimeout(p.timer);
    if (p.kind === "join" && e.t === "jr") {
      const { r } = p;
      if (e.r === "ok" || e.r === "already") {
        if (!mirror.has(r.room, r.peerId)) mirror.add(r.room, r.peerId, r.name);
        else subs.unhold(r.room);
        const peers = e.peers ?? [];
        run("join", () => p.done({ kind: "joined", peers, already: e.r === "already" }));
      } else {
        subs.unhold(r.room);
        run("join", () => p.done({ kind: e.r === "full" ? "room-full" : "too-many-rooms" }));
      }
      return;
    }
    if (p.kind === "claim" && e.t === "cr") {
      const rooms = e.rooms ?? [];
      const held = new Set(p.rooms);
      for (const room of rooms) {
        if (held.delete(room)) mirror.add(room, p.r.peerId, null);
        else void subs.hold(room).then(() => mirror.add(room, p.r.peerId, null));
      }
      for (const room of held) subs.unhold(room);
      if (e.r === "refused") {
        run("claim", () => p.done({ kind: "refused" }));
        return;
      }
      this.c.peers.set(p.r.peerId, secretDigest(p.r.newSecret));
      run("claim", () => p.done({ kind: "resumed", rooms }));
      for (const [seq, [, json]] of e.backlog ?? []) {
        const m = decodeBacklogMessage(json);
        if (m.ok) this.c.emit({ kind: "message", to: p.r.peerId, message: m.value, seq });
        else this.c.counters["bus-invalid"]++;
      }
    }
  }
}

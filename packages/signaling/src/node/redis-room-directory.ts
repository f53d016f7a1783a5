/**
 * The room directory shared by several `tern-signaling` instances through one Redis: room membership with
 * its limits enforced atomically (Lua), sessions resumable on any instance, room events on a channel per
 * room, and peer messages through a bounded per-peer backlog (a Redis stream) announced on the holding
 * instance's channel. See `redis-scripts.ts` for the keys.
 *
 * A client whose instance died resumes on another with the `seq` of the last message it got: the claim
 * moves its session here, keeps its rooms, and hands back what was sent to it after that `seq`, in order,
 * once. An instance that stays silent for its timeout plus the resume grace is reaped by the others: its
 * peers that did not come back leave their rooms (reason "timeout").
 *
 * Redis lost while running: the directory reports itself degraded, keeps delivering between peers of this
 * instance (a local mirror of their rooms), answers `unavailable` to joins and resumes, queues leaves and
 * releases, and when Redis is back writes this instance's peers and rooms again and replays the queue.
 */
import type { Logger } from "pino";
import { secretDigest } from "../crypto/directory-keys.js";
import type {
  ClaimOutcome,
  ClaimRequest,
  DeliverOutcome,
  DirectoryEvent,
  DirectorySink,
  JoinOutcome,
  JoinRequest,
  RoomDirectory,
} from "../machine/room-directory.js";
import { RoomTable } from "../machine/room-table.js";
import type { Millis } from "../machine/signaling-limits.js";
import { decodeBusEnvelope } from "../wire/bus-envelope.js";
import type { PeerLeftReason, RelayedMessage } from "../wire/signaling-message.js";
import { InstanceUpkeep } from "./redis-instance-upkeep.js";
import { RedisKeySpace, type ScriptCall } from "./redis-key-space.js";
import { RedisLink } from "./redis-link.js";
import { RedisPendingRequests } from "./redis-pending-requests.js";
import { RoomSubscriptions } from "./room-subscriptions.js";

export interface RedisRoomDirectoryOptions {
  /** `redis://[user:password@]host:port[/db]` */
  readonly url: string;
  /** An instance id: 16 hex digits. */
  readonly instanceId: string;
  /** How long a peer's session (and, after its instance died, its rooms) waits for it to resume. */
  readonly graceMs: number;
  /** Key and channel prefix, to share one Redis between deployments. Default "tern:". */
  readonly prefix?: string;
  /** Heartbeat period. Default 1 000 ms. */
  readonly heartbeatMs?: number;
  /** An instance silent this long is dead (its peers are reaped after the grace on top). Default 5 000. */
  readonly instanceTimeoutMs?: number;
  /** Messages kept per peer for a resume. Default 128. */
  readonly backlogMax?: number;
  /** How long a join or resume waits for Redis. Default 5 000 ms. */
  readonly requestTimeoutMs?: number;
  readonly logger: Logger;
  /** Runs each callback into the relay: the server's guard, which drains the relay afterwards. */
  readonly run: (what: string, fn: () => void) => void;
  /** Redis lost (`false`) or back and resynchronised (`true`). */
  readonly onHealth?: (healthy: boolean) => void;
}

const PEER_ID = /^[0-9a-f]{16}$/;

export class RedisRoomDirectory implements RoomDirectory {
  readonly instanceId: string;
  readonly counters = { "bus-invalid": 0, "redis-errors": 0, resyncs: 0 };
  private sink: DirectorySink = () => {};
  private healthy = true;
  /** This instance's live peers → the digest of their current resume secret. */
  private readonly peers = new Map<string, string>();
  /** The rooms of this instance's peers (a mirror: for degraded mode and for the resync). */
  private readonly mirror = new RoomTable();
  /** Leaves and releases made while Redis was away, replayed when it is back. */
  private deferred: (() => Promise<unknown>)[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly keys: RedisKeySpace;
  private readonly subs: RoomSubscriptions;
  private readonly upkeep: InstanceUpkeep;
  private readonly requests: RedisPendingRequests;

  private constructor(
    private readonly link: RedisLink,
    private readonly o: RedisRoomDirectoryOptions,
  ) {
    this.instanceId = o.instanceId;
    const prefix = o.prefix ?? "tern:";
    const instanceTimeoutMs = o.instanceTimeoutMs ?? 5_000;
    const ttlMs = o.graceMs + instanceTimeoutMs + 30_000;
    this.keys = new RedisKeySpace(prefix, o.instanceId, ttlMs, o.graceMs, o.backlogMax ?? 128);
    this.subs = new RoomSubscriptions(link.subscriber, `${prefix}c:r:`, (text) => this.onBus(text));
    const state = {
      peers: this.peers,
      mirror: this.mirror,
      rooms: () => this.subs.rooms(),
      takeDeferred: () => this.deferred.splice(0),
    };
    this.requests = new RedisPendingRequests({
      instanceId: o.instanceId,
      timeoutMs: o.requestTimeoutMs ?? 5_000,
      logger: o.logger,
      counters: this.counters,
      peers: this.peers,
      mirror: this.mirror,
      subs: this.subs,
      run: o.run,
      emit: (event) => this.emit(event),
    });
    this.upkeep = new InstanceUpkeep(link, this.keys, state, instanceTimeoutMs, o.logger);
    const heartbeatMs = o.heartbeatMs ?? 1_000;
    this.timer = setInterval(() => this.tick(), heartbeatMs);
    this.timer.unref();
  }

  /** Connects to Redis and starts the heartbeat; rejects if Redis is unreachable. */
  static async connect(o: RedisRoomDirectoryOptions): Promise<RedisRoomDirectory> {
    if (!PEER_ID.test(o.instanceId)) throw new Error("instanceId must be 16 hex digits");
    let directory: RedisRoomDirectory | undefined;
    const link = await RedisLink.open({
      url: o.url,
      logger: o.logger,
      onHealth: (up) => directory?.onLink(up),
    });
    directory = new RedisRoomDirectory(link, o);
    await link.subscriber.subscribe(directory.keys.instanceChannel, (text: string) => directory?.onBus(text));
    await directory.upkeep.heartbeat();
    return directory;
  }

  /** Round-trip time of the last heartbeat, ms. */
  get rttMs(): number {
    return this.upkeep.rttMs;
  }

  get health(): "ok" | "degraded" {
    return this.healthy ? "ok" : "degraded";
  }

  attach(sink: DirectorySink): void {
    this.sink = sink;
  }

  open(_now: Millis, peerId: string, secret: string): void {
    const digest = secretDigest(secret);
    this.peers.set(peerId, digest);
    if (this.healthy) this.write("open", this.keys.open(peerId, digest));
  }

  claim(_now: Millis, r: ClaimRequest, done: (o: ClaimOutcome) => void): void {
    if (!PEER_ID.test(r.peerId)) {
      done({ kind: "refused" });
      return;
    }
    if (!this.healthy) {
      done({ kind: "unavailable" });
      return;
    }
    // Subscribe to the rooms the peer holds before the claim moves it here, so no room event falls between.
    this.link.command.sMembers(this.keys.key(`pr:${r.peerId}`)).then(
      async (rooms) => {
        const bounded = rooms.slice(0, 1024);
        await Promise.all(bounded.map((room) => this.subs.hold(room)));
        const req = this.requests.open({ kind: "claim", r, rooms: bounded, done });
        const call = this.keys.claim(
          r.peerId,
          secretDigest(r.secret),
          secretDigest(r.newSecret),
          r.lastSeq ?? "0-0",
          req,
        );
        this.link.scripts.run(call).catch((err: unknown) => this.requests.fail(req, err));
      },
      (err: unknown) => this.requests.fail(undefined, err, () => done({ kind: "unavailable" })),
    );
  }

  release(_now: Millis, peerId: string): void {
    this.peers.delete(peerId);
    const call = this.keys.release(peerId);
    this.writeOrDefer(() => this.link.scripts.run(call));
  }

  join(_now: Millis, r: JoinRequest, done: (o: JoinOutcome) => void): void {
    if (!this.healthy) {
      done({ kind: "unavailable" });
      return;
    }
    this.subs.hold(r.room).then(
      () => {
        const req = this.requests.open({ kind: "join", r, done });
        this.link.scripts.run(this.keys.join(r, req)).catch((err: unknown) => this.requests.fail(req, err));
      },
      (err: unknown) => {
        this.subs.unhold(r.room);
        this.requests.fail(undefined, err, () => done({ kind: "unavailable" }));
      },
    );
  }

  leave(_now: Millis, room: string, peerId: string, reason: PeerLeftReason): void {
    if (!this.mirror.remove(room, peerId)) return;
    this.subs.unhold(room);
    const call = this.keys.leave(room, peerId, reason);
    // Without Redis the local members hear it now; the others when it is back.
    if (!this.healthy) this.emit({ kind: "peer-left", room, peerId, reason });
    this.writeOrDefer(() => this.link.scripts.run(call));
  }

  deliver(
    _now: Millis,
    room: string,
    to: string,
    message: RelayedMessage,
    done: (o: DeliverOutcome) => void,
  ): void {
    if (!PEER_ID.test(to)) {
      done({ kind: "not-member" });
      return;
    }
    if (!this.healthy) {
      // Degraded: peers of this instance still reach each other.
      if (!this.peers.has(to) || !this.mirror.has(room, to)) {
        done({ kind: "unavailable" });
        return;
      }
      this.sink({ kind: "message", to, message });
      done({ kind: "delivered" });
      return;
    }
    this.link.scripts.run(this.keys.deliver(room, to, JSON.stringify(message))).then(
      (r) => this.o.run("deliver", () => done({ kind: r === 1 ? "delivered" : "not-member" })),
      (err: unknown) => this.requests.fail(undefined, err, () => done({ kind: "unavailable" })),
    );
  }

  handleTimeout(_now: Millis): void {}

  pollTimeout(): Millis | undefined {
    return undefined;
  }

  /**
   * Shutting down: the heartbeat stops, so the others reap this instance's peers that do not resume
   * elsewhere within the grace (counted from the last heartbeat); then the connections close.
   */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.requests.failAll(new Error("closing"));
    await this.link.close();
  }

  private onBus(text: string): void {
    const d = decodeBusEnvelope(text);
    if (!d.ok) {
      this.counters["bus-invalid"]++;
      this.o.logger.warn({ error: d.error }, "invalid message on the Redis bus dropped");
      return;
    }
    const e = d.value;
    switch (e.t) {
      case "j":
        this.emit({ kind: "peer-joined", room: e.room, peer: e.peer });
        return;
      case "l":
        this.emit({ kind: "peer-left", room: e.room, peerId: e.peerId, reason: e.reason });
        return;
      case "m":
        this.emit({ kind: "message", to: e.to, message: e.msg, seq: e.seq });
        return;
      case "x":
        this.peers.delete(e.peerId);
        for (const room of [...this.mirror.roomsOf(e.peerId)]) {
          this.mirror.remove(room, e.peerId);
          this.subs.unhold(room);
        }
        this.emit({ kind: "replaced", peerId: e.peerId });
        return;
      case "jr":
      case "cr":
        this.requests.settle(e);
    }
  }

  private emit(event: DirectoryEvent): void {
    this.o.run("directory-event", () => this.sink(event));
  }

  private writeOrDefer(write: () => Promise<unknown>): void {
    if (!this.healthy) {
      this.deferred.push(write);
      return;
    }
    write().catch(() => {
      this.counters["redis-errors"]++;
      this.deferred.push(write);
    });
  }

  private write(what: string, call: ScriptCall): void {
    this.link.scripts.run(call).catch((err: unknown) => {
      this.counters["redis-errors"]++;
      this.o.logger.debug({ err, what }, "redis write failed; written again when Redis is back");
    });
  }

  private onLink(up: boolean): void {
    if (!up) {
      if (!this.healthy) return;
      this.healthy = false;
      this.requests.failAll(new Error("redis lost"));
      this.o.logger.warn({ instance: this.instanceId }, "redis lost: degraded (local peers only)");
      this.o.onHealth?.(false);
      return;
    }
    void this.resync();
  }

  /** Redis is back: this instance's state written again, then healthy. */
  private async resync(): Promise<void> {
    try {
      await this.upkeep.resync();
    } catch (err) {
      this.o.logger.debug({ err }, "resync failed; retried on the next heartbeat");
      return;
    }
    this.counters.resyncs++;
    this.healthy = true;
    this.o.logger.info({ instance: this.instanceId }, "redis back: resynchronised");
    this.o.onHealth?.(true);
  }

  private tick(): void {
    if (!this.healthy) {
      if (this.link.up) void this.resync();
      return;
    }
    this.upkeep.tick().catch((err: unknown) => {
      this.counters["redis-errors"]++;
      this.o.logger.debug({ err }, "heartbeat failed");
    });
  }
}

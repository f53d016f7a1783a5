/**
 * What an instance does for the shared directory on its own clock: a heartbeat every period (and its
 * round-trip time), reaping instances silent for their timeout plus the grace, refreshing the TTLs of the
 * keys it holds, and — after Redis was lost — writing its peers and rooms back (Redis may have restarted
 * empty) and replaying the leaves and releases it could not write meanwhile.
 */
import type { Logger } from "pino";
import type { RoomTable } from "../machine/room-table.js";
import type { RedisKeySpace } from "./redis-key-space.js";
import type { RedisLink } from "./redis-link.js";

export interface UpkeepState {
  /** This instance's live peers → the digest of their resume secret. */
  readonly peers: ReadonlyMap<string, string>;
  /** Their rooms. */
  readonly mirror: RoomTable;
  /** Rooms whose channel this instance holds. */
  rooms(): Iterable<string>;
  /** Takes the writes deferred while Redis was away. */
  takeDeferred(): (() => Promise<unknown>)[];
}

export class InstanceUpkeep {
  /** Round-trip time of the last heartbeat, ms. */
  rttMs = 0;
  reaped = 0;
  private ticks = 0;

  constructor(
    private readonly link: RedisLink,
    private readonly keys: RedisKeySpace,
    private readonly state: UpkeepState,
    private readonly instanceTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async heartbeat(): Promise<void> {
    const t0 = performance.now();
    await this.link.scripts.run(this.keys.heartbeat());
    this.rttMs = performance.now() - t0;
  }

  /** One period: heartbeat, reap, and every tenth time the TTLs (a third of the way to running out). */
  async tick(): Promise<void> {
    await this.heartbeat();
    const reaped = await this.link.scripts.run(this.keys.reap(this.instanceTimeoutMs + this.keys.graceMs));
    if (typeof reaped === "number" && reaped > 0) {
      this.reaped += reaped;
      this.logger.info({ reaped }, "peers of a dead instance left their rooms (timeout)");
    }
    if (this.ticks++ % 10 === 0) await this.refreshTtls();
  }

  /** Redis is back: this instance's peers and rooms written again, then the deferred writes replayed. */
  async resync(): Promise<void> {
    await this.heartbeat();
    const writes: Promise<unknown>[] = [];
    for (const [peerId, digest] of this.state.peers) {
      writes.push(this.link.scripts.run(this.keys.open(peerId, digest)));
      for (const room of this.state.mirror.roomsOf(peerId)) {
        const name = this.state.mirror.nameOf(room, peerId) ?? null;
        writes.push(this.link.scripts.run(this.keys.restoreMember(room, peerId, name)));
      }
    }
    await Promise.all(writes);
    for (const write of this.state.takeDeferred()) await write();
  }

  /** Every key this instance holds gets its TTL back (a crashed instance's keys simply run out). */
  private refreshTtls(): Promise<unknown> {
    const m = this.link.command.multi();
    for (const peerId of this.state.peers.keys()) {
      for (const k of this.keys.peerKeys(peerId)) m.pExpire(k, this.keys.ttlMs);
    }
    for (const room of this.state.rooms()) m.pExpire(this.keys.roomKey(room), this.keys.ttlMs);
    return m.execAsPipeline();
  }
}

/**
 * Key names and script calls of the Redis directory, in one place: every key is built here from a prefix,
 * an instance id, a server-made peer id (16 hex digits, checked by the caller) or a room's digest — never
 * from a client's string. See `redis-scripts.ts` for what each key holds.
 */
import { roomKeyDigest } from "../crypto/directory-keys.js";
import {
  CLAIM_SCRIPT,
  DELIVER_SCRIPT,
  HEARTBEAT_SCRIPT,
  JOIN_SCRIPT,
  LEAVE_SCRIPT,
  OPEN_SCRIPT,
  REAP_SCRIPT,
  RELEASE_SCRIPT,
  RESTORE_MEMBER_SCRIPT,
} from "./redis-scripts.js";

export interface ScriptCall {
  readonly script: string;
  readonly keys: readonly string[];
  readonly args: readonly (string | number)[];
}

export class RedisKeySpace {
  constructor(
    readonly prefix: string,
    readonly instanceId: string,
    /** TTL of every key an instance holds, refreshed while it lives. */
    readonly ttlMs: number,
    readonly graceMs: number,
    readonly backlogMax: number,
  ) {}

  key(suffix: string): string {
    return `${this.prefix}${suffix}`;
  }

  /** This instance's channel (messages for its peers, results of its requests). */
  get instanceChannel(): string {
    return this.key(`c:i:${this.instanceId}`);
  }

  /** The keys an instance refreshes for one of its peers. */
  peerKeys(peerId: string): string[] {
    return [this.key(`s:${peerId}`), this.key(`pr:${peerId}`), this.key(`q:${peerId}`)];
  }

  roomKey(room: string): string {
    return this.key(`r:${roomKeyDigest(room)}`);
  }

  open(peerId: string, secretDigest: string): ScriptCall {
    return {
      script: OPEN_SCRIPT,
      keys: [this.key(`s:${peerId}`), this.key(`i:${this.instanceId}:p`)],
      args: [this.prefix, peerId, secretDigest, this.instanceId, this.ttlMs],
    };
  }

  claim(peerId: string, secret: string, newSecret: string, lastSeq: string, req: string): ScriptCall {
    return {
      script: CLAIM_SCRIPT,
      keys: [
        this.key(`s:${peerId}`),
        this.key(`pr:${peerId}`),
        this.key(`i:${this.instanceId}:p`),
        this.key(`q:${peerId}`),
      ],
      args: [
        this.prefix,
        peerId,
        secret,
        this.instanceId,
        newSecret,
        this.ttlMs,
        lastSeq,
        this.backlogMax,
        req,
      ],
    };
  }

  release(peerId: string): ScriptCall {
    return {
      script: RELEASE_SCRIPT,
      keys: [this.key(`s:${peerId}`), this.key(`q:${peerId}`), this.key(`i:${this.instanceId}:p`)],
      args: [this.prefix, peerId, this.instanceId, this.graceMs],
    };
  }

  join(
    r: { room: string; peerId: string; name: string | null; peersPerRoom: number; roomsPerPeer: number },
    req: string,
  ): ScriptCall {
    const digest = roomKeyDigest(r.room);
    return {
      script: JOIN_SCRIPT,
      keys: [this.key(`r:${digest}`), this.key(`pr:${r.peerId}`)],
      args: [
        this.prefix,
        r.peerId,
        JSON.stringify(r.name),
        r.peersPerRoom,
        r.roomsPerPeer,
        this.ttlMs,
        r.room,
        digest,
        this.instanceId,
        req,
      ],
    };
  }

  leave(room: string, peerId: string, reason: string): ScriptCall {
    const digest = roomKeyDigest(room);
    return {
      script: LEAVE_SCRIPT,
      keys: [this.key(`r:${digest}`), this.key(`pr:${peerId}`)],
      args: [this.prefix, peerId, room, digest, reason],
    };
  }

  deliver(room: string, to: string, messageJson: string): ScriptCall {
    return {
      script: DELIVER_SCRIPT,
      keys: [this.roomKey(room), this.key(`s:${to}`), this.key(`q:${to}`)],
      args: [this.prefix, to, messageJson, this.backlogMax, this.ttlMs],
    };
  }

  restoreMember(room: string, peerId: string, name: string | null): ScriptCall {
    return {
      script: RESTORE_MEMBER_SCRIPT,
      keys: [this.roomKey(room), this.key(`pr:${peerId}`)],
      args: [peerId, JSON.stringify(name), room, this.ttlMs],
    };
  }

  heartbeat(): ScriptCall {
    return {
      script: HEARTBEAT_SCRIPT,
      keys: [this.key("i"), this.key(`i:${this.instanceId}:p`)],
      args: [this.instanceId, this.ttlMs],
    };
  }

  /** Reaps instances silent for longer than `silentMs`. */
  reap(silentMs: number): ScriptCall {
    return { script: REAP_SCRIPT, keys: [this.key("i")], args: [this.prefix, silentMs, this.instanceId] };
  }
}

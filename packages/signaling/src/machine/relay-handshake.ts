/**
 * The start of a session: `hello` (token, name, resume), the directory's answer to a resume claim, and
 * the `welcome`. A resume is asynchronous with a shared directory: what the client sends meanwhile waits
 * in `Connection.held` and is handled after the welcome.
 */
import { SignalingErrorCode } from "../wire/signaling-error-code.js";
import type { ClientMessage, HelloMessage } from "../wire/signaling-message.js";
import { hexId } from "./peer-session.js";
import type { Connection, PeerSessionKeys } from "./relay-connection.js";
import type { RelayState } from "./relay-state.js";
import type { ClaimOutcome } from "./room-directory.js";
import type { Millis } from "./signaling-limits.js";
import { SignalingCloseCode } from "./signaling-relay-types.js";

export interface HandshakeConfig {
  readonly heartbeatMs: number;
  readonly random: (n: number) => Uint8Array;
  readonly authorize?: (token: string) => boolean;
}

export class RelayHandshake {
  constructor(
    private readonly s: RelayState,
    private readonly config: HandshakeConfig,
    /** Handles a message held while the resume was looked up. */
    private readonly resumeDecoded: (now: Millis, c: Connection, msg: ClientMessage) => void,
  ) {}

  onHello(now: Millis, c: Connection, msg: HelloMessage): void {
    const idPart = msg.id !== undefined ? { id: msg.id } : {};
    if (c.session !== undefined) {
      this.s.refuse(c, {
        code: SignalingErrorCode.UnexpectedHello,
        message: "hello must be the first message",
        offendingType: "hello",
        ...idPart,
      });
      return;
    }
    if (msg.token !== undefined && this.config.authorize !== undefined) {
      if (!this.config.authorize(msg.token)) {
        this.s.refuse(c, {
          code: SignalingErrorCode.Unauthorized,
          message: "wrong token",
          offendingType: "hello",
          ...idPart,
        });
        return;
      }
      c.authenticated = true;
    }
    c.name = msg.name ?? null;
    // Only an authenticated connection may take a peer id back (it may take over rooms with it).
    const resume = msg.resume;
    if (resume === undefined || !c.authenticated) {
      this.welcome(c, this.openSession(now, c), false, msg.id);
      return;
    }
    const newSecret = hexId(this.config.random(16));
    c.held = [];
    this.s.directory.claim(
      now,
      {
        peerId: resume.peerId,
        secret: resume.secret,
        newSecret,
        ...(resume.lastSeq !== undefined ? { lastSeq: resume.lastSeq } : {}),
      },
      (outcome) => this.onClaimed(now, c, resume.peerId, newSecret, outcome, msg.id),
    );
  }

  private onClaimed(
    now: Millis,
    c: Connection,
    peerId: string,
    secret: string,
    outcome: ClaimOutcome,
    id: string | undefined,
  ): void {
    if (this.s.conns.get(c.conn) !== c) {
      // Gone while the claim was looked up: the session it won is released again.
      if (outcome.kind === "resumed") this.s.directory.release(now, peerId);
      return;
    }
    const held = c.held ?? [];
    c.held = undefined;
    if (outcome.kind === "unavailable") {
      this.s.refuse(c, {
        code: SignalingErrorCode.Unavailable,
        message: "the room directory is unreachable: try again",
        offendingType: "hello",
        ...(id !== undefined ? { id } : {}),
      });
      return;
    }
    if (outcome.kind === "refused") this.welcome(c, this.openSession(now, c), false, id);
    else {
      this.s.counters.resumed++;
      const old = this.s.peers.get(peerId);
      const oldConn = old === undefined ? undefined : this.s.conns.get(old);
      if (oldConn !== undefined) {
        // Still held by a connection here (probably dead, not yet noticed): the new one inherits its rooms
        // silently — the other peers see no leave and no join — and the old one is closed with 4000.
        this.s.forget(oldConn);
        this.s.closeConn(oldConn.conn, SignalingCloseCode.Replaced, "replaced by a resumed session", false);
      }
      const session = { peerId, secret };
      this.s.peers.set(peerId, c.conn);
      for (const room of outcome.rooms) {
        c.rooms.add(room);
        this.s.local.add(room, peerId);
      }
      this.welcome(c, session, true, id);
    }
    for (const msg of held) this.resumeDecoded(now, c, msg);
  }

  openSession(now: Millis, c: Connection): PeerSessionKeys {
    const session = { peerId: hexId(this.config.random(8)), secret: hexId(this.config.random(16)) };
    this.s.directory.open(now, session.peerId, session.secret);
    this.s.peers.set(session.peerId, c.conn);
    return session;
  }

  welcome(c: Connection, session: PeerSessionKeys, resumed: boolean, id: string | undefined): void {
    c.session = session;
    this.s.send(c.conn, {
      type: "welcome",
      ...(id !== undefined ? { id } : {}),
      peerId: session.peerId,
      resumeSecret: session.secret,
      resumed,
      authenticated: c.authenticated,
      heartbeatMs: this.config.heartbeatMs,
      maxMessageBytes: this.s.limits.maxMessageBytes,
    });
  }
}

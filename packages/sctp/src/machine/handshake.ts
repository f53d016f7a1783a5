import {
  openStateCookie,
  PeerCapability,
  type StateCookie,
  sealStateCookie,
} from "../crypto/state-cookie.js";
import { ChunkType } from "../wire/chunk-header.js";
import type { InitAckChunk, InitChunk, InitFields } from "../wire/init-chunk.js";
import { ErrorDetectionMethod, type InitParameter } from "../wire/init-parameters.js";
import type { AssociationContext } from "./association-context.js";
import { type NegotiatedParameters, Tcb } from "./tcb.js";

/** The `PeerCapability` bits an INIT / INIT ACK's parameters announce. */
export function peerCapabilities(parameters: readonly InitParameter[]): number {
  let caps = 0;
  for (const p of parameters) {
    if (p.type === "forward-tsn-supported") caps |= PeerCapability.forwardTsn;
    else if (p.type === "zero-checksum-acceptable") {
      if (p.errorDetectionMethod === ErrorDetectionMethod.SctpOverDtls) caps |= PeerCapability.zeroChecksum;
    } else if (p.type === "supported-extensions") {
      for (const t of p.chunkTypes) {
        if (t === ChunkType.FORWARD_TSN) caps |= PeerCapability.forwardTsn;
        else if (t === ChunkType.I_DATA) caps |= PeerCapability.iData;
        else if (t === ChunkType.RE_CONFIG) caps |= PeerCapability.reconfig;
      }
    }
  }
  return caps;
}

function findCookie(parameters: readonly InitParameter[]): Uint8Array | undefined {
  for (const p of parameters) if (p.type === "state-cookie") return p.cookie;
  return undefined;
}

/**
 * Association set-up (RFC 9260 §5.1) and its collisions (§5.2): INIT → INIT ACK (with a signed State
 * Cookie and no state kept) → COOKIE ECHO → COOKIE ACK, T1-init / T1-cookie retransmission, and the
 * cases where both sides send INIT at once (WebRTC's normal case: both peers call `connect`).
 */
export class Handshake {
  /** Our INIT's Initiate Tag and Initial TSN while connecting (§5.2.1 answers reuse them). */
  #myTag = 0;
  #myInitialTsn = 0;
  #cookieToEcho: Uint8Array | undefined;
  t1ExpiresAt: number | undefined;
  #t1Count = 0;
  #t1Rto = 0;

  constructor(readonly ctx: AssociationContext) {}

  /** §5.1 A: send INIT, enter COOKIE-WAIT. */
  connect(now: number): void {
    const ctx = this.ctx;
    this.#myTag = ctx.random32(true);
    this.#myInitialTsn = ctx.random32(false);
    ctx.state = "cookie-wait";
    this.#t1Count = 0;
    this.#t1Rto = ctx.options.rto.initialMs;
    this.#sendInit(now);
  }

  #sendInit(now: number): void {
    this.ctx.send(0, [this.#initChunk("init", this.#myTag, this.#myInitialTsn, undefined)]);
    this.t1ExpiresAt = now + this.#t1Rto;
  }

  #initChunk<T extends "init" | "init-ack">(
    type: T,
    tag: number,
    tsn: number,
    cookie: Uint8Array | undefined,
  ): InitFields & { type: T } {
    const o = this.ctx.options;
    const extensions: number[] = [ChunkType.RE_CONFIG, ChunkType.FORWARD_TSN];
    if (o.announceIData) extensions.push(ChunkType.I_DATA, ChunkType.I_FORWARD_TSN);
    const parameters: InitParameter[] = [];
    if (cookie !== undefined) parameters.push({ type: "state-cookie", cookie });
    parameters.push(
      { type: "supported-extensions", chunkTypes: extensions },
      { type: "forward-tsn-supported" },
    );
    if (o.zeroChecksum) {
      parameters.push({
        type: "zero-checksum-acceptable",
        errorDetectionMethod: ErrorDetectionMethod.SctpOverDtls,
      });
      this.ctx.zeroChecksumAnnounced = true;
    }
    return {
      type,
      initiateTag: tag,
      aRwnd: o.receiveWindowBytes,
      numberOfOutboundStreams: o.maxOutboundStreams,
      numberOfInboundStreams: o.maxInboundStreams,
      initialTsn: tsn,
      parameters,
    };
  }

  /** §3.3.2: an INIT / INIT ACK with a zero tag or no streams is not acceptable. */
  #acceptable(c: InitFields): boolean {
    if (c.initiateTag === 0 || c.numberOfOutboundStreams === 0 || c.numberOfInboundStreams === 0) {
      this.ctx.count("init-invalid");
      return false;
    }
    return true;
  }

  /** §5.1 B (no TCB: stateless), §5.2.1 (COOKIE-WAIT / COOKIE-ECHOED), §5.2.2 (established: Tie-Tags). */
  handleInit(now: number, init: InitChunk): void {
    const ctx = this.ctx;
    if (!this.#acceptable(init)) return;
    const tcb = ctx.tcb;
    let tag: number;
    let tsn: number;
    let localTieTag = 0;
    let peerTieTag = 0;
    if (ctx.state === "cookie-wait" || ctx.state === "cookie-echoed") {
      tag = this.#myTag;
      tsn = this.#myInitialTsn;
    } else if (tcb === undefined) {
      tag = ctx.random32(true);
      tsn = ctx.random32(false);
    } else if (ctx.state === "shutdown-ack-sent") {
      // §9.2: "discard the INIT ... and retransmit the SHUTDOWN ACK".
      tcb.control.push({ type: "shutdown-ack" });
      return;
    } else {
      tag = ctx.random32(true);
      tsn = ctx.random32(false);
      localTieTag = tcb.myTag;
      peerTieTag = tcb.peerTag;
    }
    const o = ctx.options;
    const cookie: StateCookie = {
      localTag: tag,
      localInitialTsn: tsn,
      peerTag: init.initiateTag,
      peerInitialTsn: init.initialTsn,
      peerRwnd: init.aRwnd,
      peerOutboundStreams: init.numberOfOutboundStreams,
      peerInboundStreams: init.numberOfInboundStreams,
      localOutboundStreams: o.maxOutboundStreams,
      localInboundStreams: o.maxInboundStreams,
      localTieTag,
      peerTieTag,
      peerCapabilities: peerCapabilities(init.parameters),
      createdAtMs: now,
      lifetimeMs: o.cookieLifetimeMs,
    };
    const ack: InitAckChunk = this.#initChunk(
      "init-ack",
      tag,
      tsn,
      sealStateCookie(ctx.cookieSecret, cookie),
    );
    ctx.send(init.initiateTag, [ack]);
    ctx.count("init-ack-sent");
  }

  /** §5.1 C: in COOKIE-WAIT, the INIT ACK gives the peer's tag: TCB, COOKIE ECHO, COOKIE-ECHOED. §5.2.3 otherwise. */
  handleInitAck(now: number, ack: InitAckChunk): void {
    const ctx = this.ctx;
    if (ctx.state !== "cookie-wait") {
      ctx.count("init-ack-unexpected");
      return;
    }
    if (!this.#acceptable(ack)) return;
    const cookie = findCookie(ack.parameters);
    if (cookie === undefined) {
      ctx.count("init-ack-without-cookie");
      return;
    }
    const o = ctx.options;
    ctx.tcb = new Tcb(
      ctx,
      this.#negotiate({
        myTag: this.#myTag,
        peerTag: ack.initiateTag,
        myInitialTsn: this.#myInitialTsn,
        peerInitialTsn: ack.initialTsn,
        peerRwnd: ack.aRwnd,
        outboundStreams: Math.min(o.maxOutboundStreams, ack.numberOfInboundStreams),
        inboundStreams: Math.min(ack.numberOfOutboundStreams, o.maxInboundStreams),
        caps: peerCapabilities(ack.parameters),
      }),
    );
    ctx.state = "cookie-echoed";
    this.#cookieToEcho = cookie.slice();
    this.#t1Count = 0;
    this.#sendCookieEcho(now);
  }

  #sendCookieEcho(now: number): void {
    const tcb = this.ctx.tcb;
    if (tcb === undefined || this.#cookieToEcho === undefined) return;
    // RFC 9653 §5.2: a packet holding COOKIE ECHO always carries a correct CRC32c.
    this.ctx.send(tcb.peerTag, [{ type: "cookie-echo", cookie: this.#cookieToEcho }]);
    this.t1ExpiresAt = now + this.#t1Rto;
  }

  #negotiate(
    p: Omit<NegotiatedParameters, "iData" | "forwardTsn" | "reconfig" | "zeroChecksumSend"> & {
      caps: number;
    },
  ): NegotiatedParameters {
    const o = this.ctx.options;
    return {
      ...p,
      iData: o.announceIData && (p.caps & PeerCapability.iData) !== 0,
      forwardTsn: (p.caps & PeerCapability.forwardTsn) !== 0,
      reconfig: (p.caps & PeerCapability.reconfig) !== 0,
      zeroChecksumSend: o.zeroChecksum && (p.caps & PeerCapability.zeroChecksum) !== 0,
    };
  }

  #fromCookie(c: StateCookie): NegotiatedParameters {
    return this.#negotiate({
      myTag: c.localTag,
      peerTag: c.peerTag,
      myInitialTsn: c.localInitialTsn,
      peerInitialTsn: c.peerInitialTsn,
      peerRwnd: c.peerRwnd,
      outboundStreams: Math.min(c.localOutboundStreams, c.peerInboundStreams),
      inboundStreams: Math.min(c.peerOutboundStreams, c.localInboundStreams),
      caps: c.peerCapabilities,
    });
  }

  /** §5.1.5 (no TCB) and the table of §5.2.4 (with one). */
  handleCookieEcho(now: number, verificationTag: number, bytes: Uint8Array): void {
    const ctx = this.ctx;
    const opened = openStateCookie(ctx.cookieSecret, bytes, now);
    const tcb = ctx.tcb;
    if (
      !opened.ok &&
      opened.reason === "stale" &&
      tcb !== undefined &&
      verificationTag === tcb.myTag &&
      opened.cookie.peerTag === tcb.peerTag
    ) {
      // (D) with an old cookie: the association exists and the peer still waits for our COOKIE ACK (it
      // lost them all until the cookie aged). The MAC vouches for the cookie; no new state is made.
      ctx.count("cookie-echo-repeated-stale");
      this.#established(now);
      return;
    }
    if (!opened.ok) {
      ctx.count(`cookie-${opened.reason}`);
      if (opened.reason === "stale") {
        ctx.send(opened.cookie.peerTag, [
          {
            type: "error",
            errorCauses: [{ type: "stale-cookie-error", measureOfStalenessUs: opened.stalenessUs }],
          },
        ]);
      }
      return;
    }
    const c = opened.cookie;
    if (tcb === undefined) {
      if (verificationTag !== c.localTag) {
        ctx.count("bad-verification-tag");
        return;
      }
      ctx.tcb = new Tcb(ctx, this.#fromCookie(c));
      this.#established(now);
      return;
    }
    const myTagMatches = verificationTag === tcb.myTag;
    const peerTagMatches = c.peerTag === tcb.peerTag;
    if (!myTagMatches && c.localTieTag === tcb.myTag && c.peerTieTag === tcb.peerTag && c.localTieTag !== 0) {
      // (A) the peer restarted — or, with its tag unchanged, ran its set-up again because none of our
      // COOKIE ACKs reached it (the table of §5.2.4 would discard that and leave it retrying for ever;
      // the Tie-Tags prove the cookie answers an INIT sent to this association).
      if (ctx.state === "shutdown-ack-sent") {
        tcb.control.push(
          { type: "shutdown-ack" },
          { type: "error", errorCauses: [{ type: "cookie-received-while-shutting-down" }] },
        );
        return;
      }
      tcb.dispose();
      ctx.tcb = new Tcb(ctx, this.#fromCookie(c));
      ctx.state = "established";
      ctx.tcb.control.push({ type: "cookie-ack" });
      ctx.tcb.heartbeat.onPacketReceived(now);
      ctx.count("restarts");
      ctx.emit({ kind: "restarted" });
      return;
    }
    if (myTagMatches && !peerTagMatches) {
      // (B) INIT collision: the peer answered our INIT, then sent its own with a new tag.
      ctx.count("init-collision-b");
      if (!tcb.dataSeen) {
        tcb.dispose();
        ctx.tcb = new Tcb(ctx, this.#fromCookie(c));
      } else {
        tcb.peerTag = c.peerTag;
      }
      this.#established(now);
      return;
    }
    if (myTagMatches && peerTagMatches) {
      // (D) both tags match: a COOKIE ECHO of this association (our COOKIE ACK may have been lost).
      this.#established(now);
      return;
    }
    // (C) a late COOKIE ECHO of an older attempt, or no match at all: silently discarded.
    ctx.count("cookie-echo-discarded");
  }

  /** Enter ESTABLISHED (if not yet), answer with COOKIE ACK, stop T1, say so once. */
  #established(now: number): void {
    const ctx = this.ctx;
    const tcb = ctx.tcb as Tcb;
    tcb.control.push({ type: "cookie-ack" });
    this.t1ExpiresAt = undefined;
    if (ctx.state === "closed" || ctx.state === "cookie-wait" || ctx.state === "cookie-echoed") {
      ctx.state = "established";
      tcb.heartbeat.onPacketReceived(now);
      this.#announce(tcb);
    }
  }

  #announce(tcb: Tcb): void {
    this.ctx.count("connected");
    this.ctx.emit({
      kind: "connected",
      maxOutboundStreams: tcb.outboundStreams,
      maxInboundStreams: tcb.inboundStreams,
      iData: tcb.iData,
      zeroChecksumSend: tcb.zeroChecksumSend,
      zeroChecksumReceive: this.ctx.zeroChecksumAnnounced,
    });
  }

  /** §5.1 E: COOKIE ACK in COOKIE-ECHOED; §5.2.5 otherwise (discard). */
  handleCookieAck(now: number): void {
    const ctx = this.ctx;
    if (ctx.state !== "cookie-echoed" || ctx.tcb === undefined) {
      ctx.count("cookie-ack-unexpected");
      return;
    }
    ctx.state = "established";
    this.t1ExpiresAt = undefined;
    ctx.tcb.heartbeat.onPacketReceived(now);
    this.#announce(ctx.tcb);
  }

  /** §5.2.6: our cookie went stale in COOKIE-ECHOED: start over with a new INIT. */
  handleStaleCookie(now: number): void {
    const ctx = this.ctx;
    if (ctx.state !== "cookie-echoed") return;
    ctx.tcb?.dispose();
    ctx.tcb = undefined;
    ctx.state = "cookie-wait";
    this.#sendInit(now);
  }

  /** T1-init / T1-cookie expiry (§5.1 A, C): resend with the RTO doubled, give up after Max.Init.Retransmits. */
  handleT1Expiry(now: number): void {
    const ctx = this.ctx;
    this.t1ExpiresAt = undefined;
    if (ctx.state !== "cookie-wait" && ctx.state !== "cookie-echoed") return;
    if (++this.#t1Count > ctx.options.maxInitRetransmits) {
      ctx.fail(
        "connect-timeout",
        `no answer to ${ctx.state === "cookie-wait" ? "INIT" : "COOKIE ECHO"} after ${this.#t1Count} tries`,
      );
      return;
    }
    ctx.count("t1-expiries");
    this.#t1Rto = Math.min(this.#t1Rto * 2, ctx.options.rto.maxMs);
    if (ctx.state === "cookie-wait") this.#sendInit(now);
    else this.#sendCookieEcho(now);
  }

  /** Our INIT's tag while in COOKIE-WAIT (the one an INIT ACK must carry). */
  get initTag(): number {
    return this.#myTag;
  }
}

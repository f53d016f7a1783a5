import type { Chunk } from "../wire/chunk.js";
import type { ErrorCause } from "../wire/error-cause.js";
import type { SackChunk } from "../wire/sack-chunk.js";
import { decodeSctpPacket } from "../wire/sctp-packet.js";
import type { AssociationContext } from "./association-context.js";
import type { AssociationShutdown } from "./association-shutdown.js";
import { CONTROL_LIMIT } from "./data-receiver.js";
import type { Handshake } from "./handshake.js";
import { SackResult } from "./retransmission-queue.js";
import type { Millis } from "./sctp-events.js";
import type { Tcb } from "./tcb.js";

/** Decoder options, made once: zero checksums accepted once we announced them (RFC 9653 §5.3). */
const ACCEPT_ZERO = Object.freeze({ acceptZeroChecksum: true });
const CRC_ONLY = Object.freeze({ acceptZeroChecksum: false });

/**
 * One received packet through the association (RFC 9260 §8.4, §8.5, §3.2): decode (CRC32c or, if we
 * announced it, a zero checksum), ports, the verification tag rules (INIT alone under tag 0, COOKIE ECHO
 * judged by its cookie, ABORT / SHUTDOWN COMPLETE with the T bit under the peer's tag, everything else
 * under ours), out-of-the-blue packets, then each chunk to the part of the machine that owns it.
 */
export class InboundPacket {
  #lastCum = -1;

  constructor(
    readonly ctx: AssociationContext,
    readonly handshake: Handshake,
    readonly shutdown: AssociationShutdown,
  ) {}

  handle(now: Millis, packet: Uint8Array): void {
    const ctx = this.ctx;
    ctx.lastNow = now;
    const decoded = decodeSctpPacket(packet, ctx.zeroChecksumAnnounced ? ACCEPT_ZERO : CRC_ONLY);
    if (!decoded.ok) {
      ctx.count(decoded.error.code);
      return;
    }
    const p = decoded.value;
    if (ctx.terminated) {
      // Closed for good. Only a SHUTDOWN ACK is answered (§8.4 rule 5): the peer lost our SHUTDOWN
      // COMPLETE and would otherwise retransmit until it gives up.
      ctx.count("after-close");
      if (p.chunks[0]?.type === "shutdown-ack") {
        ctx.send(p.verificationTag, [{ type: "shutdown-complete", verificationTagReflected: true }]);
      }
      return;
    }
    if (p.destinationPort !== this.ctx.options.localPort || p.sourcePort !== this.ctx.options.remotePort) {
      ctx.count("wrong-port");
      return;
    }
    const chunks = p.chunks;
    const first = chunks[0] as Chunk;
    const vtag = p.verificationTag;
    if (first.type === "init") {
      // §8.5.1 A: an INIT is alone in its packet, under tag 0.
      if (chunks.length !== 1 || vtag !== 0) ctx.count("init-malformed");
      else this.handshake.handleInit(now, first);
      return;
    }
    let start = 0;
    if (first.type === "cookie-echo") {
      this.handshake.handleCookieEcho(now, vtag, first.cookie);
      start = 1;
      if (chunks.length === 1) return;
    }
    const tcb = ctx.tcb;
    if (tcb === undefined && ctx.state !== "cookie-wait") {
      this.#outOfTheBlue(vtag, chunks);
      return;
    }
    const lead = chunks[start] as Chunk;
    const reflected =
      (lead.type === "abort" || lead.type === "shutdown-complete") && lead.verificationTagReflected;
    const expected = reflected ? tcb?.peerTag : (tcb?.myTag ?? this.handshake.initTag);
    if (vtag !== expected) {
      ctx.count("bad-verification-tag");
      return;
    }
    for (let i = start; i < chunks.length; i++) {
      if (!this.#handleChunk(now, chunks[i] as Chunk) || ctx.tcb === undefined) break;
    }
    const t = ctx.tcb;
    if (t === undefined || ctx.terminated) return;
    const cum = t.tracker.cumAckTsn;
    t.receiver.endPacket(now);
    t.heartbeat.onPacketReceived(now);
    if (cum !== this.#lastCum) {
      this.#lastCum = cum;
      t.streamReset.onCumAckAdvanced();
    }
  }

  /** §8.4: a packet for no association. */
  #outOfTheBlue(vtag: number, chunks: readonly Chunk[]): void {
    const ctx = this.ctx;
    ctx.count("out-of-the-blue");
    for (const c of chunks) {
      if (
        c.type === "abort" ||
        c.type === "shutdown-complete" ||
        c.type === "cookie-ack" ||
        c.type === "error"
      )
        return;
      if (c.type === "shutdown-ack") {
        ctx.send(vtag, [{ type: "shutdown-complete", verificationTagReflected: true }]);
        return;
      }
    }
    ctx.send(vtag, [{ type: "abort", verificationTagReflected: true, errorCauses: [] }]);
  }

  /** One chunk of a packet that passed the tag check; false stops the packet (§3.2 "stop"). */
  #handleChunk(now: Millis, c: Chunk): boolean {
    const ctx = this.ctx;
    const tcb = ctx.tcb;
    switch (c.type) {
      case "init-ack":
        this.handshake.handleInitAck(now, c);
        return true;
      case "cookie-echo":
        this.handshake.handleCookieEcho(now, ctx.tcb?.myTag ?? 0, c.cookie);
        return true;
      case "cookie-ack":
        this.handshake.handleCookieAck(now);
        return true;
      case "abort":
        ctx.close("abort-received", describeCauses(c.errorCauses));
        return false;
      case "error":
        for (const cause of c.errorCauses) {
          ctx.count(`error-received-${cause.type}`);
          if (cause.type === "stale-cookie-error") this.handshake.handleStaleCookie(now);
        }
        return true;
      default:
        break;
    }
    if (tcb === undefined || ctx.state === "cookie-wait" || ctx.state === "cookie-echoed") {
      ctx.count("chunk-before-established");
      return true;
    }
    switch (c.type) {
      case "data":
      case "i-data":
        if ((c.type === "i-data") !== tcb.iData) {
          // RFC 8260 §2.2: the chunk type not negotiated is a protocol violation.
          ctx.abort(
            [],
            "protocol-violation",
            `${c.type} chunk, but I-DATA ${tcb.iData ? "was" : "was not"} negotiated`,
          );
          return false;
        }
        if (ctx.state === "shutdown-received" || ctx.state === "shutdown-ack-sent") {
          ctx.count("data-after-shutdown");
          return true;
        }
        tcb.receiver.handleData(c);
        return true;
      case "sack":
        this.#handleSack(now, tcb, c);
        return true;
      case "forward-tsn":
      case "i-forward-tsn":
        tcb.receiver.handleForwardTsn(c);
        return true;
      case "heartbeat":
        tcb.heartbeat.handleHeartbeat(c.heartbeatInfo);
        return true;
      case "heartbeat-ack":
        tcb.heartbeat.handleHeartbeatAck(now, c.heartbeatInfo);
        return true;
      case "shutdown":
        this.shutdown.handleShutdown(now, c);
        return true;
      case "shutdown-ack":
        this.shutdown.handleShutdownAck();
        return false;
      case "shutdown-complete":
        this.shutdown.handleShutdownComplete();
        return false;
      case "re-config":
        tcb.streamReset.handleReconfig(now, c);
        return true;
      case "unknown":
        // §3.2: the chunk type's upper two bits say what to do.
        ctx.count("unknown-chunk");
        if (
          (c.action === "stop-and-report" || c.action === "skip-and-report") &&
          tcb.control.length < CONTROL_LIMIT
        ) {
          tcb.control.push({
            type: "error",
            errorCauses: [{ type: "unrecognized-chunk-type", unrecognizedChunk: c.raw.slice() }],
          });
        }
        return c.action === "skip" || c.action === "skip-and-report";
      default:
        ctx.count("chunk-unexpected");
        return true;
    }
  }

  #handleSack(now: Millis, tcb: Tcb, c: SackChunk): void {
    const r = tcb.rtxq.handleSack(now, c);
    if (r === SackResult.stale) this.ctx.count("sack-stale");
    else if (r === SackResult.invalid) this.ctx.count("sack-invalid");
    else if (tcb.rtxq.lastBytesAcked > 0) tcb.errorCount = 0;
    this.shutdown.maybeProceed(now);
  }
}

function describeCauses(causes: readonly ErrorCause[]): string | undefined {
  if (causes.length === 0) return undefined;
  return causes
    .map((c) =>
      c.type === "user-initiated-abort"
        ? `user-initiated-abort: ${new TextDecoder().decode(c.upperLayerAbortReason)}`
        : c.type === "protocol-violation"
          ? `protocol-violation: ${new TextDecoder().decode(c.additionalInformation)}`
          : c.type,
    )
    .join("; ");
}

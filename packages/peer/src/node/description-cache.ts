import { parseSessionDescription, type SessionDescription } from "../sdp/index.js";
import { RTCError } from "./peer-connection-types.js";

/** The parsed models of the last few session descriptions, by text (at most 4). */
export class DescriptionCache {
  private readonly parsed = new Map<string, SessionDescription>();

  /**
   * Parses a description once: the same text comes back for createAnswer, negotiation, renegotiation.
   * Throws RTCError "sdp-syntax-error" (webrtc-pc §4.4.1.6) with the line number of the bad line.
   */
  parse(sdp: string): SessionDescription {
    const cached = this.parsed.get(sdp);
    if (cached) return cached;
    const p = parseSessionDescription(sdp);
    if (!p.ok) {
      const line = typeof sdp === "string" ? sdp.slice(0, p.error.at).split(/\r\n|\r|\n/).length : 0;
      throw new RTCError(
        { errorDetail: "sdp-syntax-error", sdpLineNumber: line },
        `bad SDP: ${p.error.code} at line ${line}`,
      );
    }
    this.remember(sdp, p.value);
    return p.value;
  }

  /**
   * The model behind a text: parsed, or the one we wrote it from (a description we create reads back
   * equal to its model — sdp-tern-to-tern.test.ts — so our own offer or answer is never parsed again).
   */
  remember(sdp: string, desc: SessionDescription): void {
    if (this.parsed.size >= 4) this.parsed.delete(this.parsed.keys().next().value as string);
    this.parsed.set(sdp, desc);
  }

  clear(): void {
    this.parsed.clear();
  }
}

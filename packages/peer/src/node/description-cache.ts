import { parseSessionDescription, type SessionDescription } from "../sdp/index.js";
import { domError } from "./peer-connection-types.js";

/** The parsed models of the last few session descriptions, by text (at most 4). */
export class DescriptionCache {
  private readonly parsed = new Map<string, SessionDescription>();

  /** Parses a description once: the same text comes back for createAnswer, negotiation, renegotiation. */
  parse(sdp: string): SessionDescription {
    const cached = this.parsed.get(sdp);
    if (cached) return cached;
    const p = parseSessionDescription(sdp);
    if (!p.ok) throw domError("InvalidAccessError", `bad SDP: ${p.error.code} at ${p.error.at}`);
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

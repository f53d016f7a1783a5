import { type NegotiatedMedia, RTP_HEADER_EXTENSION } from "../sdp/index.js";

/**
 * The transport-wide sequence number's extmap id (draft-holmer-rmcat-transport-wide-cc-extensions-01), when
 * an audio or video m= section negotiated it — BUNDLE gives one id per URI on the transport (RFC 8843
 * §9.2) — for `MediaSession.configure`: congestion control then runs both ways.
 */
export function transportCcExtension(media: readonly NegotiatedMedia[]): { transportCcExtensionId?: number } {
  for (const m of media) {
    if (m.rejected || (m.kind !== "audio" && m.kind !== "video")) continue;
    const id = m.extmaps.find((e) => e.uri === RTP_HEADER_EXTENSION.transportWideCc)?.id;
    if (id !== undefined) return { transportCcExtensionId: id };
  }
  return {};
}

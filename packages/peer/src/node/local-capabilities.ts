import { DEFAULT_CAPABILITIES, type LocalCapabilities, RTP_HEADER_EXTENSION } from "../sdp/index.js";
import type { PeerConnectionConfig } from "./peer-connection-types.js";

const WITHOUT_TRANSPORT_CC: LocalCapabilities = {
  codecs: DEFAULT_CAPABILITIES.codecs.map((c) => ({
    ...c,
    rtcpFeedback: c.rtcpFeedback.filter((f) => f.type !== "transport-cc"),
  })),
  headerExtensions: DEFAULT_CAPABILITIES.headerExtensions.filter(
    (e) => e.uri !== RTP_HEADER_EXTENSION.transportWideCc,
  ),
};

/**
 * What this connection offers and accepts: Tern's capabilities, without transport-wide congestion control
 * (its extmap and `transport-cc` feedback) when `congestionControl` is `false` — then neither side sends
 * feedback or paces by an estimate, and media leaves as it is written (a fixed `pacingBitrateBps` aside).
 */
export function localCapabilities(config: PeerConnectionConfig): LocalCapabilities {
  return config.congestionControl === false ? WITHOUT_TRANSPORT_CC : DEFAULT_CAPABILITIES;
}

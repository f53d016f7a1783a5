import {
  effectiveDirection,
  type NegotiatedDataSection,
  type NegotiatedMedia,
  type SessionDescription,
  sends,
} from "../sdp/index.js";
import type { BundleTransport } from "./bundle-transport.js";
import { checkNegotiation } from "./description-checks.js";
import type { NegotiatedSection } from "./negotiation-needed.js";
import { domError } from "./peer-connection-types.js";
import { PeerDataChannels } from "./peer-data-channels.js";
import type { Transceiver } from "./rtp-transceiver.js";
import { attachTrack, configureStreams, type WriteCounters } from "./stream-wiring.js";
import type { TransceiverSet } from "./transceiver-set.js";

/** What a completed negotiation reads and updates on its peer connection. */
export interface NegotiationHost {
  readonly set: TransceiverSet;
  readonly dataChannels: PeerDataChannels;
  readonly bundle: BundleTransport;
  readonly counters: WriteCounters;
  readonly negotiation: {
    /** By mid, what the current local description says (for "negotiation needed"). */
    current: ReadonlyMap<string, NegotiatedSection>;
    data: NegotiatedDataSection | undefined;
    media: readonly NegotiatedMedia[];
  };
}

/** webrtc-pc: a transceiver whose m= section was rejected is stopped — nothing more sent or received. */
export function stopTransceiver(t: Transceiver, host: NegotiationHost): void {
  t.stopping = true;
  t.stopped = true;
  t.direction = "stopped";
  t.currentDirection = "stopped";
  t.receiver.track.end();
  attachTrack(t, undefined, host.bundle, host.counters);
}

/**
 * An answer (ours or the remote's) completes an offer/answer exchange (RFC 8829 §5.10–5.11, webrtc-pc
 * §4.4.1.6). Everything is checked before `commit` runs (it moves the signaling state): what fails
 * throws the spec's error and changes nothing. Then: rejected m= sections stop their transceivers, the
 * current directions are set, the DTLS role is fixed (first time) or kept, and the transport runs with
 * the negotiated streams — or, when every m= section was rejected, no transport runs at all.
 */
export function completeNegotiation(
  host: NegotiationHost,
  local: SessionDescription,
  remote: SessionDescription,
  localType: "offer" | "answer",
  commit: () => void,
): void {
  const checked = checkNegotiation(local, remote, localType, host.bundle.dtlsRole);
  if (!checked.ok) throw domError(checked.name, checked.message);
  commit();
  const { media, data, role, transport } = checked.value;
  for (const m of media) {
    const t = host.set.byMid(m.mid);
    if (!t || t.stopped) continue;
    if (m.rejected || t.stopping) stopTransceiver(t, host);
    else {
      t.currentDirection = m.direction;
      if (sends(m.direction)) t.hasSent = true;
    }
  }
  host.set.settle(local, remote);
  host.negotiation.current = currentSections(local, remote, localType);
  host.negotiation.data = data;
  host.negotiation.media = media;
  const bundle = host.bundle;
  if (transport === undefined || role === undefined) {
    void bundle.stopIce().then(() => bundle.resetStates());
    return;
  }
  bundle.dtlsRole ??= role;
  bundle.setRemote(transport.transport, transport.fingerprints);
  bundle.startIce(localType === "offer" ? "controlling" : "controlled");
  const session = bundle.createSession();
  if (!session) throw domError("OperationError", "the certificate is not ready");
  configureStreams(session, host.set.transceivers, media, data !== undefined);
  host.dataChannels.negotiated(data);
  session.configureData(bundle.now(), data && PeerDataChannels.parameters(data));
  bundle.maybeStartDtls();
  bundle.flushSession();
  void bundle.gatherOnce();
}

function currentSections(
  local: SessionDescription,
  remote: SessionDescription,
  localType: "offer" | "answer",
): Map<string, NegotiatedSection> {
  const out = new Map<string, NegotiatedSection>();
  for (const [i, l] of local.media.entries()) {
    const r = remote.media[i];
    if (l.mid === undefined) continue;
    const localDirection = effectiveDirection(local, l);
    out.set(l.mid, {
      localDirection,
      weOffered: localType === "offer",
      offeredDirection:
        localType === "offer" || r === undefined ? localDirection : effectiveDirection(remote, r),
      hadMsid: l.msids.length > 0 || l.ssrcs.some((s) => s.attribute === "msid"),
    });
  }
  return out;
}

import {
  type AnswerTransceiver,
  createAnswer,
  createOffer,
  type DtlsRole,
  type LocalDataSection,
  type LocalRejectedLine,
  type LocalSession,
  type LocalTransceiver,
  type LocalTransport,
  type NegotiationResult,
  type OfferLayout,
  type SessionDescription,
  sends,
} from "../sdp/index.js";
import type { LocalSender } from "../sdp/jsep-transceiver.js";
import type { Transceiver } from "./rtp-transceiver.js";
import type { SlotOwner, TransceiverSet } from "./transceiver-set.js";

/**
 * Our offers and answers (RFC 8829 §5.2, §5.3) from the connection's transceivers: what each m= line
 * carries, in the places `TransceiverSet.layout` gives them.
 */

export function localSender(t: Transceiver, mid: string, cname: string): LocalSender {
  return {
    ssrc: t.sender.ssrc,
    rtxSsrc: t.sender.rtxSsrc,
    cname,
    streamIds: t.sender.streamIds,
    trackId: t.sender.track?.id ?? `${cname}-${mid}`,
  };
}

function offeredTransceiver(t: Transceiver, mid: string, cname: string): LocalTransceiver {
  const direction = t.wantedDirection;
  return {
    mid,
    kind: t.kind,
    direction,
    ...(sends(direction) ? { sender: localSender(t, mid, cname) } : {}),
    ...(t.codecPreferences ? { codecs: t.codecPreferences } : {}),
    stopped: t.stopping || t.stopped,
  };
}

/** The m= lines of our next offer, in order. */
export function offerLines(
  set: TransceiverSet,
  layout: OfferLayout<SlotOwner>,
  cname: string,
): (LocalTransceiver | LocalDataSection | LocalRejectedLine)[] {
  return layout.lines.map((line, i) => {
    const owner = line.owner;
    if (owner === undefined) {
      const slot = set.slots[i];
      return {
        kind: "rejected",
        mid: line.mid,
        media: slot?.kind ?? "audio",
        protocol: slot?.protocol ?? "UDP/TLS/RTP/SAVPF",
        formats: slot?.formats ?? ["0"],
      };
    }
    if (owner.kind === "application") return { kind: "application", mid: line.mid };
    return offeredTransceiver(owner, line.mid, cname);
  });
}

export function buildOffer(
  set: TransceiverSet,
  layout: OfferLayout<SlotOwner>,
  session: LocalSession,
  transport: LocalTransport,
  cname: string,
  extmapIds: ReadonlyMap<string, number>,
): SessionDescription {
  return createOffer({ session, transceivers: offerLines(set, layout, cname) }, { transport, extmapIds });
}

/**
 * Our answer to `offer`: each transceiver's direction, sender, codec preferences and stop; a=setup from
 * the DTLS role when an earlier negotiation fixed it (RFC 8842 §5.3), else `answerSetup`.
 */
export function buildAnswer(
  set: TransceiverSet,
  offer: SessionDescription,
  session: LocalSession,
  transport: LocalTransport,
  cname: string,
  setup: { readonly role: DtlsRole | undefined; readonly preferred: "active" | "passive" },
): NegotiationResult<SessionDescription> {
  const transceivers: AnswerTransceiver[] = [];
  for (const t of set.transceivers) {
    if (t.mid === null) continue;
    const direction = t.wantedDirection;
    transceivers.push({
      mid: t.mid,
      direction,
      ...(sends(direction) ? { sender: localSender(t, t.mid, cname) } : {}),
      ...(t.codecPreferences ? { codecs: t.codecPreferences } : {}),
      stopped: t.stopping || t.stopped,
    });
  }
  const answerSetup =
    setup.role === undefined ? setup.preferred : setup.role === "client" ? "active" : "passive";
  return createAnswer(offer, {
    session,
    transport,
    setup: answerSetup,
    transceivers,
    defaultDirection: "recvonly",
  });
}

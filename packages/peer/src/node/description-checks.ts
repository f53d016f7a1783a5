import { type CertificateFingerprint, parseFingerprint } from "@tern/dtls-srtp";
import {
  type DtlsRole,
  dtlsRoleFor,
  effectiveSetup,
  isRejected,
  isRtpMediaKind,
  type NegotiatedDataSection,
  type NegotiatedMedia,
  negotiatedDataSection,
  negotiatedMedia,
  type RemoteTransport,
  remoteTransport,
  type SessionDescription,
  transportSectionIndex,
} from "../sdp/index.js";
import type { Transceiver } from "./rtp-transceiver.js";
import type { Slot } from "./transceiver-set.js";

/**
 * The checks a description must pass before it changes anything (W3C webrtc-pc §4.4.1.6: setting a
 * description is atomic; what it rejects leaves every state as it was): content the connection cannot
 * apply is InvalidAccessError, as the spec says for "the content of description is invalid".
 */

export interface DescriptionError {
  readonly ok: false;
  readonly name: "InvalidAccessError" | "OperationError";
  readonly message: string;
}

function invalid(message: string): DescriptionError {
  return { ok: false, name: "InvalidAccessError", message };
}

/** The remote transport a description asks for, checked: ICE credentials and usable fingerprints. */
export interface CheckedTransport {
  readonly transport: RemoteTransport;
  readonly fingerprints: readonly CertificateFingerprint[];
}

/**
 * The transport of the description's tagged m= section (RFC 8843 §7) — or of the m= section `mid` (the one
 * an answer tags) — or undefined when all are rejected.
 */
export function checkTransport(
  desc: SessionDescription,
  mid?: string,
): { readonly ok: true; readonly value: CheckedTransport | undefined } | DescriptionError {
  const index = mid === undefined ? transportSectionIndex(desc) : desc.media.findIndex((m) => m.mid === mid);
  if (index === undefined || index < 0) return { ok: true, value: undefined };
  const section = desc.media[index];
  const t = remoteTransport(desc, section?.mid);
  if (!t.ok) return invalid(t.error.message);
  const fingerprints = t.value.fingerprints.flatMap(
    (f) => parseFingerprint(`${f.algorithm} ${f.value}`) ?? [],
  );
  if (fingerprints.length === 0) return invalid("no usable a=fingerprint (RFC 8122)");
  return { ok: true, value: { transport: t.value, fingerprints } };
}

/** What the connection knows when a remote offer arrives. */
export interface RemoteOfferContext {
  readonly slots: readonly Slot[];
  readonly transceivers: readonly Transceiver[];
  /** The DTLS role fixed by the first negotiation (RFC 8842 §5.3), if any. */
  readonly dtlsRole: DtlsRole | undefined;
}

/**
 * A remote offer: every m= section has a mid; the m= lines of the session keep their places and mids
 * (RFC 8829 §5.2.2, a rejected one may be recycled under a new mid); a mid keeps its kind; the transport
 * has ICE credentials and a fingerprint; its a=setup can keep our DTLS role.
 */
export function checkRemoteOffer(
  offer: SessionDescription,
  ctx: RemoteOfferContext,
): { readonly ok: true; readonly transport: CheckedTransport | undefined } | DescriptionError {
  for (const m of offer.media) if (m.mid === undefined) return invalid("every m= section needs a=mid");
  if (offer.media.length < ctx.slots.length)
    return invalid("the offer has fewer m= sections than the session (RFC 8829 §5.2.2)");
  for (const [i, slot] of ctx.slots.entries()) {
    const m = offer.media[i];
    if (m === undefined || m.mid === slot.mid) continue;
    if (!slot.rejected)
      return invalid(`the order of m= sections changed: index ${i} was mid ${slot.mid}, now ${m.mid}`);
    if (ctx.slots.some((s) => s.mid === m.mid))
      return invalid(`a recycled m= section reuses mid ${m.mid}, still in use`);
  }
  for (const m of offer.media) {
    const t = ctx.transceivers.find((x) => x.mid === m.mid);
    if (t !== undefined && isRtpMediaKind(m.kind) && t.kind !== m.kind && !isRejected(m))
      return invalid(`mid ${m.mid} is ${t.kind}, the offer makes it ${m.kind}`);
  }
  const transport = checkTransport(offer);
  if (!transport.ok) return transport;
  if (transport.value !== undefined) {
    const setup = transport.value.transport.setup ?? "active";
    if (setup === "holdconn") return invalid("the offer's a=setup is holdconn");
    // RFC 8842 §5.3: once the DTLS role is set, an offer may not ask for the other one.
    if (ctx.dtlsRole === "client" && setup === "active")
      return invalid("a=setup:active would make us DTLS server: the DTLS role is fixed (RFC 8842 §5.3)");
    if (ctx.dtlsRole === "server" && setup === "passive")
      return invalid("a=setup:passive would make us DTLS client: the DTLS role is fixed (RFC 8842 §5.3)");
  }
  return { ok: true, transport: transport.value };
}

/** What a completed offer/answer settled, checked. */
export interface CheckedNegotiation {
  readonly media: readonly NegotiatedMedia[];
  readonly data: NegotiatedDataSection | undefined;
  /** Undefined when every m= section was rejected: no transport runs. */
  readonly role: DtlsRole | undefined;
  readonly transport: CheckedTransport | undefined;
}

/**
 * An answer against its offer (ours or the remote's): the m= sections line up (count, order, mids, kinds,
 * RFC 8829 §5.3.1), a=setup settles a DTLS role (active or passive, RFC 8842 §5.2) that keeps the one
 * fixed by an earlier negotiation (§5.3), and the remote side's transport is usable.
 */
export function checkNegotiation(
  local: SessionDescription,
  remote: SessionDescription,
  localType: "offer" | "answer",
  dtlsRole: DtlsRole | undefined,
): { readonly ok: true; readonly value: CheckedNegotiation } | DescriptionError {
  const media = negotiatedMedia(local, remote, localType);
  if (!media.ok) return invalid(media.error.message);
  const data = negotiatedDataSection(local, remote, localType);
  const anyAccepted = media.value.some((m) => !m.rejected) || data !== undefined;
  if (!anyAccepted)
    return { ok: true, value: { media: media.value, data, role: undefined, transport: undefined } };
  // The transport the answer tags (RFC 8843 §7.3): a browser offering with bundle policy "balanced"
  // gives each m= section its own ICE credentials; ours is that of the answer's first bundled mid.
  const answer = localType === "offer" ? remote : local;
  const tagged = transportSectionIndex(answer);
  const transport = checkTransport(remote, tagged === undefined ? undefined : answer.media[tagged]?.mid);
  if (!transport.ok) return transport;
  const l = transportSectionIndex(local);
  const r = transportSectionIndex(remote);
  const localSection = l === undefined ? undefined : local.media[l];
  const remoteSection = r === undefined ? undefined : remote.media[r];
  const role = dtlsRoleFor(
    localSection && effectiveSetup(local, localSection),
    remoteSection && effectiveSetup(remote, remoteSection),
    localType === "offer",
  );
  if (!role.ok) return invalid(role.error.message);
  if (dtlsRole !== undefined && role.value !== dtlsRole)
    return invalid(`the answer changes our DTLS role from ${dtlsRole} to ${role.value} (RFC 8842 §5.3)`);
  return { ok: true, value: { media: media.value, data, role: role.value, transport: transport.value } };
}

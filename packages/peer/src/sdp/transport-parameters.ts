import { type Candidate, parseCandidate } from "@tern/ice";
import { type NegotiationResult, negotiationFail, negotiationOk } from "./negotiation-error.js";
import type { Fingerprint, Group, MediaSection, SessionDescription, Setup } from "./session-description.js";

/**
 * The transport a remote description asks for (RFC 8843 BUNDLE, RFC 8839 ICE, RFC 8842 DTLS): read from
 * one m= section — the BUNDLE-tagged one — with session-level values as the fallback for each attribute.
 */
export interface RemoteTransport {
  /** The mid of the m= section it was read from. */
  readonly mid?: string;
  readonly iceUfrag: string;
  readonly icePwd: string;
  readonly iceLite: boolean;
  readonly iceOptions: readonly string[];
  /** Valid RTP-component (1) candidates, parsed, in order (RFC 8839 §5.1). */
  readonly candidates: readonly Candidate[];
  /** The lines of `candidates`, as written. */
  readonly candidateLines: readonly string[];
  /** Candidates left out: unparseable, of an unknown type, or for component 2 (we use rtcp-mux). */
  readonly droppedCandidates: number;
  readonly endOfCandidates: boolean;
  readonly fingerprints: readonly Fingerprint[];
  readonly setup?: Setup;
}

/** The first `a=group:BUNDLE` (RFC 8843 §7.1), if any. */
export function bundleGroupOf(desc: SessionDescription): Group | undefined {
  return desc.groups.find((g) => g.semantics === "BUNDLE");
}

/** A section is rejected when its port is 0 and it is not bundle-only (RFC 3264 §6, RFC 8843 §6). */
export function isRejected(section: MediaSection): boolean {
  return section.port === 0 && !section.bundleOnly;
}

/**
 * The index of the m= section whose transport the description uses: the tagged m= section of the
 * BUNDLE group (its first mid with a non-zero port, RFC 8843 §7.2.1, §7.3.1), else the first m= section
 * that is not rejected.
 */
export function transportSectionIndex(desc: SessionDescription): number | undefined {
  const group = bundleGroupOf(desc);
  for (const mid of group?.mids ?? []) {
    const i = desc.media.findIndex((s) => s.mid === mid);
    const s = desc.media[i];
    if (s !== undefined && s.port !== 0) return i;
  }
  const i = desc.media.findIndex((s) => !isRejected(s));
  return i < 0 ? undefined : i;
}

export function effectiveIceCredentials(
  desc: SessionDescription,
  section: MediaSection,
): { ufrag: string; pwd: string } | undefined {
  const ufrag = section.iceUfrag ?? desc.iceUfrag;
  const pwd = section.icePwd ?? desc.icePwd;
  return ufrag === undefined || pwd === undefined ? undefined : { ufrag, pwd };
}

export function effectiveFingerprints(
  desc: SessionDescription,
  section: MediaSection,
): readonly Fingerprint[] {
  return section.fingerprints.length > 0 ? section.fingerprints : desc.fingerprints;
}

export function effectiveSetup(desc: SessionDescription, section: MediaSection): Setup | undefined {
  return section.setup ?? desc.setup;
}

/**
 * The remote transport: from the m= section with the given mid (the answerer passes the first mid of
 * its answer's BUNDLE group, since a browser offering with bundle policy balanced gathers per m= line),
 * else from the description's own tagged m= section.
 */
export function remoteTransport(desc: SessionDescription, mid?: string): NegotiationResult<RemoteTransport> {
  const index = mid === undefined ? transportSectionIndex(desc) : desc.media.findIndex((s) => s.mid === mid);
  const section = index === undefined ? undefined : desc.media[index];
  if (section === undefined) return negotiationFail("no-transport", "no m= section carries a transport", mid);
  const credentials = effectiveIceCredentials(desc, section);
  if (credentials === undefined) {
    return negotiationFail("missing-ice-credentials", "no a=ice-ufrag/a=ice-pwd", section.mid);
  }
  const fingerprints = effectiveFingerprints(desc, section);
  if (fingerprints.length === 0)
    return negotiationFail("missing-fingerprint", "no a=fingerprint", section.mid);
  const candidates: Candidate[] = [];
  const candidateLines: string[] = [];
  let dropped = 0;
  for (const line of section.candidates) {
    const c = parseCandidate(line);
    if (!c.ok || c.value.component !== 1) {
      dropped++;
      continue;
    }
    candidates.push(c.value);
    candidateLines.push(line);
  }
  const setup = effectiveSetup(desc, section);
  return negotiationOk({
    ...(section.mid === undefined ? {} : { mid: section.mid }),
    iceUfrag: credentials.ufrag,
    icePwd: credentials.pwd,
    iceLite: desc.iceLite,
    iceOptions: section.iceOptions.length > 0 ? section.iceOptions : desc.iceOptions,
    candidates,
    candidateLines,
    droppedCandidates: dropped,
    endOfCandidates: section.endOfCandidates,
    fingerprints,
    ...(setup === undefined ? {} : { setup }),
  });
}

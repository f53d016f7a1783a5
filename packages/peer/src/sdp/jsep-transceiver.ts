import { ipFamily, parseCandidate, UsageError, validIceCredentials } from "@tern/ice";
import type { CodecCapability, RtpMediaKind } from "./codec-capabilities.js";
import type {
  Connection,
  Direction,
  Fingerprint,
  Msid,
  Setup,
  SsrcAttribute,
  SsrcGroup,
} from "./session-description.js";

/**
 * What the local side puts into the m= sections it writes (RFC 8829 §5.2.1 offers, §5.3.1 answers):
 * its one transport (max-bundle: the same ICE credentials, fingerprint and candidates on every bundled
 * m= section) and, per transceiver, its direction and the track it sends.
 */
export interface LocalTransport {
  readonly iceUfrag: string;
  readonly icePwd: string;
  /** Of our DTLS certificate (RFC 8122 §5); at least one. */
  readonly fingerprints: readonly Fingerprint[];
  /** Candidates gathered so far, as "candidate:…" lines (none when trickling from the start). */
  readonly candidates?: readonly string[];
  readonly endOfCandidates?: boolean;
  /** Write `a=ice-lite` (RFC 8839 §5.3). */
  readonly iceLite?: boolean;
}

/** The track a transceiver sends (RFC 8830 msid, RFC 5576 ssrc lines, RFC 4588 RTX via FID). */
export interface LocalSender {
  readonly ssrc: number;
  readonly rtxSsrc?: number;
  /** RTCP CNAME (RFC 7022), the same for every track of the connection. */
  readonly cname: string;
  /** MediaStream ids (none: msid "-"). */
  readonly streamIds: readonly string[];
  readonly trackId: string;
}

export interface LocalTransceiver {
  readonly mid: string;
  readonly kind: RtpMediaKind;
  readonly direction: Direction;
  readonly sender?: LocalSender;
  /** Codecs in preference order; default: the capabilities' codecs of this kind. */
  readonly codecs?: readonly CodecCapability[];
  /** A stopped transceiver's m= section is written with port 0 (RFC 8829 §5.2.2). */
  readonly stopped?: boolean;
}

/** The discard port and unspecified address JSEP writes before candidates are known (RFC 8829 §5.2.1). */
export const PLACEHOLDER_PORT = 9;
export const PLACEHOLDER_CONNECTION: Connection = { addressType: "IP4", address: "0.0.0.0" };

const ID = /^[\x21-\x7e]{1,256}$/;

/** Throws `UsageError` when the local transport cannot be written. */
export function checkLocalTransport(transport: LocalTransport): void {
  if (!validIceCredentials({ ufrag: transport.iceUfrag, pwd: transport.icePwd })) {
    throw new UsageError("ICE ufrag/pwd must be 4..256 / 22..256 ice-chars (RFC 8839 §5.4)");
  }
  if (transport.fingerprints.length === 0) throw new UsageError("a DTLS fingerprint is required");
  for (const f of transport.fingerprints) {
    if (!/^[a-z0-9-]{1,16}$/.test(f.algorithm) || !/^([0-9A-F]{2}:){0,63}[0-9A-F]{2}$/.test(f.value)) {
      throw new UsageError(`bad fingerprint ${f.algorithm} ${f.value}`);
    }
  }
  for (const c of transport.candidates ?? []) {
    if (!parseCandidate(c).ok) throw new UsageError(`bad candidate ${c}`);
  }
}

/** Throws `UsageError` when a sender cannot be written. */
export function checkLocalSender(sender: LocalSender): void {
  const ssrcs = [sender.ssrc, ...(sender.rtxSsrc === undefined ? [] : [sender.rtxSsrc])];
  if (!ssrcs.every((s) => Number.isInteger(s) && s >= 0 && s <= 0xffff_ffff))
    throw new UsageError("bad SSRC");
  if (sender.rtxSsrc === sender.ssrc) throw new UsageError("the RTX SSRC must differ from the media SSRC");
  if (!ID.test(sender.cname) || !ID.test(sender.trackId) || !sender.streamIds.every((s) => ID.test(s))) {
    throw new UsageError("cname, track and stream ids must be 1..256 visible characters");
  }
}

/** The transport attributes of a bundled m= section (port and c= from the first host-IP candidate). */
export function transportFields(
  transport: LocalTransport,
  setup: Setup,
): {
  port: number;
  connection: Connection;
  iceUfrag: string;
  icePwd: string;
  iceOptions: string[];
  fingerprints: readonly Fingerprint[];
  setup: Setup;
  candidates: readonly string[];
  endOfCandidates: boolean;
} {
  const candidates = transport.candidates ?? [];
  let port = PLACEHOLDER_PORT;
  let connection = PLACEHOLDER_CONNECTION;
  for (const line of candidates) {
    const c = parseCandidate(line);
    if (!c.ok || c.value.component !== 1 || c.value.transport !== "udp") continue;
    const family = ipFamily(c.value.address);
    if (family === undefined) continue;
    port = c.value.port;
    connection = { addressType: family === 4 ? "IP4" : "IP6", address: c.value.address };
    break;
  }
  return {
    port,
    connection,
    iceUfrag: transport.iceUfrag,
    icePwd: transport.icePwd,
    iceOptions: ["trickle"],
    fingerprints: transport.fingerprints,
    setup,
    candidates,
    endOfCandidates: transport.endOfCandidates === true,
  };
}

/**
 * msid and ssrc lines for a sending track (RFC 8830 §2, RFC 5576 §4): `a=msid` per stream, then the
 * `a=ssrc-group:FID` and `a=ssrc` cname/msid lines for the media SSRC and, when RTX is negotiated,
 * its RTX SSRC.
 */
export function senderFields(
  sender: LocalSender,
  withRtx: boolean,
): { msids: Msid[]; ssrcs: SsrcAttribute[]; ssrcGroups: SsrcGroup[] } {
  const streams = sender.streamIds.length === 0 ? ["-"] : sender.streamIds;
  const msids = streams.map((streamId) => ({ streamId, trackId: sender.trackId }));
  const rtx = withRtx ? sender.rtxSsrc : undefined;
  const ssrcs: SsrcAttribute[] = [];
  for (const ssrc of rtx === undefined ? [sender.ssrc] : [sender.ssrc, rtx]) {
    ssrcs.push({ ssrc, attribute: "cname", value: sender.cname });
    for (const m of msids) ssrcs.push({ ssrc, attribute: "msid", value: `${m.streamId} ${m.trackId}` });
  }
  const ssrcGroups = rtx === undefined ? [] : [{ semantics: "FID", ssrcs: [sender.ssrc, rtx] }];
  return { msids, ssrcs, ssrcGroups };
}

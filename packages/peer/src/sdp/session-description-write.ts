import { UsageError } from "@tern/ice";
import {
  type MediaDescription,
  write as sdpTransformWrite,
  type SessionDescription as TransformSession,
} from "sdp-transform";
import type {
  Bandwidth,
  Connection,
  Extmap,
  Fingerprint,
  MediaSection,
  RtcpFeedback,
  SessionDescription,
} from "./session-description.js";

type TransformAttributes = Pick<
  MediaDescription,
  "ext" | "fingerprint" | "iceUfrag" | "icePwd" | "iceOptions" | "setup" | "direction" | "invalid"
>;
type TransformFb = NonNullable<MediaDescription["rtcpFb"]>;
type TransformTrrInt = NonNullable<MediaDescription["rtcpFbTrrInt"]>;

const ENCRYPT_URI = "urn:ietf:params:rtp-hdrext:encrypt";

/**
 * Writes the model as SDP text (RFC 8866 §5; CRLF line ends) through sdp-transform's writer. Lines the
 * model keeps verbatim (candidates, a second fingerprint, msid, msid-semantic, unknown attributes) go
 * out after the structured ones of their level. `parseSessionDescription` reads the result back to the
 * same model. Throws `UsageError` if a model field would break the line structure (a CR or LF in it).
 */
export function writeSessionDescription(desc: SessionDescription): string {
  const session: TransformSession = {
    version: 0,
    origin: {
      username: desc.origin.username,
      sessionId: desc.origin.sessionId,
      sessionVersion: desc.origin.sessionVersion,
      netType: desc.origin.netType,
      ipVer: desc.origin.addressType === "IP4" ? 4 : 6,
      address: desc.origin.address,
    },
    name: desc.name,
    timing: { start: desc.timing.start, stop: desc.timing.stop },
    ...connectionField(desc.connection),
    ...bandwidthField(desc.bandwidth),
    ...sharedAttributes(desc, [
      ...(desc.msidSemantic === undefined
        ? []
        : [`msid-semantic: ${[desc.msidSemantic.semantic, ...desc.msidSemantic.tokens].join(" ")}`]),
      ...desc.groups.filter((g) => g.mids.length === 0).map((g) => `group:${g.semantics}`),
    ]),
    ...(desc.iceLite ? { icelite: "ice-lite" as const } : {}),
    ...(desc.groups.some((g) => g.mids.length > 0)
      ? {
          groups: desc.groups
            .filter((g) => g.mids.length > 0)
            .map((g) => ({ type: g.semantics, mids: g.mids.join(" ") })),
        }
      : {}),
    media: desc.media.map(mediaDescription),
  };
  if (holdsLineBreak(desc)) throw new UsageError("a session description field contains a line break");
  return sdpTransformWrite(session);
}

/** Whether any string in the model holds CR or LF (which would inject lines). */
function holdsLineBreak(value: unknown): boolean {
  if (typeof value === "string") return /[\r\n]/.test(value);
  if (Array.isArray(value)) return value.some(holdsLineBreak);
  if (typeof value === "object" && value !== null) return Object.values(value).some(holdsLineBreak);
  return false;
}

function mediaDescription(s: MediaSection): MediaDescription {
  const rtcpFb: TransformFb = [];
  const rtcpFbTrrInt: TransformTrrInt = [];
  const addFb = (payload: number | string, fb: RtcpFeedback): void => {
    if (fb.type === "trr-int") rtcpFbTrrInt.push({ payload, value: Number(fb.parameter ?? 0) });
    else
      rtcpFb.push(
        fb.parameter === undefined
          ? { payload, type: fb.type }
          : { payload, type: fb.type, subtype: fb.parameter },
      );
  };
  for (const fb of s.rtcpFeedbackAll) addFb("*", fb);
  for (const p of s.payloads) for (const fb of p.rtcpFeedback) addFb(p.payloadType, fb);

  const extra = [
    ...s.msids.map((m) => `msid:${m.trackId === undefined ? m.streamId : `${m.streamId} ${m.trackId}`}`),
    ...(s.sctpPort === undefined ? [] : [`sctp-port:${s.sctpPort}`]),
    ...(s.maxMessageSize === undefined ? [] : [`max-message-size:${s.maxMessageSize}`]),
    ...s.candidates,
    ...(s.endOfCandidates ? ["end-of-candidates"] : []),
  ];
  return {
    type: s.kind,
    port: s.port,
    protocol: s.protocol,
    payloads: s.formats.join(" "),
    ...connectionField(s.connection),
    ...bandwidthField(s.bandwidth),
    rtp: s.payloads.flatMap((p) =>
      p.rtpMap === undefined
        ? []
        : [
            {
              payload: p.payloadType,
              codec: p.rtpMap.name,
              rate: p.rtpMap.clockRate,
              ...(p.rtpMap.channels === undefined ? {} : { encoding: p.rtpMap.channels }),
            },
          ],
    ),
    fmtp: s.payloads.flatMap((p) =>
      p.fmtp === undefined ? [] : [{ payload: p.payloadType, config: p.fmtp }],
    ),
    ...(rtcpFb.length > 0 ? { rtcpFb } : {}),
    ...(rtcpFbTrrInt.length > 0 ? { rtcpFbTrrInt } : {}),
    ...(s.mid === undefined ? {} : { mid: s.mid }),
    ...sharedAttributes(s, extra),
    ...(s.ssrcs.length > 0
      ? {
          ssrcs: s.ssrcs.map((x) =>
            x.value === undefined
              ? { id: x.ssrc, attribute: x.attribute }
              : { id: x.ssrc, attribute: x.attribute, value: x.value },
          ),
        }
      : {}),
    ...(s.ssrcGroups.length > 0
      ? { ssrcGroups: s.ssrcGroups.map((g) => ({ semantics: g.semantics, ssrcs: g.ssrcs.join(" ") })) }
      : {}),
    ...(s.rtcpMux ? { rtcpMux: "rtcp-mux" as const } : {}),
    ...(s.rtcpRsize ? { rtcpRsize: "rtcp-rsize" as const } : {}),
    ...(s.bundleOnly ? { bundleOnly: "bundle-only" as const } : {}),
  };
}

/** Attributes both levels share, plus the verbatim lines (`extra` first, then unknown attributes). */
function sharedAttributes(
  level: {
    readonly extmaps: readonly Extmap[];
    readonly fingerprints: readonly Fingerprint[];
    readonly iceUfrag?: string;
    readonly icePwd?: string;
    readonly iceOptions: readonly string[];
    readonly setup?: string;
    readonly direction?: "sendrecv" | "sendonly" | "recvonly" | "inactive";
    readonly attributes: readonly { readonly name: string; readonly value?: string }[];
  },
  extra: readonly string[],
): TransformAttributes {
  const [first, ...more] = level.fingerprints;
  const invalid = [
    ...more.map((f) => `fingerprint:${f.algorithm} ${f.value}`),
    ...extra,
    ...level.attributes.map((a) => (a.value === undefined ? a.name : `${a.name}:${a.value}`)),
  ];
  return {
    ...(level.extmaps.length > 0
      ? {
          ext: level.extmaps.map((e) => ({
            value: e.id,
            uri: e.uri,
            ...(e.direction === undefined ? {} : { direction: e.direction }),
            ...(e.encrypted === true ? { "encrypt-uri": ENCRYPT_URI } : {}),
            ...(e.attributes === undefined ? {} : { config: e.attributes }),
          })),
        }
      : {}),
    ...(level.setup === undefined ? {} : { setup: level.setup }),
    ...(level.direction === undefined ? {} : { direction: level.direction }),
    ...(level.iceUfrag === undefined ? {} : { iceUfrag: level.iceUfrag }),
    ...(level.icePwd === undefined ? {} : { icePwd: level.icePwd }),
    ...(first === undefined ? {} : { fingerprint: { type: first.algorithm, hash: first.value } }),
    ...(level.iceOptions.length > 0 ? { iceOptions: level.iceOptions.join(" ") } : {}),
    ...(invalid.length > 0 ? { invalid: invalid.map((value) => ({ value })) } : {}),
  };
}

function connectionField(c: Connection | undefined): { connection?: { version: number; ip: string } } {
  return c === undefined ? {} : { connection: { version: c.addressType === "IP4" ? 4 : 6, ip: c.address } };
}

function bandwidthField(b: readonly Bandwidth[]): { bandwidth?: MediaDescription["bandwidth"] } {
  return b.length === 0 ? {} : { bandwidth: b.map((x) => ({ type: x.type, limit: x.limit })) };
}

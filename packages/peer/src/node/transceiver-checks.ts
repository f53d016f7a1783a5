import { parseIceServerUrl } from "@tern/ice";
import { type CodecCapability, DEFAULT_CAPABILITIES } from "../sdp/index.js";
import { domError, type PeerConnectionConfig } from "./peer-connection-types.js";

/** W3C webrtc-pc RTCRtpCodec (and RTCRtpCodecCapability). */
export interface RtpCodec {
  readonly mimeType: string;
  readonly clockRate: number;
  readonly channels?: number;
  readonly sdpFmtpLine?: string;
}

/** W3C webrtc-pc RTCRtpCapabilities. */
export interface RtpCapabilities {
  readonly codecs: readonly RtpCodec[];
  readonly headerExtensions: readonly { readonly uri: string }[];
}

/** webrtc-pc RTCRtpSender/RTCRtpReceiver.getCapabilities(kind): what Tern sends and receives. */
export function rtpCapabilities(kind: string): RtpCapabilities | null {
  if (kind !== "audio" && kind !== "video") return null;
  const codecs: RtpCodec[] = [];
  for (const c of DEFAULT_CAPABILITIES.codecs) {
    if (c.kind !== kind) continue;
    codecs.push(codecOf(c));
  }
  if (DEFAULT_CAPABILITIES.codecs.some((c) => c.kind === kind && c.rtx))
    codecs.push({ mimeType: `${kind}/rtx`, clockRate: 90000 });
  return {
    codecs,
    headerExtensions: DEFAULT_CAPABILITIES.headerExtensions
      .filter((h) => h.kinds.includes(kind))
      .map((h) => ({ uri: h.uri })),
  };
}

export function codecOf(c: CodecCapability): RtpCodec {
  return {
    mimeType: `${c.kind}/${c.name}`,
    clockRate: c.clockRate,
    ...(c.channels === undefined ? {} : { channels: c.channels }),
    ...(c.fmtp === undefined ? {} : { sdpFmtpLine: c.fmtp }),
  };
}

const NOT_MEDIA = /\/(rtx|red|ulpfec|flexfec-03)$/i;

/**
 * webrtc-pc RTCRtpTransceiver.setCodecPreferences: every codec must be one of the capabilities of the
 * kind (else InvalidModificationError), at least one a media codec; the empty list resets. Returns our
 * codecs in the preferred order (RTX kept only when `*\/rtx` is in the list).
 */
export function checkCodecPreferences(
  kind: "audio" | "video",
  codecs: readonly RtpCodec[],
): readonly CodecCapability[] | undefined {
  if (codecs.length === 0) return undefined;
  const ours = DEFAULT_CAPABILITIES.codecs.filter((c) => c.kind === kind);
  const wantsRtx = codecs.some((c) => /\/rtx$/i.test(c.mimeType));
  const out: CodecCapability[] = [];
  for (const codec of codecs) {
    if (NOT_MEDIA.test(codec.mimeType)) {
      if (!(rtpCapabilities(kind)?.codecs ?? []).some((c) => same(c, codec)))
        throw domError("InvalidModificationError", `${codec.mimeType} is not a ${kind} capability`);
      continue;
    }
    const mine = ours.find((c) => same(codecOf(c), codec));
    if (!mine) throw domError("InvalidModificationError", `${codec.mimeType} is not a ${kind} capability`);
    if (!out.includes(mine)) out.push(wantsRtx ? mine : { ...mine, rtx: false });
  }
  if (out.length === 0) throw domError("InvalidModificationError", "no media codec among the preferences");
  return out;
}

function same(a: RtpCodec, b: RtpCodec): boolean {
  return (
    a.mimeType.toLowerCase() === b.mimeType.toLowerCase() &&
    a.clockRate === b.clockRate &&
    (a.channels ?? 1) === (b.channels ?? 1) &&
    (b.sdpFmtpLine === undefined || a.sdpFmtpLine === undefined || a.sdpFmtpLine === b.sdpFmtpLine)
  );
}

/**
 * webrtc-pc §4.4.1.1 "set the configuration": ICE server URLs must parse (SyntaxError), TURN needs
 * credentials (InvalidAccessError); on a change, certificates and the bundle and rtcp-mux policies must
 * stay (InvalidModificationError). A pacing rate below 8 kbit/s is a RangeError.
 */
export function checkConfiguration(config: PeerConnectionConfig, previous?: PeerConnectionConfig): void {
  const pacing = config.pacingBitrateBps;
  if (pacing !== undefined && !(pacing >= 8000 && Number.isFinite(pacing)))
    throw new RangeError("pacingBitrateBps must be a finite number ≥ 8000");
  for (const server of config.iceServers ?? []) {
    const urls = typeof server.urls === "string" ? [server.urls] : server.urls;
    if (urls.length === 0) throw domError("SyntaxError", "an ICE server without urls");
    for (const url of urls) {
      const parsed = parseIceServerUrl(url);
      if (!parsed.ok) throw domError("SyntaxError", `bad ICE server URL ${url}`);
      const turn = parsed.value.scheme === "turn" || parsed.value.scheme === "turns";
      if (turn && (server.username === undefined || server.credential === undefined))
        throw domError("InvalidAccessError", `${url} needs a username and a credential`);
    }
  }
  if (previous === undefined) return;
  if (config.certificates !== undefined && config.certificates !== previous.certificates)
    throw domError("InvalidModificationError", "certificates cannot change");
  if (config.bundlePolicy !== undefined && config.bundlePolicy !== (previous.bundlePolicy ?? "max-bundle"))
    throw domError("InvalidModificationError", "bundlePolicy cannot change");
  if (config.rtcpMuxPolicy !== undefined && config.rtcpMuxPolicy !== "require")
    throw domError("InvalidModificationError", "rtcpMuxPolicy cannot change");
}

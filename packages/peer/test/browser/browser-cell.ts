/**
 * One cell of the matrix: a fresh page and a fresh Tern PeerConnection, offer/answer, connected on both
 * sides, then media both ways until proven: browser → Tern VP8 and Opus frames (a VP8 keyframe among
 * them), Tern → browser the VP8 and Opus clips looped (getStats framesDecoded, the <video> drawn into a
 * canvas is not black; Opus packets received and decoded into audio samples with energy). A long cell keeps media running with consent freshness and checks every 5 s window.
 * Never throws: the result says what failed, and the cell's artifacts are kept.
 */
import { rmSync } from "node:fs";
import { withTimeout } from "@tern/test-support";
import pino from "pino";
import { LocalTrack } from "../../src/node/media-track.js";
import { PeerConnection, type PeerConnectionState } from "../../src/node/peer-connection.js";
import { opusClip, vp8Clip } from "../interop/media-fixtures.js";
import type { BrowserPage, BrowserSession } from "./browser-launch.js";
import type { CellResult } from "./browser-matrix.js";
import { type Negotiated, negotiate, type SignalingPlan, ternAnswerSetup } from "./browser-signaling.js";
import { type Capture, cellDir, countStun, LineLog, startCapture, writeArtifacts } from "./cell-artifacts.js";
import { checkDtls } from "./dtls-checks.js";
import { type PageStats, pageState, untilPage, watchMedia } from "./media-checks.js";

export interface CellSpec extends SignalingPlan {
  /** A file-name-safe id. */
  readonly id: string;
  /** Browser host candidates as raw IPs, or as mDNS names (a browser launched without media permission). */
  readonly ice: "raw" | "mdns";
  /** Tern's SRTP profile preference (RFC 5764 codes); Tern's default otherwise. */
  readonly srtpProfiles?: readonly number[];
  /** Keep media flowing this long after it is proven (the long cell). */
  readonly holdMs?: number;
  /** Tern's DTLS versions (default ["1.3", "1.2"]), and what the handshake must settle on (default 1.3). */
  readonly dtlsVersions?: readonly ("1.3" | "1.2")[];
  readonly expectDtls?: "DTLS 1.3" | "DTLS 1.2";
  /** What the browser was launched with, for the cell's description (e.g. "Firefox DTLS ≥ 1.3"). */
  readonly browserNote?: string;
}

const PROFILE_NAMES: Record<number, string> = { 1: "AES_CM_80", 2: "AES_CM_32", 7: "GCM-128", 8: "GCM-256" };

export function describeCell(spec: CellSpec): string {
  const parts = [
    spec.offerer === "browser" ? "browser offers" : "Tern offers",
    `browser is DTLS ${spec.browserDtls}`,
    spec.ice === "raw" ? "host IPs" : "mDNS .local",
    spec.trickle ? "trickle" : "non-trickle",
  ];
  if (spec.srtpProfiles)
    parts.push(`Tern prefers ${spec.srtpProfiles.map((p) => PROFILE_NAMES[p]).join(">")}`);
  if (spec.holdMs) parts.push(`${spec.holdMs / 1000} s of media`);
  if (spec.dtlsVersions) parts.push(`Tern DTLS ${spec.dtlsVersions.join("+")}`);
  if (spec.browserNote) parts.push(spec.browserNote);
  return parts.join(", ");
}

/** The webrtc-stats srtpCipher name for Tern's profile name (Chromium 156 reports the RFC 5764 name). */
const SRTP_CIPHER: Record<string, string> = {
  SRTP_AES128_CM_HMAC_SHA1_80: "AES_CM_128_HMAC_SHA1_80",
  SRTP_AES128_CM_HMAC_SHA1_32: "AES_CM_128_HMAC_SHA1_32",
  SRTP_AEAD_AES_128_GCM: "AEAD_AES_128_GCM",
  SRTP_AEAD_AES_256_GCM: "AEAD_AES_256_GCM",
};

/** Plays the VP8 clip in a loop at its frame rate; a keyframe request restarts it at its keyframe. */
function playClipLooped(track: LocalTrack): () => void {
  const clip = vp8Clip();
  const first = clip[0];
  const second = clip[1];
  if (!first || !second) throw new Error("clip.ivf has fewer than 2 frames");
  const ticks = second.rtpTimestamp - first.rtpTimestamp;
  let i = 0;
  let ts = 1000;
  track.on("keyframerequest", () => {
    i = 0;
  });
  const timer = setInterval(
    () => {
      const f = clip[i] ?? first;
      track.writeFrame(f.data, ts >>> 0);
      ts += ticks;
      i = (i + 1) % clip.length;
    },
    Math.round((ticks / 90_000) * 1000),
  );
  return () => clearInterval(timer);
}

/** Plays the Opus clip (a 440 Hz tone, 20 ms packets) in a loop in real time. */
function playOpusLooped(track: LocalTrack): () => void {
  const clip = opusClip();
  if (clip.length === 0) throw new Error("clip.ogg has no packets");
  let i = 0;
  let ts = 5000;
  const timer = setInterval(() => {
    const f = clip[i] ?? clip[0];
    if (f) track.writeFrame(f.data, ts >>> 0);
    ts += 960; // 20 ms at 48 kHz
    i = (i + 1) % clip.length;
  }, 20);
  return () => clearInterval(timer);
}

function ternConnected(pc: PeerConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (s: PeerConnectionState): void => {
      if (s === "connected") resolve();
      else if (s === "failed" || s === "closed") reject(new Error(`Tern's connection ${s}`));
    };
    check(pc.connectionState);
    pc.on("connectionstatechange", check);
  });
}

/**
 * The mDNS cells: the browser gave only `.local` candidates, and Tern's own resolver (multicast-dns, inside
 * its IceTransport) answered for them, as its debug log says. Connecting proves less: a browser's checks
 * alone teach Tern a peer-reflexive candidate.
 */
async function ternResolvedMdns(neg: Negotiated, ternLog: LineLog): Promise<string> {
  await withTimeout(neg.browserGathered, 10_000, "the browser's candidates");
  const names = neg.browserCandidates.map((c) => c.split(" ")[4] ?? "");
  if (names.length === 0 || !names.every((n) => n.endsWith(".local")))
    throw new Error(
      `expected only .local candidates from the browser, got ${neg.browserCandidates.join(" | ")}`,
    );
  const outcome = (): string | undefined =>
    ternLog.lines.find(
      (l) => l.includes('"mdns resolver: answered"') || l.includes('"mDNS name not resolved"'),
    );
  const line = await withTimeout(
    (async () => {
      for (let o = outcome(); ; o = outcome()) {
        if (o) return o;
        await new Promise((r) => setTimeout(r, 50));
      }
    })(),
    5000,
    "Tern's mDNS resolution (its debug log)",
  );
  const entry = JSON.parse(line) as { msg: string; name: string; address?: string };
  if (!entry.address) throw new Error(`Tern did not resolve ${entry.name}: ${entry.msg}`);
  return `Tern resolved ${entry.name} to ${entry.address} over mDNS`;
}

/** RFC 7675 consent freshness over the hold, from the capture: Tern's checks and the browser's, answered. */
async function consentChecks(capture: Capture, tern: PeerConnection, holdMs: number): Promise<string> {
  const port = tern.selectedCandidatePair?.base.port;
  if (!capture.file || port === undefined)
    throw new Error(`consent freshness not measured: ${capture.missing}`);
  await capture.stop();
  const c = countStun(capture.file, port);
  if (typeof c === "string") throw new Error(`consent freshness not measured: ${c}`);
  const text = `STUN on the selected pair over the cell: Tern sent ${c.sent} checks (${c.answered} answered), the browser ${c.received} (${c.responded} answered by Tern)`;
  // Tern checks every ~5 s (0.8–1.2 × 5 s): at least 60% of that must have gone out and come back.
  const want = Math.floor((holdMs / 5000) * 0.6);
  if (c.answered < want) throw new Error(`consent freshness: ${text}; expected ≥ ${want} answered`);
  return text;
}

export async function runCell(session: BrowserSession, spec: CellSpec): Promise<CellResult> {
  const result: CellResult = {
    browser: session.name,
    browserVersion: session.version,
    cell: spec.id,
    description: describeCell(spec),
    pass: false,
    notes: [],
  };
  const dir = cellDir(session.name, spec.id);
  const transcript = new LineLog();
  const keyLog = new LineLog();
  const ternLog = new LineLog();
  const capture = await startCapture(`${dir}.pcapng`);
  let page: BrowserPage | undefined;
  let tern: PeerConnection | undefined;
  let stopClip = (): void => undefined;
  let stopAudio = (): void => undefined;
  let stopSignaling = (): void => undefined;
  try {
    if (spec.ice === "mdns" && process.env.TERN_NETNS !== "1")
      throw new Error(
        "the mDNS cells need netns-run.sh's namespace (root): run `pnpm test:browser`; without an interface but lo a browser hides nothing behind mDNS, it gathers no candidate at all",
      );
    page = await session.newPage();
    const opened = await page.call<{ tracks: string[] }>("open", {
      media: spec.ice === "raw" ? "camera" : "canvas",
    });
    transcript.note(`page tracks: ${opened.tracks.join(", ")}`);
    tern = new PeerConnection({
      // mDNS cells: the browser hides 198.18.0.1 (see netns-run.sh); Tern gathers there too, so the pair
      // Tern checks after resolving the name is symmetric (the browser's socket is bound to 0.0.0.0).
      iceAddresses: [spec.ice === "mdns" ? "198.18.0.1" : "127.0.0.1"],
      mdns: spec.ice === "mdns",
      answerSetup: ternAnswerSetup(spec),
      ...(spec.srtpProfiles ? { srtpProfiles: spec.srtpProfiles } : {}),
      ...(spec.dtlsVersions ? { dtlsVersions: spec.dtlsVersions } : {}),
      keyLog: (line) => keyLog.add(line),
      logger: pino({ level: "debug" }, ternLog.stream),
    });
    const states: string[] = [];
    tern.on("connectionstatechange", (s) => {
      states.push(s);
      transcript.note(`tern connectionState ${s}`);
    });
    tern.on("iceconnectionstatechange", (s) => transcript.note(`tern iceConnectionState ${s}`));
    const media = watchMedia(tern);
    const ternVideo = new LocalTrack("video");
    const ternAudio = new LocalTrack("audio");

    const t0 = performance.now();
    const neg = await withTimeout(
      negotiate(page, tern, { video: ternVideo, audio: ternAudio }, spec, transcript),
      15_000,
      "signaling",
    );
    stopSignaling = neg.stop;
    await withTimeout(
      Promise.all([ternConnected(tern), untilPage(page, (s) => s.connection === "connected", "connected")]),
      15_000,
      "both sides connected",
    );
    result.connectMs = performance.now() - t0;
    if (spec.ice === "mdns") result.notes.push(await ternResolvedMdns(neg, ternLog));
    const pair = tern.selectedCandidatePair;
    result.selectedRemote = pair ? `${pair.remote.type} ${pair.remote.address}` : undefined;
    result.srtpProfile = tern.security.srtpProfile;

    // DTLS roles as planned (the munged a=setup took effect), profiles agree.
    const ternStats = [...(await tern.getStats()).values()];
    const ternRole = ternStats.find((s) => s.type === "transport")?.dtlsRole;
    const wantTernRole = spec.browserDtls === "client" ? "server" : "client";
    if (ternRole !== wantTernRole)
      throw new Error(`Tern is DTLS ${String(ternRole)}, expected ${wantTernRole}`);

    stopClip = playClipLooped(ternVideo);
    stopAudio = playOpusLooped(ternAudio);
    const proven = await media.untilProven(page, 20_000);
    result.media = proven.summary;
    const t = proven.pageStats.transport;
    result.browserSrtpCipher = t?.srtpCipher;
    if (t?.dtlsRole && t.dtlsRole !== spec.browserDtls)
      throw new Error(`the browser is DTLS ${t.dtlsRole}, expected ${spec.browserDtls}`);
    const expectCipher = [result.srtpProfile, SRTP_CIPHER[result.srtpProfile ?? ""]];
    if (t?.srtpCipher && !expectCipher.includes(t.srtpCipher))
      throw new Error(`SRTP: Tern has ${result.srtpProfile}, the browser ${t.srtpCipher}`);
    if (spec.holdMs) {
      const held = await media.hold(page, spec.holdMs, () => tern?.connectionState ?? "closed");
      result.media = `${result.media}; ${held.summary}`;
      result.notes.push(await consentChecks(capture, tern, spec.holdMs));
      const after = states.slice(states.indexOf("connected") + 1);
      if (after.length > 0) throw new Error(`Tern's connection went ${after.join(" → ")} during the hold`);
    }
    // Role, version, group and SRTP profile from the capture: Firefox's getStats has none of them.
    const dtls = await checkDtls(capture, tern, keyLog.lines, spec, t?.tlsVersion);
    result.dtlsVersion = dtls.summary;
    result.browserSrtpCipher ??= dtls.browserSrtp;
    result.pass = true;
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    stopClip();
    stopAudio();
    stopSignaling();
    let last: PageStats | undefined;
    if (!result.pass && page) {
      last = await withTimeout(page.call<PageStats>("stats"), 3000, "stats").catch(() => undefined);
      const st = await pageState(page).catch(() => undefined);
      transcript.note(`page state at failure: ${JSON.stringify(st)}`);
    }
    await tern?.close().catch(() => undefined);
    await page?.call("close").catch(() => undefined);
    await capture.stop();
    const keep = !result.pass || process.env.TERN_KEEP_ARTIFACTS === "1";
    if (keep) {
      writeArtifacts(dir, {
        "console.txt": page?.console.join("\n") ?? "(no page)",
        "signaling.txt": transcript.lines.join("\n"),
        "sslkeylog.txt": `${keyLog.lines.join("\n")}\n`,
        "tern-debug.ndjson": ternLog.lines.join("\n"),
        "page-stats.json": JSON.stringify(last ?? null, null, 2),
      });
      if (!result.pass)
        result.artifacts = `${dir}/ (console, signaling, sslkeylog, Tern log)${capture.file ? `, ${capture.file}` : `; ${capture.missing}`}`;
    } else if (capture.file) rmSync(capture.file, { force: true });
    await page?.close().catch(() => undefined);
  }
  return result;
}

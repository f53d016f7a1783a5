/**
 * Offer/answer between a page's RTCPeerConnection and a Tern PeerConnection through page.evaluate:
 * either side offers; candidates travel inside the SDP (gathering complete first) or trickle
 * (descriptions without candidates, each candidate through addIceCandidate, then end-of-candidates).
 * Only the browser's loopback and `.local` candidates reach Tern: browsers also gather the namespace's
 * 198.18.0.1, and the permission cells must stay on 127.0.0.1.
 */
import type { LocalTrack } from "../../src/node/media-track.js";
import type { IceCandidateInit, PeerConnection } from "../../src/node/peer-connection.js";
import type { BrowserPage } from "./browser-launch.js";
import type { LineLog } from "./cell-artifacts.js";

export interface SignalingPlan {
  readonly offerer: "browser" | "tern";
  /** The browser's DTLS role. Tern answering: its answerSetup; the browser answering: its a=setup. */
  readonly browserDtls: "client" | "server";
  readonly trickle: boolean;
}

export interface Negotiated {
  readonly offer: string;
  readonly answer: string;
  /** The browser's candidates given to Tern, and those held back (not loopback, not mDNS). */
  readonly browserCandidates: string[];
  readonly droppedCandidates: string[];
  /** Resolves once every browser candidate has been passed on (at once without trickle). */
  readonly browserGathered: Promise<void>;
  /** Stops forwarding trickled candidates. */
  stop(): void;
}

/** Tern's a=setup when it answers, for the browser's DTLS role (RFC 8842 §5.3). */
export function ternAnswerSetup(plan: SignalingPlan): "active" | "passive" {
  return plan.browserDtls === "client" ? "passive" : "active";
}

interface PageCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
}

/** Loopback (127.0.0.1, ::1) and mDNS (`*.local`) candidates pass; anything else stays in the browser. */
export function keepCandidate(line: string): boolean {
  const address = line.replace(/^a=/, "").split(" ")[4] ?? "";
  return address === "127.0.0.1" || address === "::1" || address.toLowerCase().endsWith(".local");
}

function filterSdp(sdp: string, dropped: string[], kept: string[]): string {
  return sdp
    .split("\r\n")
    .filter((l) => {
      if (!l.startsWith("a=candidate:")) return true;
      (keepCandidate(l) ? kept : dropped).push(l.slice(2));
      return keepCandidate(l);
    })
    .join("\r\n");
}

function withoutCandidates(sdp: string): string {
  return sdp
    .split("\r\n")
    .filter((l) => !l.startsWith("a=candidate:") && l !== "a=end-of-candidates")
    .join("\r\n");
}

function gathered(pc: PeerConnection): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") resolve();
    else pc.on("icegatheringstatechange", (s) => s === "complete" && resolve());
  });
}

export async function negotiate(
  page: BrowserPage,
  tern: PeerConnection,
  ternTracks: { readonly video: LocalTrack; readonly audio: LocalTrack },
  plan: SignalingPlan,
  log: LineLog,
): Promise<Negotiated> {
  const kept: string[] = [];
  const dropped: string[] = [];
  let stopped = false;

  // Tern → page: queued until the page has a remote description, then sent in order.
  const ternQueue: (IceCandidateInit | null)[] = [];
  let pageReady = false;
  let chain = Promise.resolve();
  const flushToPage = (): void => {
    if (!pageReady) return;
    for (const c of ternQueue.splice(0)) {
      chain = chain
        .then(() => {
          log.note(`tern → browser candidate ${c ? c.candidate : "(end)"}`);
          return page.call<void>("addCandidate", c);
        })
        .catch((err: unknown) => log.note(`addCandidate in the page failed: ${String(err)}`));
    }
  };
  if (plan.trickle) {
    tern.on("icecandidate", (e) => {
      ternQueue.push(e.candidate);
      flushToPage();
    });
  }

  // page → Tern: polled (Tern buffers candidates until it has a remote description).
  const pollPage = async (): Promise<void> => {
    while (!stopped) {
      const r = await page
        .call<{ candidates: PageCandidate[]; done: boolean }>("takeCandidates")
        .catch(() => ({ candidates: [], done: true }));
      for (const c of r.candidates) {
        if (!keepCandidate(c.candidate)) {
          dropped.push(c.candidate);
          continue;
        }
        kept.push(c.candidate);
        log.note(`browser → tern candidate ${c.candidate}`);
        await tern.addIceCandidate({
          candidate: c.candidate,
          sdpMid: c.sdpMid,
          sdpMLineIndex: c.sdpMLineIndex,
        });
      }
      if (r.done) {
        log.note("browser → tern end-of-candidates");
        await tern.addIceCandidate(null);
        return;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  let offer: string;
  let answer: string;
  let browserGathered: Promise<void> = Promise.resolve();
  if (plan.offerer === "browser") {
    offer = filterSdp(await page.call<string>("offer", { trickle: plan.trickle }), dropped, kept);
    log.note(`browser offer:\n${offer}`);
    if (plan.trickle) browserGathered = pollPage();
    await tern.setRemoteDescription({ type: "offer", sdp: offer });
    tern.addTrack(ternTracks.video); // onto the browser's video and audio m= sections: sendrecv
    tern.addTrack(ternTracks.audio);
    const created = await tern.createAnswer();
    await tern.setLocalDescription(created);
    if (!plan.trickle) await gathered(tern);
    answer = plan.trickle ? withoutCandidates(created.sdp) : (tern.localDescription?.sdp ?? "");
    log.note(`tern answer:\n${answer}`);
    await page.call("applyAnswer", answer);
  } else {
    tern.addTrack(ternTracks.video);
    tern.addTrack(ternTracks.audio);
    const created = await tern.createOffer();
    await tern.setLocalDescription(created);
    if (!plan.trickle) await gathered(tern);
    offer = plan.trickle ? withoutCandidates(created.sdp) : (tern.localDescription?.sdp ?? "");
    log.note(`tern offer:\n${offer}`);
    const setup = plan.browserDtls === "server" ? "passive" : undefined;
    answer = filterSdp(
      await page.call<string>("answer", offer, { trickle: plan.trickle, setup }),
      dropped,
      kept,
    );
    log.note(`browser answer:\n${answer}`);
    if (plan.trickle) browserGathered = pollPage();
    await tern.setRemoteDescription({ type: "answer", sdp: answer });
  }
  pageReady = true;
  flushToPage();
  return {
    offer,
    answer,
    browserCandidates: kept,
    droppedCandidates: dropped,
    browserGathered,
    stop: () => {
      stopped = true;
    },
  };
}

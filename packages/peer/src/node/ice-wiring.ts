import type { IceTransport } from "@tern/ice";
import type { BundleTransport } from "./bundle-transport.js";
import { iceCandidateErrorOf, localCandidateLine } from "./ice-events.js";
import type { BundleTransportHost } from "./peer-connection-types.js";

/**
 * Server-reflexive gathering is time-boxed: a STUN request is sent 4 times (0, 0.5, 1.5, 3.5 s) and given
 * up 2 s after the last (RFC 8489 §6.2.1 with Rc 4, Rm 4), so an unreachable STUN server holds gathering
 * 5.5 s, not RFC 8489's default 39.5 s.
 */
export const STUN_TIMING = { stunRtoMs: 500, stunRc: 4, stunRm: 4 } as const;

/**
 * The ICE transport's events onto its bundle transport and peer connection, each in the transport's
 * guard: candidates and gathering state, connection state (and the time ICE connected), the selected pair
 * (DTLS may start). The datagrams that are not STUN go straight to the transport (IceTransport's `onData`).
 */
export function wireIceTransport(ice: IceTransport, t: BundleTransport, host: BundleTransportHost): void {
  ice.on("candidate", (c) =>
    t.guard(() => {
      if (c) {
        const line = localCandidateLine(c);
        t.localCandidates.push(line);
        host.emit("icecandidate", {
          candidate: {
            candidate: line,
            sdpMid: host.transportMid,
            sdpMLineIndex: 0,
            usernameFragment: t.iceCredentials.ufrag,
          },
        });
      } else {
        t.gatheringDone();
        host.emit("icecandidate", { candidate: null });
      }
    }),
  );
  ice.on("icecandidateerror", (e) => t.guard(() => host.emit("icecandidateerror", iceCandidateErrorOf(e))));
  ice.on("gatheringstatechange", (s) =>
    t.guard(() => {
      host.iceGatheringState = s;
      host.emit("icegatheringstatechange", s);
    }),
  );
  ice.on("connectionstatechange", (s) =>
    t.guard(() => {
      if (host.connectionState === "closed") return;
      host.iceConnectionState = s;
      if ((s === "connected" || s === "completed") && host.timings.iceConnected === undefined)
        host.timings.iceConnected = t.now();
      host.emit("iceconnectionstatechange", s);
      t.updateConnectionState();
    }),
  );
  ice.on("selectedpair", () => t.guard(() => t.maybeStartDtls()));
  ice.on("error", (err) => host.internalError(err));
}

/** The ICE transport was stopped (every m= section rejected): the ICE states are "new" again. */
export function resetIceStates(host: BundleTransportHost): void {
  if (host.iceConnectionState !== "new") {
    host.iceConnectionState = "new";
    host.emit("iceconnectionstatechange", "new");
  }
  if (host.iceGatheringState !== "new") {
    host.iceGatheringState = "new";
    host.emit("icegatheringstatechange", "new");
  }
}

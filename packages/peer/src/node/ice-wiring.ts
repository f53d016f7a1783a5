import type { IceTransport } from "@tern/ice";
import type { BundleTransport } from "./bundle-transport.js";
import { iceCandidateErrorOf, localCandidateLine } from "./ice-events.js";
import type { BundleTransportHost } from "./peer-connection-types.js";

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

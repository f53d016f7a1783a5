/**
 * Data channels, Tern ↔ @roamhq/wrtc 0.10 (a prebuilt binding of Google's libwebrtc: dcSCTP) on loopback:
 * every cell of the scenario (either side offers, data only or with audio + video, Tern DTLS client or
 * server; wrtc's answer has its a=setup rewritten to passive to make Tern the client, as in the browser
 * cells). wrtc gathers every interface; only its 127.0.0.1 candidates are passed on.
 */
import { createRequire } from "node:module";
import { describe, it } from "vitest";
import { ternW3cPeer, type W3cPeerLike, w3cPeer } from "./data-channel-peers.js";
import { CELLS, cellName, runCell } from "./data-channel-scenario.js";

type WrtcModule = { RTCPeerConnection: new (config?: { iceServers?: unknown[] }) => W3cPeerLike };

function loadWrtc(): WrtcModule {
  try {
    return createRequire(import.meta.url)("@roamhq/wrtc") as WrtcModule;
  } catch (err) {
    throw new Error(`@roamhq/wrtc is missing: pnpm add -Dw @roamhq/wrtc@0.10.0 (${String(err)})`);
  }
}

describe("data channels, Tern ↔ @roamhq/wrtc (libwebrtc)", () => {
  for (const cell of CELLS) {
    it(cellName(cell), async () => {
      const wrtc = loadWrtc();
      const tern = ternW3cPeer(cell.ternRole === "client" ? "active" : "passive");
      const peer = w3cPeer("wrtc", new wrtc.RTCPeerConnection({ iceServers: [] }));
      try {
        await runCell(cell, tern, peer);
      } finally {
        await Promise.all([tern.close(), peer.close()]);
      }
    });
  }
});

/**
 * Data channels, Tern ↔ werift 0.25 (its own SCTP in TypeScript) on loopback: every cell of the scenario
 * (either side offers, data only or with audio + video, Tern DTLS client or server).
 */
import { type RunningStunServer, startStunServer } from "@tern/ice";
import { afterAll, beforeAll, describe, it } from "vitest";
import { ternW3cPeer } from "./data-channel-peers.js";
import { CELLS, cellName, runCell } from "./data-channel-scenario.js";
import { weriftPeer } from "./data-channel-werift.js";

let stun: RunningStunServer;
beforeAll(async () => {
  stun = await startStunServer({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await stun.close();
});

describe("data channels, Tern ↔ werift", () => {
  for (const cell of CELLS) {
    it(cellName(cell), async () => {
      const tern = ternW3cPeer(cell.ternRole === "client" ? "active" : "passive");
      const peer = weriftPeer(stun.address.port);
      try {
        await runCell(cell, tern, peer);
      } finally {
        await Promise.all([tern.close(), peer.close()]);
      }
    });
  }
});

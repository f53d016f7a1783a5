/**
 * Data channels, Tern ↔ node-datachannel 0.33 (libdatachannel, usrsctp) on loopback: every cell of the
 * scenario that can exist. "Tern offers, Tern DTLS client" cannot: libdatachannel writes its own answer,
 * always a=setup:active for an actpass offer (the last test shows it), so with a Tern offer Tern is the
 * DTLS server. Its own file: node-datachannel's cleanup() must not share a process with werift.
 */
import nodeDataChannel from "node-datachannel";
import { afterAll, describe, expect, it } from "vitest";
import { ndcPeer } from "./data-channel-ndc.js";
import { ternW3cPeer } from "./data-channel-peers.js";
import { CELLS, cellName, runCell } from "./data-channel-scenario.js";

afterAll(() => nodeDataChannel.cleanup());

describe("data channels, Tern ↔ node-datachannel", () => {
  for (const cell of CELLS.filter((c) => !(c.offerer === "tern" && c.ternRole === "client"))) {
    it(cellName(cell), async () => {
      const tern = ternW3cPeer(cell.ternRole === "client" ? "active" : "passive");
      const peer = ndcPeer();
      try {
        await runCell(cell, tern, peer);
      } finally {
        await Promise.all([tern.close(), peer.close()]);
      }
    });
  }

  it("libdatachannel answers an actpass offer with a=setup:active, whatever is asked (why one cell cannot exist)", async () => {
    const tern = ternW3cPeer("active");
    const peer = ndcPeer();
    try {
      tern.createDataChannel("x");
      const answer = await peer.answer(await tern.offer(), undefined);
      expect(answer).toMatch(/a=setup:active/);
      await expect(peer.answer(await tern.offer(), "passive")).rejects.toThrow(/always a=setup:active/);
    } finally {
      await Promise.all([tern.close(), peer.close()]);
    }
  });
});

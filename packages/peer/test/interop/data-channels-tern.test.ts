/** The data-channel interop scenario between two Tern peers (W3C façade both sides): every cell. */
import { describe, it } from "vitest";
import { ternW3cPeer } from "./data-channel-peers.js";
import { CELLS, cellName, runCell } from "./data-channel-scenario.js";

describe("data channels, Tern ↔ Tern", () => {
  for (const cell of CELLS) {
    it(cellName(cell), async () => {
      const tern = ternW3cPeer(cell.ternRole === "client" ? "active" : "passive");
      // the other Tern answers as the opposite role when it answers
      const other = ternW3cPeer(cell.ternRole === "client" ? "passive" : "active");
      try {
        await runCell(cell, tern, other);
      } finally {
        await Promise.all([tern.close(), other.close()]);
      }
    });
  }
});

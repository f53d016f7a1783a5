/**
 * Gathering is time-boxed (issue 13): a STUN server that never answers holds server-reflexive gathering
 * for 5.5 s (4 requests, RFC 8489 §6.2.1 with Rc 4, Rm 4), not RFC 8489's default 39.5 s; the host
 * candidates come at once and gathering completes.
 */
import { createSocket } from "node:dgram";
import { describe, expect, it } from "vitest";
import { withTimeout } from "./peer-helpers.js";
import { ternPeer } from "./tern-pair.js";

describe("ICE gathering with an unreachable STUN server", () => {
  it("completes within 10 s, with the host candidate", async () => {
    // A bound socket that reads nothing: the STUN server that never answers.
    const silent = createSocket("udp4");
    await new Promise<void>((r) => silent.bind(0, "127.0.0.1", r));
    const port = silent.address().port;
    let requests = 0;
    silent.on("message", () => requests++);
    const pc = ternPeer({ iceServers: [{ urls: `stun:127.0.0.1:${port}` }] });
    try {
      const candidates: string[] = [];
      pc.on("icecandidate", (e) => e.candidate && candidates.push(e.candidate.candidate));
      pc.addTransceiver("audio");
      const t0 = performance.now();
      const complete = new Promise<void>((resolve) =>
        pc.on("icegatheringstatechange", (s) => s === "complete" && resolve()),
      );
      await pc.setLocalDescription();
      await withTimeout(complete, 10_000, "gathering complete");
      expect(performance.now() - t0).toBeGreaterThan(4000); // it did wait for the server
      expect(requests).toBe(4);
      expect(candidates.some((c) => c.includes("typ host"))).toBe(true);
      expect(pc.localDescription?.sdp).toContain("a=end-of-candidates");
    } finally {
      await pc.close();
      silent.close();
    }
  }, 15_000);
});

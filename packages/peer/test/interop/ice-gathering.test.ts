/**
 * Gathering is time-boxed (issue 13): a STUN server that never answers holds server-reflexive gathering
 * for 5.5 s (4 requests, RFC 8489 §6.2.1 with Rc 4, Rm 4), not RFC 8489's default 39.5 s; the host
 * candidates come at once, gathering completes, and the server is reported: icecandidateerror 701.
 */
import { createSocket } from "node:dgram";
import { startStunServer } from "@tern/ice";
import { withTimeout } from "@tern/test-support";
import { describe, expect, it } from "vitest";
import { RTCPeerConnection, RTCPeerConnectionIceErrorEvent } from "../../src/w3c/index.js";
import { ternPeer } from "./tern-pair.js";

describe("ICE gathering with an unreachable STUN server", () => {
  it("completes within 10 s, with the host candidate, and raises icecandidateerror 701 for the server", async () => {
    // A bound socket that reads nothing: the STUN server that never answers.
    const silent = createSocket("udp4");
    await new Promise<void>((r) => silent.bind(0, "127.0.0.1", r));
    const port = silent.address().port;
    let requests = 0;
    silent.on("message", () => requests++);
    const pc = ternPeer({ iceServers: [{ urls: `stun:127.0.0.1:${port}` }] });
    try {
      const candidates: string[] = [];
      const errors: unknown[] = [];
      pc.on("icecandidateerror", (e) => errors.push(e));
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
      expect(errors).toEqual([
        {
          url: `stun:127.0.0.1:${port}`,
          errorCode: 701,
          errorText: "the STUN server did not answer",
          address: "127.0.0.1",
          port: expect.any(Number),
        },
      ]);
    } finally {
      await pc.close();
      silent.close();
    }
  }, 15_000);
});

describe("ICE gathering with a STUN server that answers", () => {
  it("raises no icecandidateerror, and the W3C façade carries an unreachable server's as RTCPeerConnectionIceErrorEvent", async () => {
    const stun = await startStunServer({ host: "127.0.0.1", port: 0 });
    const silent = createSocket("udp4");
    await new Promise<void>((r) => silent.bind(0, "127.0.0.1", r));
    const pc = new RTCPeerConnection({
      iceAddresses: ["127.0.0.1"],
      mdns: false,
      iceServers: [
        { urls: [`stun:127.0.0.1:${stun.address.port}`, `stun:127.0.0.1:${silent.address().port}`] },
      ],
    });
    try {
      const errors: RTCPeerConnectionIceErrorEvent[] = [];
      pc.onicecandidateerror = (e) => errors.push(e);
      pc.addTransceiver("audio");
      const complete = new Promise<void>((resolve) =>
        pc.addEventListener(
          "icegatheringstatechange",
          () => pc.iceGatheringState === "complete" && resolve(),
        ),
      );
      await pc.setLocalDescription();
      await withTimeout(complete, 10_000, "gathering complete");
      expect(errors.map((e) => [e.url, e.errorCode])).toEqual([
        [`stun:127.0.0.1:${silent.address().port}`, 701],
      ]);
      expect(errors[0]).toBeInstanceOf(RTCPeerConnectionIceErrorEvent);
    } finally {
      pc.close();
      silent.close();
      await stun.close();
    }
  }, 15_000);
});

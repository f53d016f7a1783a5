/**
 * What the bundle transport does when `IceTransport.send` throws (issue 18: an empty catch swallowed every
 * error). "No selected pair" (a UsageError) is a lost datagram, counted; any other error is a broken
 * transport: the connection fails, and does not go on as "connected" with every packet vanishing.
 */
import { UsageError } from "@tern/ice";
import { withTimeout } from "@tern/test-support";
import { describe, expect, it, vi } from "vitest";
import { vp8Clip } from "./media-fixtures.js";
import { bundleOf, connectedOneWay, connectionState } from "./peer-helpers.js";

describe("bundle transport: errors from ice.send", () => {
  it("a UsageError (no selected pair) drops the datagram and counts it; the connection stays up", async () => {
    const { a, b, track } = await connectedOneWay("video");
    try {
      const bundle = bundleOf(a);
      const ice = bundle.ice;
      if (!ice) throw new Error("no ICE transport at A");
      const frame = vp8Clip()[0];
      if (!frame) throw new Error("empty clip");
      const send = vi.spyOn(ice, "send").mockImplementation(() => {
        throw new UsageError("no selected candidate pair to send on (ICE state checking)");
      });
      track.writeFrame(frame.data, 0);
      send.mockRestore();
      expect(bundle.datagramsWithoutPair).toBeGreaterThan(0);
      expect(bundle.sendError).toBeUndefined();
      expect(a.connectionState).toBe("connected");
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("any other error fails the connection (once) instead of vanishing", async () => {
    const { a, b, track } = await connectedOneWay("video");
    try {
      const bundle = bundleOf(a);
      const ice = bundle.ice;
      if (!ice) throw new Error("no ICE transport at A");
      const frame = vp8Clip()[0];
      if (!frame) throw new Error("empty clip");
      const failed = connectionState(a, "failed").catch(() => undefined);
      const states: string[] = [];
      a.on("connectionstatechange", (s) => states.push(s));
      vi.spyOn(ice, "send").mockImplementation(() => {
        throw Object.assign(new Error("Not running"), { code: "ERR_SOCKET_DGRAM_NOT_RUNNING" });
      });
      track.writeFrame(frame.data, 0);
      track.writeFrame(frame.data, 3000);
      await withTimeout(failed, 5_000, "connection failed");
      expect(a.connectionState).toBe("failed");
      expect(states.filter((s) => s === "failed")).toHaveLength(1);
      expect(bundle.sendError?.message).toBe("Not running");
      expect(bundle.datagramsWithoutPair).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

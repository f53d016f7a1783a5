/**
 * `pnpm demo --bitrate-limit` in the NAT lab (pnpm test:nat, root): the two peers run in host-a and host-b
 * behind cone NATs, the sender's uplink is shaped with tc tbf, and the sender's status line shows
 * congestion control's estimate, which finds the shaper: the probes read it (and, short as they are, part of
 * its burst: 1.1–1.8 Mbit/s seen for a 1-Mbit/s tbf with a 3000-octet burst), where an unshaped path's
 * probes climb on (each result over 70 % of what was probed calls for one at twice it) to the 10-Mbit/s
 * maximum.
 */
import { describe, expect, it } from "vitest";
import { startDemo } from "../interop/demo-process.js";

const kbit = (s: string): number => {
  const [, v, unit] = s.match(/([\d.]+) (Mbit|kbit|bit)\/s/) ?? [];
  const n = Number(v);
  return unit === "Mbit" ? n * 1000 : unit === "kbit" ? n : n / 1000;
};

describe("pnpm demo --bitrate-limit (the NAT lab)", () => {
  it("runs sender and receiver behind the lab's NATs with a shaped uplink; the estimate finds the limit and the clip arrives intact", async () => {
    const demo = startDemo(["--bitrate-limit", "1000", "--duration", "10"]);
    const code = await demo.exited;
    const out = demo.output.stdout;
    expect(code, `${out}\n${demo.output.stderr.slice(-3000)}`).toBe(0);
    expect(out).toMatch(/ICE connected via srflx → srflx \(100\.64\.0\.2:\d+ → 100\.64\.0\.3:\d+\)/);
    const estimates = [...out.matchAll(/sender → receiver .*\(est ([\d.]+ \w+\/s)\)/g)].map((m) =>
      kbit(m[1] ?? ""),
    );
    expect(estimates.length).toBeGreaterThan(3);
    // the start probes (900 kbit/s and 1.8 Mbit/s) and the ALR probes find the 1-Mbit/s shaper, give or
    // take its burst (1.1–2.0 Mbit/s read here); an unshaped path's probes climb on to 10 Mbit/s
    expect(Math.max(...estimates)).toBeGreaterThan(600);
    expect(Math.max(...estimates)).toBeLessThan(2500);
    expect(out).toContain("RESULT: media arrived intact");
  }, 60_000);
});

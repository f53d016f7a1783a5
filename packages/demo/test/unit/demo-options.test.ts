import { describe, expect, it } from "vitest";
import { parseDemoOptions } from "../../src/demo-options.js";

describe("parseDemoOptions", () => {
  it("defaults: 5 s, no loss, loopback only, info logs", () => {
    const r = parseDemoOptions([]);
    expect(r).toMatchObject({
      ok: true,
      value: {
        durationSec: 5,
        lossPercent: 0,
        iceAddresses: ["127.0.0.1"],
        browser: false,
        port: 0,
        logLevel: "info",
      },
    });
  });

  it("reads every option", () => {
    const r = parseDemoOptions([
      "--duration=2.5",
      "--loss",
      "5",
      "--loss-seed",
      "42",
      "--stun",
      "stun:127.0.0.1:3478",
      "--turn",
      "turn:127.0.0.1:3478?transport=udp",
      "--turn-username",
      "u",
      "--turn-credential",
      "p",
      "--relay-only",
      "--ice-address",
      "127.0.0.1",
      "--ice-address",
      "::1",
      "--browser",
      "--data",
      "--data-file",
      "/tmp/f.bin",
      "--port",
      "8080",
      "--out",
      "/tmp/x",
      "--room",
      "r-1",
      "--log-level",
      "debug",
    ]);
    expect(r.ok && r.value).toEqual({
      durationSec: 2.5,
      lossPercent: 5,
      lossSeed: 42,
      iceServers: [
        { urls: "stun:127.0.0.1:3478" },
        { urls: "turn:127.0.0.1:3478?transport=udp", username: "u", credential: "p" },
      ],
      relayOnly: true,
      iceAddresses: ["127.0.0.1", "::1"],
      browser: true,
      data: true,
      dataFile: "/tmp/f.bin",
      port: 8080,
      outDir: "/tmp/x",
      room: "r-1",
      logLevel: "debug",
      help: false,
    });
  });

  it("--bitrate-limit: kbit/s for the NAT lab's shaped uplink", () => {
    const r = parseDemoOptions(["--bitrate-limit", "800"]);
    expect(r.ok && r.value.bitrateLimitKbps).toBe(800);
    const none = parseDemoOptions([]);
    expect(none.ok && none.value.bitrateLimitKbps).toBeUndefined();
  });

  it("--data-file goes with --data", () => {
    const r = parseDemoOptions(["--data-file", "/tmp/f.bin"]);
    expect(r.ok).toBe(false);
    const d = parseDemoOptions(["--data"]);
    expect(d.ok && [d.value.data, d.value.dataFile]).toEqual([true, undefined]);
  });

  it("--redis takes an optional URL", () => {
    const redis = (argv: string[]): string | undefined => {
      const r = parseDemoOptions(argv);
      return r.ok ? r.value.redis : "refused";
    };
    expect(redis([])).toBeUndefined();
    expect(redis(["--redis"])).toBe("");
    expect(redis(["--redis", "--duration", "2"])).toBe("");
    expect(redis(["--redis", "redis://127.0.0.1:6379"])).toBe("redis://127.0.0.1:6379");
    expect(redis(["--redis=redis://h:1/2"])).toBe("redis://h:1/2");
    expect(redis(["--redis=http://x"])).toBe("refused");
    expect(redis(["--redis", "--browser"])).toBe("refused");
  });

  it("refuses bad values with a message, never a throw", () => {
    for (const argv of [
      ["--duration", "0"],
      ["--duration", "abc"],
      ["--loss", "80"],
      ["--loss-seed", "1.5"],
      ["--stun", "http://x"],
      ["--turn", "stun:x"],
      ["--relay-only"],
      ["--port", "70000"],
      ["--room", "a b"],
      ["--log-level", "loud"],
      ["--bitrate-limit", "10"],
      ["--bitrate-limit", "500", "--browser"],
      ["--nope"],
      ["positional"],
    ]) {
      const r = parseDemoOptions(argv);
      expect(r.ok, argv.join(" ")).toBe(false);
      if (!r.ok) expect(r.error.message.length).toBeGreaterThan(0);
    }
  });
});

/**
 * Interop on loopback with werift's ICE agent (npm werift-ice), Tern controlling and controlled: both
 * reach connected on the same pair and exchange application datagrams both ways.
 *
 * werift falls back to a public STUN server when given none, so it gets Tern's own STUN server on
 * 127.0.0.1; Tern binds only 127.0.0.1 and only werift's 127.0.0.1 candidates are signaled to it, so every
 * checked pair is on loopback.
 */
import { once } from "node:events";
import { withTimeout } from "@tern/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Connection, Candidate as WeriftCandidate } from "werift-ice";
import { IceTransport } from "../../src/node/ice-transport.js";
import { type RunningStunServer, startStunServer } from "../../src/node/stun-server.js";
import { type Candidate, formatCandidate } from "../../src/wire/candidate.js";

let stun: RunningStunServer;
beforeAll(async () => {
  stun = await startStunServer({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await stun.close();
});

async function run(ternControlling: boolean): Promise<void> {
  const tern = new IceTransport({
    addresses: ["127.0.0.1"],
    role: ternControlling ? "controlling" : "controlled",
    mdns: false,
  });
  const werift = new Connection(!ternControlling, {
    stunServer: [stun.address.address, stun.address.port],
    useIpv6: false,
    additionalHostAddresses: ["127.0.0.1"],
  });
  try {
    const ternCandidates: Candidate[] = [];
    tern.on("candidate", (c) => {
      if (c) ternCandidates.push(c);
    });
    const ternGathered = once(tern, "gatheringstatechange");
    await tern.gather();
    await withTimeout(werift.gatherCandidates(), 10_000, "werift gathering");
    if (tern.gatheringState !== "complete") await ternGathered;

    // Signaling, in-process: credentials and candidates both ways.
    werift.setRemoteParams({
      iceLite: false,
      usernameFragment: tern.localCredentials.ufrag,
      password: tern.localCredentials.pwd,
    });
    tern.setRemoteCredentials({ ufrag: werift.localUsername, pwd: werift.localPassword });
    const weriftLoopback = werift.localCandidates.filter((c) => c.host === "127.0.0.1");
    expect(weriftLoopback.length).toBeGreaterThan(0);
    for (const c of weriftLoopback)
      expect(await tern.addRemoteCandidate(`candidate:${c.toSdp()}`)).toBe(true);
    tern.endOfRemoteCandidates();
    for (const c of ternCandidates)
      await werift.addRemoteCandidate(WeriftCandidate.fromSdp(formatCandidate(c).slice("candidate:".length)));
    await werift.addRemoteCandidate(undefined);

    const ternConnected = new Promise<void>((resolve, reject) => {
      const check = (s: string): void => {
        if (s === "connected" || s === "completed") resolve();
        if (s === "failed") reject(new Error("Tern ICE failed"));
      };
      check(tern.connectionState);
      tern.on("connectionstatechange", check);
    });
    await withTimeout(Promise.all([werift.connect(), ternConnected]), 15_000, "both connected");

    // The same pair on both sides.
    const mine = tern.selectedPair;
    const theirs = werift.nominated;
    expect(mine).toBeDefined();
    expect(theirs).toBeDefined();
    expect(mine?.base).toEqual({ address: theirs?.remoteCandidate.host, port: theirs?.remoteCandidate.port });
    expect({ address: mine?.remote.address, port: mine?.remote.port }).toEqual({
      address: theirs?.localCandidate.host,
      port: theirs?.localCandidate.port,
    });
    expect(tern.role).toBe(ternControlling ? "controlling" : "controlled");

    // Application datagrams both ways (first bytes in RFC 7983's DTLS range, as DTLS would send).
    const fromWerift: Buffer[] = [];
    const fromTern: Buffer[] = [];
    tern.on("data", (d) => fromWerift.push(d));
    werift.onData.subscribe((d) => fromTern.push(d));
    const gotAll = (): boolean => fromWerift.length >= 5 && fromTern.length >= 5;
    for (let i = 0; i < 5; i++) {
      tern.send(Buffer.from(`\x16tern->werift ${i}`));
      await werift.send(Buffer.from(`\x17werift->tern ${i}`));
    }
    await withTimeout(
      new Promise<void>((resolve) => {
        const poll = (): void => (gotAll() ? resolve() : void setTimeout(poll, 5));
        poll();
      }),
      5_000,
      "datagrams both ways",
    );
    expect(fromTern.map((b) => b.toString("latin1"))).toEqual(
      [0, 1, 2, 3, 4].map((i) => `\x16tern->werift ${i}`),
    );
    expect(fromWerift.map((b) => b.toString("latin1"))).toEqual(
      [0, 1, 2, 3, 4].map((i) => `\x17werift->tern ${i}`),
    );
    expect(tern.agent.counters["stun-bad-integrity"]).toBe(0);
  } finally {
    await tern.close();
    await werift.close();
  }
}

describe("interop with werift-ice on loopback", () => {
  it("Tern controlling, werift controlled", async () => {
    await run(true);
  });
  it("Tern controlled, werift controlling", async () => {
    await run(false);
  });
});

/**
 * ICE through a real coturn on loopback: relayed candidates join gathering with their RFC 8445 priority,
 * `iceTransportPolicy: "relay"` uses relayed candidates only (relay ↔ relay over TURN/UDP and TURN/TCP),
 * and a TURN server with wrong credentials is reported while gathering goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IceServer } from "../../src/node/ice-transport.js";
import { IceTransport } from "../../src/node/ice-transport.js";
import type { Candidate } from "../../src/wire/candidate.js";
import { COTURN_PASSWORD, COTURN_USER, type RunningCoturn, startCoturn } from "./coturn.js";

let coturn: RunningCoturn;
beforeAll(async () => {
  coturn = await startCoturn();
});
afterAll(async () => {
  await coturn?.stop();
});

function connected(t: IceTransport, ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not connected after ${ms} ms (${t.connectionState})`)),
      ms,
    );
    const check = (s: string): void => {
      if (s === "connected" || s === "completed") {
        clearTimeout(timer);
        resolve();
      }
      if (s === "failed") reject(new Error("ICE failed"));
    };
    check(t.connectionState);
    t.on("connectionstatechange", check);
  });
}

async function pair(iceServers: readonly IceServer[], policy: "all" | "relay") {
  const a = new IceTransport({
    addresses: ["127.0.0.1"],
    role: "controlling",
    mdns: false,
    iceServers,
    iceTransportPolicy: policy,
  });
  const b = new IceTransport({
    addresses: ["127.0.0.1"],
    role: "controlled",
    mdns: false,
    iceServers,
    iceTransportPolicy: policy,
  });
  const local: { a: Candidate[]; b: Candidate[] } = { a: [], b: [] };
  const trickle = (from: Candidate[], to: IceTransport) => (c: Candidate | null) => {
    if (!c) return to.endOfRemoteCandidates();
    from.push(c);
    void to.addRemoteCandidate(c);
  };
  a.on("candidate", trickle(local.a, b));
  b.on("candidate", trickle(local.b, a));
  a.setRemoteCredentials(b.localCredentials);
  b.setRemoteCredentials(a.localCredentials);
  const up = Promise.all([connected(a), connected(b)]);
  await Promise.all([a.gather(), b.gather()]);
  await up;
  return { a, b, local };
}

async function exchange(a: IceTransport, b: IceTransport): Promise<void> {
  const got: string[] = [];
  const done = new Promise<void>((resolve) => {
    const on = (d: Buffer): void => {
      got.push(d.subarray(1).toString());
      if (got.length === 4) resolve();
    };
    a.on("data", on);
    b.on("data", on);
  });
  a.send(Buffer.from("\x17a1"));
  a.send(Buffer.from("\x17a2"));
  b.send(Buffer.from("\x17b1"));
  b.send(Buffer.from("\x17b2"));
  await Promise.race([
    done,
    new Promise((_, rej) => setTimeout(() => rej(new Error(`only got ${got}`)), 5000)),
  ]);
  expect(got.sort()).toEqual(["a1", "a2", "b1", "b2"]);
}

describe("ICE through coturn on loopback", () => {
  for (const transport of ["udp", "tcp"] as const) {
    it(`relay-only policy over TURN/${transport.toUpperCase()}: relay ↔ relay, data both ways`, async () => {
      const servers = [
        {
          urls: `turn:127.0.0.1:${coturn.port}?transport=${transport}`,
          username: COTURN_USER,
          credential: COTURN_PASSWORD,
        },
      ];
      const { a, b, local } = await pair(servers, "relay");
      try {
        expect(local.a.map((c) => c.type)).toEqual(["relay"]);
        expect(local.b.map((c) => c.type)).toEqual(["relay"]);
        expect(a.selectedPair?.local.type).toBe("relay");
        expect(a.selectedPair?.remote.type).toBe("relay");
        expect(b.selectedPair?.local.type).toBe("relay");
        // relayed candidates carry their mapped address and the lowest type preference (RFC 8445 §5.1.2.2)
        expect(local.a[0]?.relatedAddress).toBe("127.0.0.1");
        expect((local.a[0]?.priority ?? -1) >>> 24).toBe(0);
        await exchange(a, b);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  }

  it("policy all: host and relayed candidates gathered, the host pair wins on loopback", async () => {
    const servers = [
      { urls: `turn:127.0.0.1:${coturn.port}`, username: COTURN_USER, credential: COTURN_PASSWORD },
    ];
    const { a, b, local } = await pair(servers, "all");
    try {
      expect(local.a.map((c) => c.type).sort()).toEqual(["host", "relay"]);
      expect(a.selectedPair?.local.type).toBe("host");
      await exchange(a, b);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("wrong TURN credentials: a typed error event, gathering completes with the host candidate", async () => {
    const t = new IceTransport({
      addresses: ["127.0.0.1"],
      mdns: false,
      iceServers: [{ urls: `turn:127.0.0.1:${coturn.port}`, username: COTURN_USER, credential: "wrong" }],
    });
    const errors: { url: string; error: Error }[] = [];
    const candidates: (Candidate | null)[] = [];
    t.on("icecandidateerror", (e) => errors.push(e));
    t.on("candidate", (c) => candidates.push(c));
    try {
      await t.gather();
      expect(errors).toHaveLength(1);
      expect(errors[0]?.error).toMatchObject({ name: "TurnError", code: "unauthorized" });
      expect(candidates.map((c) => c?.type ?? null)).toEqual(["host", null]);
      expect(t.gatheringState).toBe("complete");
    } finally {
      await t.close();
    }
  });
});

/**
 * Two Tern ICE agents on this machine find each other and exchange datagrams — the path every later layer
 * (DTLS, SRTP, media) rides on. Installed: `npx tsx node_modules/@tern/ice/examples/loopback.ts`; in this
 * repository: `node --conditions=tern-source --import tsx packages/ice/examples/loopback.ts`. Logs are pino
 * JSON lines (`LOG_LEVEL=debug` for more; pipe them through `pino-pretty` to read them).
 *
 * A STUN server on 127.0.0.1 gives each agent a server-reflexive candidate; candidates are trickled between
 * the agents in-process (a real application sends them through signaling); the controlling agent nominates
 * a pair; then each side sends a few datagrams to the other on the selected pair.
 */

import { type Candidate, formatCandidate, IceTransport, startStunServer } from "@tern/ice";
import pino from "pino";

const log = pino({ level: process.env.LOG_LEVEL ?? "info" });

const stun = await startStunServer({ host: "127.0.0.1", port: 0, logger: log.child({ name: "stun" }) });
const opts = { addresses: ["127.0.0.1"], stunServers: [stun.address], mdns: false } as const;
const alice = new IceTransport({ ...opts, role: "controlling", logger: log.child({ name: "alice" }) });
const bob = new IceTransport({ ...opts, role: "controlled", logger: log.child({ name: "bob" }) });

const t0 = performance.now();
for (const [me, peer, name] of [
  [alice, bob, "alice"],
  [bob, alice, "bob"],
] as const) {
  me.on("candidate", (c: Candidate | null) => {
    if (c) {
      log.info({ agent: name, candidate: formatCandidate(c) }, "local candidate");
      void peer.addRemoteCandidate(c);
    } else {
      log.info({ agent: name }, "end of candidates");
      peer.endOfRemoteCandidates();
    }
  });
  me.on("connectionstatechange", (state) =>
    log.info({ agent: name, state, ms: +(performance.now() - t0).toFixed(1) }, "ICE connection state"),
  );
  me.on("selectedpair", (p) =>
    log.info(
      {
        agent: name,
        local: `${p.local.type} ${p.local.address}:${p.local.port}`,
        remote: `${p.remote.type} ${p.remote.address}:${p.remote.port}`,
      },
      "selected pair",
    ),
  );
  me.on("data", (d) => log.info({ agent: name, text: d.subarray(1).toString() }, "datagram received"));
}
alice.setRemoteCredentials(bob.localCredentials);
bob.setRemoteCredentials(alice.localCredentials);

const connected = (t: IceTransport): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("ICE did not connect within 10 s")), 10_000);
    const check = (s: string): void => {
      if (s === "connected" || s === "completed") {
        clearTimeout(timer);
        resolve();
      }
    };
    t.on("connectionstatechange", check);
  });
const both = Promise.all([connected(alice), connected(bob)]);
await Promise.all([alice.gather(), bob.gather()]);
let code = 0;
try {
  await both;
  // 0x17: the first byte of a DTLS application-data record, so RFC 7983 demux passes it up.
  const received = new Promise<void>((resolve) => {
    let n = 0;
    const count = (): void => {
      if (++n === 6) resolve();
    };
    alice.on("data", count);
    bob.on("data", count);
  });
  for (let i = 1; i <= 3; i++) {
    alice.send(Buffer.from(`\x17hello bob #${i}`));
    bob.send(Buffer.from(`\x17hello alice #${i}`));
  }
  await Promise.race([
    received,
    new Promise((_, rej) => setTimeout(() => rej(new Error("datagrams lost")), 2000)),
  ]);
  log.info(
    { ms: +(performance.now() - t0).toFixed(1) },
    "done: both agents connected and exchanged datagrams",
  );
} catch (err) {
  log.error({ err }, "demo failed");
  code = 1;
}
await Promise.all([alice.close(), bob.close(), stun.close()]);
log.flush();
setTimeout(() => process.exit(code), 100);

/**
 * Our TURN client (RFC 8656) against a real coturn on 127.0.0.1, over UDP, TCP and TLS: allocate,
 * permission, Send/Data indications, channel bind, ChannelData both ways with a plain UDP peer socket,
 * refresh, deallocate; a wrong password is a typed "unauthorized" error. coturn's output is attached to
 * any failure.
 */
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { afterAll, describe, expect, it } from "vitest";
import { TurnError } from "../../src/machine/turn-error.js";
import { connectTurn } from "../../src/node/connect-turn.js";
import type { TurnClient } from "../../src/node/turn-client.js";
import type { TransportAddr } from "../../src/wire/transport-address.js";
import { COTURN_PASSWORD, COTURN_REALM, COTURN_USER, type RunningCoturn, startCoturn } from "./coturn.js";

const TIMEOUT_MS = 20_000;
const text = new TextEncoder();
const utf8 = new TextDecoder();

/** One coturn for the file, started by the first test that needs it: without turnserver, every test
 *  fails with the install command (none is skipped). */
let started: Promise<RunningCoturn> | undefined;
let coturn: RunningCoturn | undefined;
async function useCoturn(): Promise<RunningCoturn> {
  started ??= startCoturn({ tls: true });
  coturn = await started;
  return coturn;
}

afterAll(async () => {
  await started?.then(
    (c) => c.stop(),
    () => undefined,
  );
});

async function udpPeer(): Promise<{ socket: Socket; addr: TransportAddr }> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const a = socket.address();
  return { socket, addr: { address: a.address, port: a.port } };
}

function nextMessage(socket: Socket, ms = 5000): Promise<{ data: Buffer; from: RemoteInfo }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer got nothing in ${ms} ms`)), ms);
    socket.once("message", (data, from) => {
      clearTimeout(timer);
      resolve({ data, from });
    });
  });
}

function nextData(client: TurnClient, ms = 5000): Promise<{ data: Buffer; peer: TransportAddr }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`TURN client got no data in ${ms} ms`)), ms);
    client.once("data", (data, peer) => {
      clearTimeout(timer);
      resolve({ data, peer });
    });
  });
}

/** Runs `body`, adding coturn's output to a failure. */
async function withCoturnLog(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    if (coturn !== undefined) {
      e.message += `\n--- coturn output (last 4000 chars) ---\n${coturn.output().slice(-4000)}`;
    }
    throw e;
  }
}

describe.each(["udp", "tcp", "tls"] as const)("TURN over %s against coturn", (transport) => {
  const connect = async (credential: string): Promise<TurnClient> => {
    const turnServer = await useCoturn();
    return connectTurn({
      server: { host: "127.0.0.1", port: transport === "tls" ? (turnServer.tlsPort ?? 0) : turnServer.port },
      transport,
      username: COTURN_USER,
      credential,
      channelBinding: "manual",
      rtoMs: 100,
      localAddress: "127.0.0.1",
      tls: { ca: turnServer.ca },
    });
  };

  it(
    "allocates, relays by Send/Data indications then ChannelData both ways, refreshes and deallocates",
    () =>
      withCoturnLog(async () => {
        const peer = await udpPeer();
        const client = await connect(COTURN_PASSWORD);
        try {
          expect(client.relayedAddress.address).toBe("127.0.0.1");
          expect(client.relayedAddress.port).toBeGreaterThan(0);
          expect(client.mappedAddress).toEqual(client.localAddress);
          expect(client.lifetimeSec).toBeGreaterThan(0);
          expect(client.allocation.realm).toBe(COTURN_REALM);
          expect(client.allocation.passwordAlgorithm).toBe("md5");

          await client.createPermission(peer.addr.address);

          // Send indication -> peer (odd length: exercises padding over TCP/TLS).
          const got1 = nextMessage(peer.socket);
          expect(client.sendTo(peer.addr, text.encode("send-indication"))).toBe(true);
          const m1 = await got1;
          expect(utf8.decode(m1.data)).toBe("send-indication");
          expect({ address: m1.from.address, port: m1.from.port }).toEqual(client.relayedAddress);
          expect(client.counters["send-indications-sent"]).toBe(1);

          // peer -> Data indication.
          const got2 = nextData(client);
          peer.socket.send(
            text.encode("data-ind"),
            client.relayedAddress.port,
            client.relayedAddress.address,
          );
          const d2 = await got2;
          expect(utf8.decode(d2.data)).toBe("data-ind");
          expect(d2.peer).toEqual(peer.addr);
          expect(client.counters["data-indications-received"]).toBe(1);

          // ChannelBind, then ChannelData both ways (odd lengths: padded on TCP/TLS).
          const channel = await client.bindChannel(peer.addr);
          expect(channel).toBe(0x4000);
          const got3 = nextMessage(peer.socket);
          client.sendTo(peer.addr, text.encode("chan-data"));
          expect(utf8.decode((await got3).data)).toBe("chan-data");
          expect(client.counters["channel-data-sent"]).toBe(1);

          const got4 = nextData(client);
          peer.socket.send(text.encode("back!"), client.relayedAddress.port, client.relayedAddress.address);
          const d4 = await got4;
          expect(utf8.decode(d4.data)).toBe("back!");
          expect(d4.peer).toEqual(peer.addr);
          expect(client.counters["channel-data-received"]).toBe(1);

          const lifetime = await client.refresh();
          expect(lifetime).toBeGreaterThan(0);
          expect(client.counters.refreshes).toBe(1);
          expect(client.counters["stun-bad-integrity"]).toBe(0);
          expect(client.counters.malformed).toBe(0);
          const closed = new Promise<boolean>((resolve) => client.once("closed", resolve));
          await client.close();
          // The Refresh with LIFETIME 0 was answered, not abandoned after its timeout.
          expect(await closed).toBe(true);
          expect(client.allocation.state).toBe("closed");
        } finally {
          await client.close();
          peer.socket.close();
        }
      }),
    TIMEOUT_MS,
  );

  it(
    "rejects a wrong password with a typed unauthorized error",
    () =>
      withCoturnLog(async () => {
        await useCoturn(); // without turnserver, fail here with the install command
        const err = await connect("not-the-password").then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(TurnError);
        expect((err as TurnError).code).toBe("unauthorized");
        expect((err as TurnError).stunCode).toBe(401);
      }),
    TIMEOUT_MS,
  );
});

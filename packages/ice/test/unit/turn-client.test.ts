/**
 * The node adapter's failure paths, against stand-in servers on 127.0.0.1: nothing listening, a
 * silent UDP server, a TCP server that breaks the framing or hangs up.
 */
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { TurnError } from "../../src/machine/turn-error.js";
import { connectTurn } from "../../src/node/connect-turn.js";

async function failure(p: Promise<unknown>): Promise<TurnError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof TurnError)) throw new Error(`expected a TurnError, got ${String(e)}`);
  return e;
}

async function tcpServer(onSocket: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onSocket);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const a = server.address();
  return { server, port: typeof a === "object" && a !== null ? a.port : 0 };
}

const creds = { username: "u", credential: "p" } as const;

describe("connectTurn failure paths", () => {
  it("rejects with server-unreachable when nothing listens on the TCP port", async () => {
    const { server, port } = await tcpServer(() => undefined);
    server.close();
    await once(server, "close");
    const e = await failure(connectTurn({ server: { host: "127.0.0.1", port }, transport: "tcp", ...creds }));
    expect(e.code).toBe("server-unreachable");
  });

  it("rejects with server-unreachable when a UDP server never answers (Allocate retransmissions run out)", async () => {
    const silent = createSocket("udp4");
    silent.bind(0, "127.0.0.1");
    await once(silent, "listening");
    let received = 0;
    silent.on("message", () => received++);
    const e = await failure(
      connectTurn({ server: { host: "127.0.0.1", port: silent.address().port }, rtoMs: 5, ...creds }),
    );
    silent.close();
    expect(e.code).toBe("server-unreachable");
    expect(received).toBe(7);
  });

  it("fails with connection-closed when the TCP stream loses its framing", async () => {
    const { server, port } = await tcpServer((s) => s.write(Uint8Array.of(0xff, 0xff, 0xff, 0xff)));
    const e = await failure(connectTurn({ server: { host: "127.0.0.1", port }, transport: "tcp", ...creds }));
    server.close();
    expect(e.code).toBe("connection-closed");
    expect(e.message).toMatch(/framing lost: not-turn at 0/);
  });

  it("fails with connection-closed when the server hangs up", async () => {
    const { server, port } = await tcpServer((s) => s.end());
    const e = await failure(connectTurn({ server: { host: "127.0.0.1", port }, transport: "tcp", ...creds }));
    server.close();
    expect(e.code).toBe("connection-closed");
  });
});

/**
 * Reaching a TURN server (RFC 8656 §7): the server's name resolved, a UDP socket bound or a TCP / TLS
 * (TURNS) connection opened, and a TurnClient allocating a relayed address over it.
 */
import { createSocket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { isIP, type Socket as TcpSocket, connect as tcpConnect } from "node:net";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import type { Logger } from "pino";
import type { TurnAllocationConfig } from "../machine/turn-allocation-config.js";
import { TurnError } from "../machine/turn-error.js";
import type { TransportAddr } from "../wire/transport-address.js";
import { secureRandom } from "./secure-random.js";
import { TurnClient } from "./turn-client.js";

export interface ConnectTurnOptions
  extends Pick<
    TurnAllocationConfig,
    | "lifetimeSec"
    | "rtoMs"
    | "maxPermissions"
    | "maxChannels"
    | "maxQueuedPerPeer"
    | "channelBinding"
    | "permissionRefreshSec"
    | "channelRefreshSec"
    | "software"
  > {
  /** The TURN server: a hostname (resolved with dns.lookup) or an IP literal. */
  readonly server: { readonly host: string; readonly port: number };
  /** Default "udp". "tls" is TURNS: TLS over TCP. */
  readonly transport?: "udp" | "tcp" | "tls";
  readonly username: string;
  readonly credential: string;
  /** A pino logger; silent by default. */
  readonly logger?: Logger;
  /** TLS options for "tls": a CA for a test server, rejectUnauthorized, the SNI name. */
  readonly tls?: Pick<ConnectionOptions, "ca" | "rejectUnauthorized" | "servername">;
  /** Local IP to bind (UDP) or connect from (TCP/TLS); default the wildcard of the server's family. */
  readonly localAddress?: string;
  /** How long the TCP/TLS connection may take; default 10 000 ms. (UDP: the Allocate's own 39.5 s timeout.) */
  readonly connectTimeoutMs?: number;
}

/**
 * Connects to a TURN server and allocates a relayed UDP address (RFC 8656 §7) with long-term
 * credentials. Rejects with a TurnError ("unauthorized", "server-unreachable", "allocation-quota", …).
 */
export async function connectTurn(opts: ConnectTurnOptions): Promise<TurnClient> {
  const transport = opts.transport ?? "udp";
  const host = opts.server.host.replace(/^\[(.*)\]$/, "$1");
  let address = host;
  if (isIP(host) === 0) {
    try {
      address = (await lookup(host)).address;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new TurnError("server-unreachable", `cannot resolve ${host}: ${message}`, { cause: err });
    }
  }
  const server: TransportAddr = { address, port: opts.server.port };
  const client = new TurnClient(
    {
      server,
      username: opts.username,
      password: opts.credential,
      random: secureRandom,
      transport,
      lifetimeSec: opts.lifetimeSec,
      rtoMs: opts.rtoMs,
      maxPermissions: opts.maxPermissions,
      maxChannels: opts.maxChannels,
      maxQueuedPerPeer: opts.maxQueuedPerPeer,
      channelBinding: opts.channelBinding,
      permissionRefreshSec: opts.permissionRefreshSec,
      channelRefreshSec: opts.channelRefreshSec,
      software: opts.software,
    },
    opts.logger,
  );
  const v6 = isIP(address) === 6;
  if (transport === "udp") {
    const socket = createSocket(v6 ? "udp6" : "udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, opts.localAddress ?? (v6 ? "::" : "0.0.0.0"), () => {
        socket.off("error", reject);
        resolve();
      });
    });
    client.attachUdp(socket);
  } else {
    const socket = await openStream(transport, server, host, opts);
    client.attachStream(socket);
  }
  try {
    await client.start();
  } catch (err) {
    await client.close();
    throw err;
  }
  return client;
}

function openStream(
  transport: "tcp" | "tls",
  server: TransportAddr,
  host: string,
  opts: ConnectTurnOptions,
): Promise<TcpSocket> {
  return new Promise((resolve, reject) => {
    const common = { host: server.address, port: server.port, localAddress: opts.localAddress };
    const socket =
      transport === "tcp"
        ? tcpConnect(common)
        : tlsConnect({
            ...common,
            servername: opts.tls?.servername ?? (isIP(host) === 0 ? host : undefined),
            ca: opts.tls?.ca,
            rejectUnauthorized: opts.tls?.rejectUnauthorized ?? true,
            ALPNProtocols: ["stun.turn"],
          });
    const timer = setTimeout(() => fail(new Error("connect timed out")), opts.connectTimeoutMs ?? 10_000);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(
        new TurnError(
          "server-unreachable",
          `${transport} connect to ${server.address}:${server.port}: ${err.message}`,
          { cause: err },
        ),
      );
    };
    socket.once("error", fail);
    socket.once(transport === "tcp" ? "connect" : "secureConnect", () => {
      clearTimeout(timer);
      socket.off("error", fail);
      resolve(socket);
    });
  });
}

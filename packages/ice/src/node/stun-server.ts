/**
 * node:dgram adapter for the sans-IO StunBindingServer: one UDP socket, every datagram through one
 * guard, responses drained after each. Silent unless given a pino logger.
 */
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import type { Logger } from "pino";
import {
  StunBindingServer,
  type StunBindingServerConfig,
  type StunBindingServerCounter,
} from "../machine/stun-binding-server.js";
import { ipFamily } from "../wire/ip-address.js";
import type { TransportAddr } from "../wire/transport-address.js";
import { silentLogger } from "./silent-logger.js";

export interface StunServerOptions extends StunBindingServerConfig {
  /** Default 3478 (RFC 8489 §18.7); 0 picks a free port. */
  readonly port?: number;
  /** Default "0.0.0.0"; an IPv6 literal binds a udp6 socket. */
  readonly host?: string;
  readonly logger?: Logger;
}

export type StunServerCounters = Readonly<Record<StunBindingServerCounter | "internal-error", number>>;

export interface RunningStunServer {
  readonly address: TransportAddr;
  close(): Promise<void>;
  /** Live view of the machine's counters plus adapter bugs caught by the guard. */
  readonly counters: StunServerCounters;
}

export function startStunServer(opts: StunServerOptions = {}): Promise<RunningStunServer> {
  const host = opts.host ?? "0.0.0.0";
  const log = opts.logger ?? silentLogger();
  const machine = new StunBindingServer(opts);
  const adapterCounters = { "internal-error": 0 };
  const udp6 = ipFamily(host) === 6;
  const socket: Socket = createSocket({ type: udp6 ? "udp6" : "udp4" });
  // A dual-stack udp6 socket reports IPv4 peers as ::ffff:a.b.c.d: the machine sees (and maps) the IPv4
  // address the client actually has; the socket gets the mapped form back.
  const toMachine = (a: string): string =>
    a.startsWith("::ffff:") && ipFamily(a.slice(7)) === 4 ? a.slice(7) : a;
  const toSocket = (a: string): string => (udp6 && ipFamily(a) === 4 ? `::ffff:${a}` : a);

  const onMessage = (data: Buffer, rinfo: RemoteInfo): void => {
    try {
      const from: TransportAddr = { address: toMachine(rinfo.address), port: rinfo.port };
      machine.handleDatagram(
        performance.now(),
        from,
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      );
      for (let t = machine.pollTransmit(); t !== undefined; t = machine.pollTransmit()) {
        socket.send(t.data, t.to.port, toSocket(t.to.address), (err) => {
          if (err) log.debug({ err, to: t.to }, "stun send failed");
        });
      }
    } catch (err) {
      // Our bug: the machine never throws on input. Count, report, keep serving other clients.
      adapterCounters["internal-error"]++;
      log.error({ err, from: rinfo }, "stun server internal error");
    }
  };

  return new Promise((resolve, reject) => {
    const onBindError = (err: Error): void => {
      socket.close();
      reject(err);
    };
    socket.once("error", onBindError);
    socket.bind(opts.port ?? 3478, host, () => {
      socket.off("error", onBindError);
      socket.on("error", (err) => log.warn({ err }, "stun socket error"));
      socket.on("message", onMessage);
      const a = socket.address();
      const address: TransportAddr = { address: a.address, port: a.port };
      log.info({ address }, "stun server listening");
      let closed: Promise<void> | undefined;
      const counters = liveCounters(machine.counters, adapterCounters);
      resolve({
        address,
        counters,
        close: () => {
          closed ??= new Promise<void>((done) => {
            socket.close(() => {
              log.info(
                { address, counters: { ...machine.counters, ...adapterCounters } },
                "stun server closed",
              );
              done();
            });
          });
          return closed;
        },
      });
    });
  });
}

/** A read-only object whose properties read the machine's and the adapter's counters when accessed. */
function liveCounters(
  machine: Readonly<Record<StunBindingServerCounter, number>>,
  adapter: Readonly<Record<"internal-error", number>>,
): StunServerCounters {
  const view = {};
  for (const source of [machine, adapter] as const) {
    for (const key of Object.keys(source)) {
      Object.defineProperty(view, key, {
        enumerable: true,
        get: () => (source as Readonly<Record<string, number>>)[key],
      });
    }
  }
  return view as StunServerCounters;
}

import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { addrKey } from "../machine/check-list.js";
import { parseIceServerUrl } from "../wire/ice-server-url.js";
import type { TransportAddr } from "../wire/transport-address.js";

/** One entry of `iceServers`, as in the browser's RTCConfiguration. */
export interface IceServer {
  /** `stun:host:port`, `turn:host:port?transport=udp|tcp`, `turns:host:port` (RFC 7064/7065). */
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

/** A TURN server to allocate on. */
export interface TurnServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly transport: "udp" | "tcp" | "tls";
  readonly server: IceServer;
}

/** A STUN server, resolved. */
export interface StunServer {
  readonly url: string;
  readonly address: TransportAddr;
}

/**
 * The `iceServers` of a configuration as the transport uses them (RFC 7064/7065 URLs): STUN servers with
 * their addresses resolved (none under the "relay" policy, none for `stuns:`), TURN servers to allocate
 * on. What cannot be used — a bad URL, TURN over DTLS, a host that does not resolve — goes to `onError`.
 */
export async function resolveIceServers(
  servers: readonly IceServer[],
  relayOnly: boolean,
  onError: (url: string, error: Error) => void,
): Promise<{ stun: StunServer[]; turn: TurnServer[] }> {
  const stun: StunServer[] = [];
  const turn: TurnServer[] = [];
  for (const server of servers) {
    for (const url of typeof server.urls === "string" ? [server.urls] : server.urls) {
      const parsed = parseIceServerUrl(url);
      if (!parsed.ok) {
        onError(url, new Error(`bad ICE server URL (${parsed.error.code})`));
        continue;
      }
      const u = parsed.value;
      if (u.scheme === "turn" || u.scheme === "turns") {
        if (u.transport === "dtls") {
          onError(url, new Error("TURN over DTLS is not supported"));
          continue;
        }
        turn.push({
          url,
          host: u.host,
          port: u.port,
          transport: u.scheme === "turns" ? "tls" : u.transport,
          server,
        });
      } else if (!relayOnly && !u.secure) {
        const address = await resolveHost(u.host);
        if (address) stun.push({ url, address: { address, port: u.port } });
        else onError(url, new Error(`cannot resolve ${u.host}`));
      }
    }
  }
  return { stun, turn };
}

async function resolveHost(host: string): Promise<string | undefined> {
  if (isIP(host)) return host;
  try {
    return (await lookup(host)).address;
  } catch {
    return undefined;
  }
}

/**
 * Which STUN servers answered: the adapter sees every datagram its sockets send and receive. A server
 * that was sent Binding requests and never sent anything back when server-reflexive gathering is over is
 * unreachable (webrtc-pc §4.8.2: an icecandidateerror with code 701).
 */
export class StunServerWatch {
  private readonly servers = new Map<string, { url: string; sentFrom?: TransportAddr; heard: boolean }>();

  constructor(servers: readonly StunServer[]) {
    for (const s of servers) this.servers.set(addrKey(s.address), { url: s.url, heard: false });
  }

  sent(from: TransportAddr, to: TransportAddr): void {
    const s = this.servers.get(addrKey(to));
    if (s && !s.sentFrom) s.sentFrom = from;
  }

  heard(from: TransportAddr): void {
    const s = this.servers.get(addrKey(from));
    if (s) s.heard = true;
  }

  /** Servers asked and silent, once each (the watch forgets them). */
  takeUnanswered(): { url: string; from: TransportAddr }[] {
    const out: { url: string; from: TransportAddr }[] = [];
    for (const [key, s] of this.servers) {
      if (!s.sentFrom || s.heard) continue;
      out.push({ url: s.url, from: s.sentFrom });
      this.servers.delete(key);
    }
    return out;
  }
}

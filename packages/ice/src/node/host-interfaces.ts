import { type NetworkInterfaceInfo, networkInterfaces as osNetworkInterfaces } from "node:os";
import { encodeIpAddress } from "../wire/ip-address.js";

/**
 * The host's own addresses, for gathering host candidates (RFC 8445 §5.1.1.1). By default:
 * IPv4 and IPv6, no loopback, no IPv6 link-local (fe80::/10 — usable only with a zone index, which
 * a candidate cannot carry), each address once.
 */
export interface HostAddress {
  readonly iface: string;
  readonly address: string;
  readonly family: 4 | 6;
}

export type NetworkInterfacesTable = Readonly<Record<string, readonly NetworkInterfaceInfo[] | undefined>>;

export interface ListHostAddressesOptions {
  /** Default true. */
  readonly ipv4?: boolean;
  /** Default true. */
  readonly ipv6?: boolean;
  /** 127.0.0.0/8, ::1 and interfaces the OS marks internal. Default false. */
  readonly includeLoopback?: boolean;
  /** IPv6 fe80::/10. Default false (RFC 8445 §5.1.1.1: link-local addresses need care). */
  readonly includeLinkLocal?: boolean;
  /** Keep only addresses this returns true for (after the other filters). */
  readonly filter?: (iface: string, address: string) => boolean;
  /** The interfaces table; default `os.networkInterfaces` (injectable for tests). */
  readonly networkInterfaces?: () => NetworkInterfacesTable;
}

/** The same options under the name the transport adapter uses. */
export type HostAddressOptions = ListHostAddressesOptions;

function familyOf(info: NetworkInterfaceInfo): 4 | 6 | undefined {
  // Node 18.0–18.3 reported the family as a number.
  const f: unknown = info.family;
  if (f === "IPv4" || f === 4) return 4;
  if (f === "IPv6" || f === 6) return 6;
  return undefined;
}

function isLoopback(bytes: Uint8Array): boolean {
  if (bytes.length === 4) return bytes[0] === 127;
  return bytes.every((b, i) => b === (i === 15 ? 1 : 0));
}

function isIpv6LinkLocal(bytes: Uint8Array): boolean {
  return bytes.length === 16 && bytes[0] === 0xfe && ((bytes[1] ?? 0) & 0xc0) === 0x80;
}

export function listHostAddresses(opts: ListHostAddressesOptions = {}): HostAddress[] {
  const table = (opts.networkInterfaces ?? osNetworkInterfaces)();
  const out: HostAddress[] = [];
  const seen = new Set<string>();
  for (const [iface, infos] of Object.entries(table)) {
    for (const info of infos ?? []) {
      const family = familyOf(info);
      if (family === undefined) continue;
      if (family === 4 && opts.ipv4 === false) continue;
      if (family === 6 && opts.ipv6 === false) continue;
      const bytes = encodeIpAddress(info.address);
      if (bytes === undefined || bytes.length !== (family === 4 ? 4 : 16)) continue;
      if (opts.includeLoopback !== true && (info.internal || isLoopback(bytes))) continue;
      if (opts.includeLinkLocal !== true && isIpv6LinkLocal(bytes)) continue;
      if (opts.filter !== undefined && !opts.filter(iface, info.address)) continue;
      const key = Array.from(bytes).join(".");
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ iface, address: info.address, family });
    }
  }
  return out;
}

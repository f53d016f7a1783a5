import type { Candidate } from "../wire/candidate.js";
import { ipFamily } from "../wire/ip-address.js";
import type { TransportAddr } from "../wire/transport-address.js";
import { candidatePriority } from "./candidate-priority.js";
import { addrKey, type LocalCandidate } from "./check-list.js";

/**
 * Our bases (RFC 8445 §5.1.1): host sockets and relayed allocations, with their candidates, local
 * preferences and foundations. They outlive a generation of credentials: an ICE restart gathers again from
 * the same sockets and allocations.
 */
export class LocalBases {
  private readonly byKey = new Map<string, LocalCandidate>();
  private readonly foundations = new Map<string, string>();
  private index = 0;

  get(addr: TransportAddr): LocalCandidate | undefined {
    return this.byKey.get(addrKey(addr));
  }

  all(): LocalCandidate[] {
    return [...this.byKey.values()];
  }

  /** The host candidate of a bound socket (made once per address). */
  host(base: TransportAddr): LocalCandidate {
    const k = addrKey(base);
    const existing = this.byKey.get(k);
    if (existing) return existing;
    // RFC 8445 §5.1.2.1: distinct local preferences per base, IPv6 before IPv4 (RFC 8421 §4 simplified).
    const localPref = Math.max(0, (ipFamily(base.address) === 6 ? 65535 : 32767) - this.index++);
    const candidate: Candidate = {
      foundation: this.foundation("host", base.address, ""),
      component: 1,
      transport: "udp",
      priority: candidatePriority("host", localPref),
      address: base.address,
      port: base.port,
      type: "host",
      extensions: [],
    };
    const local = { candidate, base };
    this.byKey.set(k, local);
    return local;
  }

  /** A relayed candidate (RFC 8656): its base is the relayed address itself; `mapped` is its related address. */
  relay(relayed: TransportAddr, mapped: TransportAddr): LocalCandidate {
    const candidate: Candidate = {
      foundation: this.foundation("relay", relayed.address, mapped.address),
      component: 1,
      transport: "udp",
      priority: candidatePriority("relay", 65535 - this.index++),
      address: relayed.address,
      port: relayed.port,
      type: "relay",
      relatedAddress: mapped.address,
      relatedPort: mapped.port,
      extensions: [],
    };
    const local = { candidate, base: relayed };
    this.byKey.set(addrKey(relayed), local);
    return local;
  }

  /** RFC 8445 §5.1.1.3: same type, base IP, server IP and transport → same foundation. */
  foundation(type: string, baseIp: string, serverIp: string): string {
    const k = `${type}|${baseIp}|${serverIp}|udp`;
    let f = this.foundations.get(k);
    if (!f) {
      f = String(this.foundations.size + 1);
      this.foundations.set(k, f);
    }
    return f;
  }
}

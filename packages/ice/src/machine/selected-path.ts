import type { TransportAddr } from "../wire/transport-address.js";
import { addrKey, type CandidatePair } from "./check-list.js";
import type { SelectedPair } from "./ice-types.js";

/**
 * The selected candidate pair (RFC 8445 §8.1.1, the nominated pair data goes on), with the path a socket
 * adapter writes to — its base as an address key and the remote address — made once when selected, so
 * that the media path neither builds keys nor allocates.
 */
export class SelectedPath {
  pair: CandidatePair | undefined;
  path: { readonly baseKey: string; readonly to: TransportAddr } | undefined;

  /** False when `pair` was already the selected one. */
  select(pair: CandidatePair): boolean {
    if (this.pair === pair) return false;
    this.pair = pair;
    this.path = {
      baseKey: addrKey(pair.local.base),
      to: { address: pair.remote.address, port: pair.remote.port },
    };
    return true;
  }

  clear(): void {
    this.pair = undefined;
    this.path = undefined;
  }

  /** Whether a datagram from `remote` on `local` came over the selected pair (no key built). */
  carries(local: TransportAddr, remote: TransportAddr): boolean {
    const p = this.pair;
    return (
      p !== undefined &&
      p.remote.port === remote.port &&
      p.remote.address === remote.address &&
      p.local.base.port === local.port &&
      p.local.base.address === local.address
    );
  }

  /** The public view: the local candidate as the peer sees it (its mapped one when learned). */
  info(): SelectedPair | undefined {
    const p = this.pair;
    return p
      ? { local: p.mappedLocal ?? p.local.candidate, remote: p.remote, base: p.local.base }
      : undefined;
  }
}

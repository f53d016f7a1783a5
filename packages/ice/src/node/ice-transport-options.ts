import type { Logger } from "pino";
import type { IceAgentConfig } from "../machine/ice-agent-config.js";
import type { IceError } from "../machine/ice-error.js";
import type { IceConnectionState, IceGatheringState, IceRole, SelectedPair } from "../machine/ice-types.js";
import type { TurnError } from "../machine/turn-error.js";
import type { Candidate } from "../wire/candidate.js";
import type { TransportAddr } from "../wire/transport-address.js";
import type { ConnectTurnOptions } from "./connect-turn.js";
import type { HostAddressOptions } from "./host-interfaces.js";
import type { IceServer } from "./ice-servers.js";
import type { MdnsResolver } from "./mdns-resolver.js";

export interface IceTransportOptions extends Omit<IceAgentConfig, "random"> {
  /** STUN and TURN servers, browser-style. STUN entries add to `stunServers`. */
  readonly iceServers?: readonly IceServer[];
  /** "relay": only relayed candidates (no host, no server-reflexive). Default "all". */
  readonly iceTransportPolicy?: "all" | "relay";
  /** TLS options for `turns:` servers (a test CA, SNI). */
  readonly turnTls?: ConnectTurnOptions["tls"];
  /** Addresses to bind (port 0 each). Default: every interface from `listHostAddresses(interfaces)`. */
  readonly addresses?: readonly string[];
  /** Which interfaces to gather from when `addresses` is not given. */
  readonly interfaces?: HostAddressOptions;
  /** A pino logger; silent by default. */
  readonly logger?: Logger;
  /** Resolve remote `<uuid>.local` candidates with mDNS (default true); or an existing resolver. */
  readonly mdns?: boolean | MdnsResolver;
  /** How long one mDNS name may take before the candidate is dropped. Default 3000 ms. */
  readonly mdnsTimeoutMs?: number;
  /**
   * The media path's sink: each non-STUN datagram from the peer (DTLS, RTP/RTCP) is handed here, a view
   * valid during the call, instead of being emitted as a `data` event (no Buffer or emit per datagram).
   */
  readonly onData?: (data: Uint8Array, from: TransportAddr) => void;
}

export interface IceTransportEvents {
  /** A local candidate to signal (trickle); `null` when gathering is complete (end-of-candidates). */
  candidate: [candidate: Candidate | null];
  gatheringstatechange: [state: IceGatheringState];
  connectionstatechange: [state: IceConnectionState];
  selectedpair: [pair: SelectedPair];
  rolechange: [role: IceRole];
  /** A non-STUN datagram from the peer (DTLS, RTP/RTCP). */
  data: [data: Buffer, from: TransportAddr];
  /** ICE failed (all pairs failed, consent lost, timeout). */
  failed: [error: IceError];
  /**
   * A STUN/TURN server could not be used (bad URL, wrong credentials, unreachable: a STUN server that never
   * answered `from` this local address); gathering goes on.
   */
  icecandidateerror: [
    error: { readonly url: string; readonly error: TurnError | Error; readonly from?: TransportAddr },
  ];
  /** An internal error (a bug in Tern): the transport has closed itself. Only emitted when listened to. */
  error: [error: Error];
}

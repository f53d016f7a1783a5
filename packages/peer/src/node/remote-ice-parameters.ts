import type { Candidate, IceCredentials, IceTransport } from "@tern/ice";
import type { RemoteTransport } from "../sdp/index.js";

/**
 * What the remote descriptions said about ICE (RFC 8839 a=ice-ufrag, a=ice-pwd, a=ice-lite, candidates;
 * RFC 8838 a=end-of-candidates): handed to the ICE transport when it runs, kept until it starts otherwise.
 * A new ufrag is an ICE restart (RFC 8445 §9): candidates kept for the previous one are forgotten.
 */
export class RemoteIceParameters {
  /** The remote ICE parameters while no ICE transport runs yet. */
  private remote: { credentials: IceCredentials; iceLite: boolean } | undefined;
  private readonly candidates: Candidate[] = [];
  private ended = false;

  /** The remote side's current ICE ufrag, once a remote description gave one. */
  get ufrag(): string | undefined {
    return this.remote?.credentials.ufrag;
  }
  get iceLite(): boolean {
    return this.remote?.iceLite ?? false;
  }

  /** A remote description's transport: to `ice` if it runs, else kept. */
  set(t: RemoteTransport, ice: IceTransport | undefined): void {
    const credentials = { ufrag: t.iceUfrag, pwd: t.icePwd };
    const restarted = this.remote !== undefined && this.remote.credentials.ufrag !== t.iceUfrag;
    this.remote = { credentials, iceLite: t.iceLite };
    if (restarted) {
      this.candidates.length = 0;
      this.ended = false;
    }
    ice?.setRemoteCredentials(credentials);
    for (const c of t.candidates) this.addCandidate(c, ice);
    if (t.endOfCandidates) this.end(ice);
  }

  addCandidate(c: Candidate, ice: IceTransport | undefined): void {
    if (ice) void ice.addRemoteCandidate(c);
    else if (this.candidates.length < 256) this.candidates.push(c);
  }

  end(ice: IceTransport | undefined): void {
    if (ice) ice.endOfRemoteCandidates();
    else this.ended = true;
  }

  /** The ICE transport starts: what was kept goes to it. */
  applyTo(ice: IceTransport): void {
    if (this.remote) ice.setRemoteCredentials(this.remote.credentials);
    for (const c of this.candidates.splice(0)) void ice.addRemoteCandidate(c);
    if (this.ended) ice.endOfRemoteCandidates();
  }
}

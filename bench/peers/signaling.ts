/**
 * In-process signaling for the bench pairs, the same for every stack: trickle (each candidate goes to the
 * other peer the moment it is gathered, held back only until that peer has a remote description), and
 * only UDP IPv4 host candidates on 127.0.0.1 are signaled, whatever else a stack gathers.
 */

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/** Holds candidates for a peer until it has a remote description, then passes them on in order. */
export class CandidateGate<C> {
  private held: C[] | undefined = [];
  constructor(private readonly deliver: (c: C) => void) {}
  push(c: C): void {
    if (this.held) this.held.push(c);
    else this.deliver(c);
  }
  open(): void {
    const h = this.held ?? [];
    this.held = undefined;
    for (const c of h) this.deliver(c);
  }
}

/** What a stack gathered, by "type/protocol/family" ("host/udp/4", "srflx/udp/4", "host/tcp/6"…). */
export class GatheredCandidates {
  readonly byKind: Record<string, number> = {};
  signaled = 0;

  /** Counts an SDP candidate line ("candidate:…" or "a=candidate:…"); true when it is to be signaled. */
  add(line: string): boolean {
    const f = line.replace(/^a=/, "").split(" ");
    const protocol = (f[2] ?? "?").toLowerCase();
    const address = f[4] ?? "";
    const type = f[7] ?? "?";
    const family = address.includes(":") ? 6 : address.endsWith(".local") ? "mdns" : 4;
    const key = `${type}/${protocol}/${family}`;
    this.byKind[key] = (this.byKind[key] ?? 0) + 1;
    const signaled = type === "host" && protocol === "udp" && address === "127.0.0.1";
    if (signaled) this.signaled++;
    return signaled;
  }

  /** Summary for a result's config ("host/udp/4 ×3, srflx/udp/4 ×1; signaled 1"). */
  summary(): string {
    const kinds = Object.entries(this.byKind)
      .sort()
      .map(([k, n]) => `${k} ×${n}`)
      .join(", ");
    return `${kinds || "none"}; signaled ${this.signaled}`;
  }
}

/** Whether an SDP has one BUNDLE group holding every m= section. */
export function bundlesEverything(sdp: string): boolean {
  const group = /^a=group:BUNDLE (.*)$/m.exec(sdp)?.[1]?.trim().split(/\s+/) ?? [];
  const sections = sdp.split(/^m=/m).length - 1;
  return sections > 0 && group.length === sections;
}

/** The a=rtpmap payload type of `codec` (e.g. "VP8/90000") in an SDP. */
export function payloadTypeOf(sdp: string, codec: string): number | undefined {
  const m = new RegExp(`^a=rtpmap:(\\d+) ${codec.replace("/", "\\/")}`, "mi").exec(sdp);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/**
 * A UDP proxy between two peers on loopback, for the soak tier: each peer is told the other's candidate
 * is one of the proxy's sockets, so every datagram passes through it, where a seeded share is dropped.
 * It also keeps a few real datagrams of each kind (for the flood's replays from another address).
 *
 * ```
 * A (pA) <-> [ Y ... X ] <-> B (pB)     A's candidate, as B sees it: X;  B's, as A sees it: Y
 * ```
 */
import { createSocket, type Socket } from "node:dgram";

export interface LossyProxyStats {
  forwarded: number;
  dropped: number;
}

export class LossyProxy {
  readonly stats: LossyProxyStats = { forwarded: 0, dropped: 0 };
  /** Real datagrams B sent to A, by first octet class (STUN 0-3, DTLS 20-63, RTP/RTCP 128-191). */
  readonly capturedToA: { stun: Buffer[]; dtls: Buffer[]; rtp: Buffer[] } = { stun: [], dtls: [], rtp: [] };
  lossRate: number;
  private seed: number;
  private a: { address: string; port: number } | undefined;
  private b: { address: string; port: number } | undefined;

  private constructor(
    private readonly x: Socket,
    private readonly y: Socket,
    lossRate: number,
    seed: number,
  ) {
    this.lossRate = lossRate;
    this.seed = seed >>> 0;
    x.on("message", (d) => this.forward(d, this.y, this.a, true));
    y.on("message", (d) => this.forward(d, this.x, this.b, false));
  }

  static async start(lossRate: number, seed = 1): Promise<LossyProxy> {
    const bind = (): Promise<Socket> =>
      new Promise((resolve) => {
        const s = createSocket("udp4");
        s.bind(0, "127.0.0.1", () => resolve(s));
      });
    return new LossyProxy(await bind(), await bind(), lossRate, seed);
  }

  get portX(): number {
    return this.x.address().port;
  }
  get portY(): number {
    return this.y.address().port;
  }

  /** A candidate or SDP of A's, rewritten to point at X (learning A's real port on the way). */
  rewriteFromA(text: string): string {
    return text.replace(/127\.0\.0\.1 (\d+) typ host/g, (_, port: string) => {
      this.a = { address: "127.0.0.1", port: Number(port) };
      return `127.0.0.1 ${this.portX} typ host`;
    });
  }

  rewriteFromB(text: string): string {
    return text.replace(/127\.0\.0\.1 (\d+) typ host/g, (_, port: string) => {
      this.b = { address: "127.0.0.1", port: Number(port) };
      return `127.0.0.1 ${this.portY} typ host`;
    });
  }

  /** A's real address (the flood's target). */
  get addressOfA(): { address: string; port: number } | undefined {
    return this.a;
  }

  close(): void {
    this.x.close();
    this.y.close();
  }

  private forward(
    d: Buffer,
    out: Socket,
    to: { address: string; port: number } | undefined,
    towardA: boolean,
  ): void {
    if (!to) return;
    if (towardA) this.capture(d);
    if (this.random() < this.lossRate) {
      this.stats.dropped++;
      return;
    }
    this.stats.forwarded++;
    out.send(d, to.port, to.address);
  }

  private capture(d: Buffer): void {
    const first = d[0] ?? 0;
    const list =
      first <= 3
        ? this.capturedToA.stun
        : first >= 20 && first <= 63
          ? this.capturedToA.dtls
          : this.capturedToA.rtp;
    if (list.length < 64) list.push(Buffer.from(d));
  }

  /** mulberry32: same seed, same losses. */
  private random(): number {
    this.seed = (this.seed + 0x6d2b79f5) >>> 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/**
 * A real bottleneck for the browser suite: a second network namespace (`tern-bn-<pid>`) joined to the
 * suite's private one (netns-run.sh) by a veth pair — bn0 198.19.0.1/24 on the suite's side (the browser
 * gathers there), bn1 198.19.0.2/24 inside (the Tern peer process runs there) — with `tc tbf` on each
 * end's egress: a rate and a queue of `queueMs` at that rate (tbf's `latency`), dropped at the tail past
 * it. This kernel has no sch_netem; tbf is what shapes. While the link exists the suite namespace's default
 * route goes through bn0 (Firefox gathers only on the default-route interface), and is put back after.
 * Only made inside netns-run.sh's namespace (TERN_NETNS=1): nothing here touches the machine's own network
 * namespace.
 */
import { execFileSync } from "node:child_process";

export const BROWSER_ADDRESS = "198.19.0.1";
export const TERN_ADDRESS = "198.19.0.2";

export interface QdiscStats {
  readonly bytes: number;
  readonly packets: number;
  readonly drops: number;
  readonly overlimits: number;
  readonly backlog: number;
}

export interface BottleneckLink {
  /** the inner namespace's name (`ip netns exec <ns> …`) */
  readonly ns: string;
  /** (re)applies tbf both ways: `kbit` per second, a queue of `queueMs` */
  shape(kbit: number, queueMs: number): void;
  /** the qdiscs' counters: toward the browser (bn1's egress) and toward Tern (bn0's egress) */
  stats(): { readonly toBrowser: QdiscStats; readonly toTern: QdiscStats };
  destroy(): void;
}

function run(args: readonly string[]): string {
  return execFileSync(args[0] as string, args.slice(1), {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function qdisc(prefix: readonly string[], dev: string): QdiscStats {
  const j = JSON.parse(
    run([...prefix, "tc", "-s", "-j", "qdisc", "show", "dev", dev]),
  ) as Partial<QdiscStats>[];
  const q = j[0] ?? {};
  return {
    bytes: q.bytes ?? 0,
    packets: q.packets ?? 0,
    drops: q.drops ?? 0,
    overlimits: q.overlimits ?? 0,
    backlog: q.backlog ?? 0,
  };
}

/** Fails (never skips) outside netns-run.sh's namespace or without root, saying how to run it. */
export function createBottleneckLink(): BottleneckLink {
  if (process.env.TERN_NETNS !== "1" || process.getuid?.() !== 0)
    throw new Error(
      "the bottleneck cells shape a veth pair with tc in a namespace of their own: run them as root through netns-run.sh (`pnpm test:browser`), which never lets them touch the machine's network",
    );
  const ns = `tern-bn-${process.pid}`;
  const inNs = ["ip", "netns", "exec", ns];
  const defaultRoute = run(["ip", "route", "show", "default"]).trim().split(/\s+/).filter(Boolean);
  run(["ip", "netns", "add", ns]);
  try {
    run(["ip", "link", "add", "bn0", "type", "veth", "peer", "name", "bn1", "netns", ns]);
    run(["ip", "addr", "add", `${BROWSER_ADDRESS}/24`, "dev", "bn0"]);
    run(["ip", "link", "set", "bn0", "up"]);
    run(["ip", "route", "replace", "default", "dev", "bn0"]);
    run([...inNs, "ip", "link", "set", "lo", "up"]);
    run([...inNs, "ip", "addr", "add", `${TERN_ADDRESS}/24`, "dev", "bn1"]);
    run([...inNs, "ip", "link", "set", "bn1", "up"]);
  } catch (err) {
    run(["ip", "netns", "del", ns]);
    throw err;
  }
  const restoreRoute = (): void => {
    if (defaultRoute.length > 0) run(["ip", "route", "replace", ...defaultRoute]);
  };
  return {
    ns,
    shape(kbit, queueMs) {
      // burst: two full-size packets (tbf needs at least one MTU to pass anything)
      const tbf = ["root", "tbf", "rate", `${kbit}kbit`, "burst", "3000", "latency", `${queueMs}ms`];
      run(["tc", "qdisc", "replace", "dev", "bn0", ...tbf]);
      run([...inNs, "tc", "qdisc", "replace", "dev", "bn1", ...tbf]);
    },
    stats() {
      return { toBrowser: qdisc(inNs, "bn1"), toTern: qdisc([], "bn0") };
    },
    destroy() {
      try {
        run(["ip", "link", "del", "bn0"]);
      } catch {
        // gone with the namespace already
      }
      run(["ip", "netns", "del", ns]);
      restoreRoute();
    },
  };
}

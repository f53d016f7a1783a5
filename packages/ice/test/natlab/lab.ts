/**
 * The NAT lab (natlab.sh, network namespaces tern-pub / tern-nat-a / tern-nat-b / tern-host-a /
 * tern-host-b) driven from TypeScript: prerequisites, up/down, NAT modes, impairment. Every call runs the
 * script synchronously and throws with its output when it fails.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const NATLAB_SH = fileURLToPath(new URL("./natlab.sh", import.meta.url));
/** The repository root (peers are started from there so `--import tsx` resolves). */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
/** Prefix of the lab's namespace names. */
export const NS_PREFIX = "tern-";

export type NatMode = "cone" | "fullcone" | "symmetric";
export type Router = "nat-a" | "nat-b";
export type LabHost = "host-a" | "host-b";

/** The LAN address of each host. */
export const HOST_ADDRESS: Readonly<Record<LabHost, string>> = { "host-a": "10.0.1.2", "host-b": "10.0.2.2" };

export const NOT_ROOT_MESSAGE =
  "The NAT tests need root: the lab creates network namespaces, veth links and netfilter rules " +
  "(CAP_NET_ADMIN/CAP_SYS_ADMIN) and runs coturn and the peers inside them. Run them as root, " +
  "e.g. `sudo pnpm test:nat`.";

function natlab(args: readonly string[], timeoutMs = 60_000): string {
  const r = spawnSync("bash", [NATLAB_SH, ...args], { encoding: "utf8", timeout: timeoutMs });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.error) throw new Error(`natlab.sh ${args.join(" ")}: ${r.error.message}\n${output}`);
  if (r.status !== 0) throw new Error(`natlab.sh ${args.join(" ")} failed (${String(r.status)}):\n${output}`);
  return output;
}

/**
 * Throws unless this process is root and every tool the lab uses is installed; the message says why root
 * is needed, or names the apt-get command that installs what is missing.
 */
export function requireLab(): void {
  if (typeof process.getuid === "function" && process.getuid() !== 0) throw new Error(NOT_ROOT_MESSAGE);
  const r = spawnSync("bash", [NATLAB_SH, "check"], { encoding: "utf8" });
  if (r.error) throw new Error(`The NAT lab cannot run: bash: ${r.error.message}`);
  if (r.status !== 0) {
    const why = `${r.stdout ?? ""}${r.stderr ?? ""}`.replace(/^\[natlab [^\]]*\] ERROR: /m, "").trim();
    throw new Error(`The NAT lab cannot run: ${why}`);
  }
}

/** Brings the lab up (tearing down what an earlier, crashed run left first). */
export function labUp(natA: NatMode = "cone", natB: NatMode = "cone"): string {
  return natlab(["up", "--nat-a", natA, "--nat-b", natB]);
}

export function labDown(): string {
  return natlab(["down"]);
}

/** Switches a router's NAT behaviour and flushes its conntrack mappings. */
export function setNatMode(router: Router, mode: NatMode): void {
  natlab(["nat", router, mode]);
}

/** Delay and loss on everything crossing `router`, each direction (NFQUEUE + nfq-delay.py: no netem). */
export function impair(router: Router, delayMs: number, lossPct: number): void {
  natlab(["impair", router, String(Math.round(delayMs)), String(Math.round(lossPct))]);
}

export function clearImpair(router: Router): string {
  return natlab(["clear-impair", router]);
}

/** The last lines of coturn's log, for failure messages. */
export function coturnLog(lines = 40): string {
  const r = spawnSync(
    "tail",
    [`-${lines}`, `${process.env.NATLAB_STATE ?? "/tmp/tern-natlab"}/turnserver.log`],
    {
      encoding: "utf8",
    },
  );
  return r.stdout ?? "";
}

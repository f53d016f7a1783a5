/**
 * The system programs the test suite talks to or runs, each with the Debian package that brings it: the
 * one list that `pnpm test` (scripts/test-suite.ts) and `.ci/run` install from. A test that needs a new
 * program adds a line here (see DEVELOPERS.md, "A test that needs a system peer").
 *
 *   node --import tsx scripts/system-peers.ts            lists what is missing and the command to install it
 *   node --import tsx scripts/system-peers.ts --install  installs what is missing (root with apt-get), or
 *                                                        stops at once with one message naming the command
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";

export interface SystemPeer {
  /** A command looked up on PATH, or an absolute path that must be executable. */
  readonly command: string;
  /** The Debian package that provides it. */
  readonly debian: string;
  /** Which tests need it (for the message). */
  readonly usedBy: string;
}

export const SYSTEM_PEERS: readonly SystemPeer[] = [
  { command: "/usr/bin/openssl", debian: "openssl", usedBy: "DTLS interop (s_server / s_client)" },
  {
    command: "/usr/bin/turnserver",
    debian: "coturn",
    usedBy: "TURN interop, the demo's relay test, NAT lab",
  },
  { command: "/usr/bin/chromium", debian: "chromium", usedBy: "browser suite, demo --browser, README page" },
  { command: "/usr/bin/firefox-esr", debian: "firefox-esr", usedBy: "browser suite" },
  { command: "tshark", debian: "tshark", usedBy: "browser suite: capture analysis" },
  { command: "dumpcap", debian: "tshark", usedBy: "browser suite: captures kept for failed cells" },
  { command: "redis-server", debian: "redis-server", usedBy: "signaling tests (Redis)" },
  { command: "unshare", debian: "util-linux", usedBy: "browser suite: private network namespace" },
  { command: "stdbuf", debian: "coreutils", usedBy: "TURN interop (coturn's output unbuffered)" },
  { command: "timeout", debian: "coreutils", usedBy: "NAT lab" },
  { command: "ip", debian: "iproute2", usedBy: "NAT lab, browser suite namespace" },
  { command: "tc", debian: "iproute2", usedBy: "NAT lab: delay and loss" },
  { command: "ss", debian: "iproute2", usedBy: "NAT lab" },
  { command: "iptables", debian: "iptables", usedBy: "NAT lab: NAT routers" },
  { command: "nft", debian: "nftables", usedBy: "NAT lab: NAT routers" },
  { command: "conntrack", debian: "conntrack", usedBy: "NAT lab: mapping resets" },
  { command: "/usr/bin/python3", debian: "python3", usedBy: "NAT lab: NFQUEUE delay/loss" },
];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looked up on PATH and in the sbin folders, which a non-root user's PATH often lacks (ip, iptables, …). */
export function available(command: string): boolean {
  if (command.startsWith("/")) return executable(command);
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/local/sbin", "/usr/sbin", "/sbin"];
  return dirs.some((dir) => dir !== "" && executable(join(dir, command)));
}

export function missingPeers(): SystemPeer[] {
  return SYSTEM_PEERS.filter((p) => !available(p.command));
}

export function debianPackages(peers: readonly SystemPeer[]): string[] {
  return [...new Set(peers.map((p) => p.debian))];
}

export function installCommand(peers: readonly SystemPeer[]): string {
  return `apt-get update && apt-get install -y ${debianPackages(peers).join(" ")}`;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * Makes every system peer present: installs the missing ones with apt-get when this is root and apt-get
 * exists; otherwise returns the one message that names the exact command (and nothing is changed).
 */
export function ensureSystemPeers(): { ok: true; installed: string[] } | { ok: false; message: string } {
  const missing = missingPeers();
  if (missing.length === 0) return { ok: true, installed: [] };
  const list = missing.map((p) => `${p.command} (${p.debian}: ${p.usedBy})`).join("\n  ");
  if (!isRoot() || !available("apt-get")) {
    return {
      ok: false,
      message:
        `The test suite needs system programs that are missing:\n  ${list}\n` +
        `Install them as root (Debian or Ubuntu):\n\n  ${installCommand(missing)}\n\n` +
        "(`pnpm test` run as root with apt-get does this itself; the NAT lab and the browser suite need root anyway.)\n",
    };
  }
  const packages = debianPackages(missing);
  process.stderr.write(`system peers: installing ${packages.join(" ")} with apt-get\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const steps: string[][] = [
    ["apt-get", "update"],
    ["apt-get", "install", "-y", ...packages],
  ];
  for (const args of steps) {
    const r = spawnSync(args[0] ?? "apt-get", args.slice(1), { stdio: "inherit", env });
    if (r.status !== 0)
      return {
        ok: false,
        message: `\`${args.join(" ")}\` failed (exit ${r.status}); install by hand:\n\n  ${installCommand(missing)}\n`,
      };
  }
  const still = missingPeers();
  if (still.length > 0)
    return {
      ok: false,
      message: `still missing after apt-get: ${still.map((p) => p.command).join(", ")}\n`,
    };
  return { ok: true, installed: packages };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (process.argv.includes("--install")) {
    const r = ensureSystemPeers();
    if (!r.ok) {
      process.stderr.write(r.message);
      process.exit(1);
    }
  } else {
    const missing = missingPeers();
    if (missing.length === 0) process.stdout.write("every system peer is installed\n");
    else
      process.stdout.write(
        `missing: ${missing.map((p) => p.command).join(", ")}\n  ${installCommand(missing)}\n`,
      );
  }
}

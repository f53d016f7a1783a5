/**
 * `pnpm bench peer-setup`: offer → both peers "connected" on loopback, Tern↔Tern against werift↔werift,
 * node-datachannel↔node-datachannel and wrtc↔wrtc (libwebrtc), each stack in a child process of its own,
 * the four taking turns ROUND_RUNS set-ups at a time after WARM_UP set-ups each.
 *
 * Equal work: one audio and one video transceiver sendrecv both ways (ICE, DTLS 1.2, SRTP keys); every
 * stack gets the same STUN server on loopback (run by this parent process, so no stack's CPU includes
 * it) and gathers as it does by default plus 127.0.0.1; only UDP IPv4 host candidates on 127.0.0.1 are
 * signaled, by trickle (each goes to the other peer as it is gathered, held until that peer has a remote
 * description). What each gathered and negotiated is read from the stacks into the result's config.
 */
import { fileURLToPath } from "node:url";
import { startStunServer } from "@tern/ice";
import { startEnvironment } from "./harness/environment.js";
import { type BenchRow, configMismatches, writeReport } from "./harness/report.js";
import { percentile, spread } from "./harness/spread.js";
import {
  benchEntry,
  interleavedRounds,
  quick,
  StackProcess,
  StunRequestsPerTurn,
} from "./harness/stack-process.js";
import { ndcPair } from "./peers/node-datachannel.js";
import { type ConnectedPair, type PairOptions, SRTP_PROFILE_CODES } from "./peers/pair-options.js";
import { ternPair } from "./peers/tern.js";
import { weriftPair } from "./peers/werift.js";
import { wrtcPair } from "./peers/wrtc.js";

const STACKS = ["tern", "werift", "node-datachannel", "wrtc"] as const;
type Stack = (typeof STACKS)[number];
const RUNS = Number(process.env.PEER_SETUP_RUNS ?? (quick() ? 20 : 100));
const ROUND_RUNS = 10;
const WARM_UP = 10;
const STALL_MS = 500;
const LEAK_RUNS = 10;

/** The pair every stack makes (peer-memory makes the same). */
export function setupPair(stack: Stack, stunUrl: string): Promise<ConnectedPair> {
  // AES_CM_80 for Tern and werift (werift prefers GCM); wrtc offers it first, node-datachannel has no option.
  const o: PairOptions & { stunUrl: string } = {
    audio: true,
    video: true,
    direction: "sendrecv",
    stunUrl,
    srtpProfiles: [SRTP_PROFILE_CODES.SRTP_AES128_CM_HMAC_SHA1_80],
  };
  if (stack === "tern") return ternPair(o);
  if (stack === "werift") return weriftPair(o);
  if (stack === "node-datachannel") return ndcPair(o);
  return wrtcPair(o);
}

interface RoundResult {
  readonly setupMs: number[];
  readonly cpuMs: number[];
  readonly failures: string[];
  readonly config: Readonly<Record<string, unknown>>;
}

/** Active libuv handles and requests by type ("UDPWrap", "Timeout", …). */
function activeResources(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function stackCommands(stack: Stack, stunUrl: string) {
  let config: Readonly<Record<string, unknown>> = {};
  return {
    warm: async () => {
      for (let i = 0; i < WARM_UP; i++) await (await setupPair(stack, stunUrl)).close();
    },
    round: async (): Promise<RoundResult> => {
      const r: RoundResult = { setupMs: [], cpuMs: [], failures: [], config: {} };
      for (let i = 0; i < ROUND_RUNS; i++) {
        try {
          const p = await setupPair(stack, stunUrl);
          r.setupMs.push(p.setupMs);
          r.cpuMs.push(p.cpuMs);
          config = p.config;
          await p.close();
        } catch (e) {
          r.failures.push(e instanceof Error ? e.message : String(e));
        }
        await sleep(20); // close-time callbacks run before the next
      }
      return { ...r, config };
    },
    /** Handles still open 1 s after LEAK_RUNS set-ups and closes (sockets and timers a stack leaves). */
    leaks: async (): Promise<string> => {
      await sleep(1000);
      const before = activeResources();
      for (let i = 0; i < LEAK_RUNS; i++) await (await setupPair(stack, stunUrl)).close();
      await sleep(1000);
      const after = activeResources();
      const parts: string[] = [];
      for (const k of new Set([...before.keys(), ...after.keys()])) {
        const d = (after.get(k) ?? 0) - (before.get(k) ?? 0);
        if (d !== 0) parts.push(`${k} ${d > 0 ? "+" : ""}${d}`);
      }
      return parts.length === 0 ? "none" : parts.join(", ");
    },
  };
}

async function main(): Promise<void> {
  const env = startEnvironment();
  const stun = await startStunServer({ host: "127.0.0.1", port: 0 });
  const stunUrl = `stun:127.0.0.1:${stun.address.port}`;
  const script = fileURLToPath(import.meta.url);
  const procs = STACKS.map((s) => new StackProcess(script, s, [stunUrl]));
  try {
    for (const p of procs) await p.call("warm");
    const stunSeen = new StunRequestsPerTurn(stun.counters);
    const rounds = await interleavedRounds<RoundResult>(procs, {
      warmUp: 0,
      rounds: Math.ceil(RUNS / ROUND_RUNS),
      command: "round",
      around: stunSeen.around,
    });
    const leaks: Record<string, string> = {};
    for (const p of procs) leaks[p.name] = await p.call<string>("leaks");
    const all = (s: Stack, f: (r: RoundResult) => number[]) => (rounds[s] ?? []).flatMap(f);
    const ms = (s: Stack) => all(s, (r) => r.setupMs);
    const config: Record<string, Record<string, unknown>> = {};
    for (const s of STACKS) {
      const last = rounds[s]?.at(-1);
      config[s] = {
        ...(last?.config ?? {}),
        stunRequestsServedPerSetUp: (stunSeen.served[s] ?? 0) / Math.max(1, ms(s).length),
        leftOpenAfter10SetupsAndCloses: leaks[s],
      };
    }
    const row = (label: string, f: (s: Stack) => number[], extra: Partial<BenchRow> = {}): BenchRow => ({
      case: label,
      values: Object.fromEntries(STACKS.map((s) => [s, spread(f(s))])),
      ...extra,
    });
    const one = (f: (xs: number[]) => number) => (s: Stack) => (ms(s).length > 0 ? [f(ms(s))] : []);
    const mismatched = configMismatches(config, "tern", ["bundle", "srtpProfile", "dtlsCipherSuite"]);
    writeReport(
      {
        name: "peer-setup",
        title:
          "offer → both connected on loopback, audio + video sendrecv, same STUN server and signaled candidates, each stack in its own process",
        unit: "ms",
        better: "lower",
        subject: "tern",
        baselines: ["werift", "node-datachannel", "wrtc"],
        rows: [
          row(`offer → both connected, each of ${RUNS} set-ups`, ms, { headline: true }),
          row(
            "p10 over the set-ups",
            one((xs) => percentile(xs, 10)),
          ),
          row(
            "p90 over the set-ups",
            one((xs) => percentile(xs, 90)),
          ),
          row("process CPU per set-up (all threads)", (s) => all(s, (r) => r.cpuMs), { unit: "ms CPU" }),
        ],
        config,
        method: {
          setUps: RUNS,
          warmUpSetUpsPerStack: WARM_UP,
          setUpsPerTurn: ROUND_RUNS,
          processes: "one child process per stack; the parent runs the STUN server and takes the turns",
          signaling:
            "in-process trickle; only UDP IPv4 host candidates on 127.0.0.1 signaled; held until the remote description is set",
          gathering:
            "each stack's default interfaces plus 127.0.0.1 and one STUN server on loopback (node-datachannel: libjuice binds 127.0.0.1 only, the one way it has a loopback candidate)",
          clock:
            "createOffer (node-datachannel: setLocalDescription, which makes the offer) → both connectionState connected",
        },
        notes: [
          // A stack with two modes (a set-up that waits one check-pacing tick more) has a median that can land in
          // either from run to run: the share in the slow one says so.
          `set-ups over 3 × the stack's own p10 (a second, slower mode; the median can land in either): ${STACKS.map(
            (s) => {
              const xs = ms(s);
              const p10 = percentile(xs, 10);
              return `${s} ${xs.filter((x) => x > 3 * p10).length}`;
            },
          ).join(", ")} of ${RUNS}.`,
          `set-ups ≥ ${STALL_MS} ms (stalls): ${STACKS.map((s) => `${s} ${ms(s).filter((x) => x >= STALL_MS).length}`).join(", ")} of ${RUNS}.`,
          `failed set-ups: ${STACKS.map((s) => `${s} ${all(s, (r) => r.failures.map(() => 1)).length}`).join(", ")}${STACKS.flatMap(
            (s) => (rounds[s] ?? []).flatMap((r) => r.failures.map((f) => ` [${s}: ${f}]`)),
          )
            .slice(0, 4)
            .join("")}.`,
          ...mismatched.map((m) => `config differs: ${m.who}: ${m.why}`),
        ],
      },
      env(),
    );
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await stun.close();
  }
}

await benchEntry(import.meta.url, {
  main,
  stack: (name, args) => {
    if (!(STACKS as readonly string[]).includes(name) || !args[0])
      throw new Error(`usage: stack <${STACKS.join("|")}> <stun url>`);
    return stackCommands(name as Stack, args[0]);
  },
});

/**
 * One media path flat out in this process, for an outside profiler (perf, below):
 * `node --conditions=tern-source --import tsx bench/media/flat-out.ts <tern|floor> [gcm] [seconds]`.
 * One second on a warm-up pair, then `seconds` (default 4) on a fresh pair; prints what arrived.
 *
 * With perf and V8's JIT dump, every sample lands on a real symbol (JS functions with what they inlined,
 * V8 builtins such as inline-cache misses, libc, the kernel), which V8's own profiler lumps into
 * "(program)" or "(idle)". From a scratch directory (V8 writes jit-*.dump there, perf inject jitted-*.so):
 *   mkdir -p .tern-tmp/perf && cd .tern-tmp/perf
 *   perf record -k 1 -g -e cpu-clock -F 2000 -o tern.data -- \
 *     node --perf-prof --conditions=tern-source --import tsx ../../bench/media/flat-out.ts tern
 *   perf inject --jit -i tern.data -o tern.jit.data && perf report -i tern.jit.data --sort sym -n
 * and the same with `floor`; compare samples per forwarded packet (2,000 samples = one CPU-second).
 */
import type { SrtpProfileName } from "../peers/pair-options.js";
import { dgramSrtpPath, flatOut, ternPath } from "./media-path.js";

const which = process.argv[2];
if (which !== "tern" && which !== "floor") throw new Error("usage: flat-out.ts <tern|floor> [gcm] [seconds]");
const profile: SrtpProfileName =
  process.argv[3] === "gcm" ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AES128_CM_HMAC_SHA1_80";
const seconds = Number(process.argv[process.argv[3] === "gcm" ? 4 : 3] ?? 4);
const make = () => (which === "tern" ? ternPath(profile) : dgramSrtpPath(profile));
const warm = await make();
await flatOut(warm, 1);
await warm.close();
const p = await make();
const o = await flatOut(p, seconds);
await p.close();
console.log(JSON.stringify({ which, profile, ...o }));
process.exit(0);

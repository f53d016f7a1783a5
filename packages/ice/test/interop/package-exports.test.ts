/**
 * @tern/ice can be imported alone, from outside the monorepo, as built JS with types: a temporary
 * project outside the repository links the package and imports it with plain Node (no source condition),
 * and type-checks a consumer file against the published .d.ts.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "../..");
const repoRoot = join(pkgDir, "../..");
const dir = mkdtempSync(join(tmpdir(), "tern-ice-consumer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("@tern/ice as a published package", () => {
  it("is built (pnpm test builds first: `tsc -b`)", () => {
    expect(existsSync(join(pkgDir, "dist/index.js")), "packages/ice/dist is missing: run `pnpm build`").toBe(
      true,
    );
    expect(existsSync(join(pkgDir, "dist/index.d.ts"))).toBe(true);
  });

  it("imports from a project outside the monorepo and runs a STUN round trip", () => {
    mkdirSync(join(dir, "node_modules/@tern"), { recursive: true });
    symlinkSync(pkgDir, join(dir, "node_modules/@tern/ice"), "dir");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(
      join(dir, "main.js"),
      `import { IceAgent, startStunServer, encodeStunMessage, decodeStunMessage, StunMethod } from "@tern/ice";
const id = new Uint8Array(12).fill(7);
const bytes = encodeStunMessage({ method: StunMethod.Binding, class: "request", transactionId: id, attributes: [] }, { fingerprint: true });
const back = decodeStunMessage(bytes);
const agent = new IceAgent({ random: (n) => new Uint8Array(n).fill(1) });
const srv = await startStunServer({ host: "127.0.0.1", port: 0 });
await srv.close();
console.log(JSON.stringify({ ok: back.ok, ufrag: agent.credentials.ufrag.length, port: srv.address.port > 0 }));
`,
    );
    const out = execFileSync(process.execPath, ["main.js"], { cwd: dir, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ ok: true, ufrag: 8, port: true });
  });

  it("type-checks a consumer against the published declarations", () => {
    writeFileSync(
      join(dir, "consumer.ts"),
      `import { IceTransport, type IceConnectionState, type Candidate, parseCandidate } from "@tern/ice";
const t: IceTransport = new IceTransport({ addresses: ["127.0.0.1"] });
const s: IceConnectionState = t.connectionState;
const c = parseCandidate("candidate:1 1 udp 1 127.0.0.1 9 typ host");
const cand: Candidate | undefined = c.ok ? c.value : undefined;
export { s, cand };
`,
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          noEmit: true,
          skipLibCheck: false,
          types: [],
          typeRoots: [join(repoRoot, "node_modules/@types")],
        },
        files: ["consumer.ts"],
      }),
    );
    const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");
    const out = execFileSync(process.execPath, [tsc, "-p", dir], { cwd: dir, encoding: "utf8" });
    expect(out).toBe("");
  });
});

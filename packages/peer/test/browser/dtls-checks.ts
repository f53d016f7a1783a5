/**
 * The DTLS checks of a cell, from the capture (and Tern's key log), so they hold for Firefox too, whose
 * getStats has no transport entry: the browser's DTLS role (who sent the ClientHello), the version and
 * group the ServerHello chose, matching Tern's getStats tlsVersion/tlsGroup (and the browser's tlsVersion
 * where it reports one), and use_srtp's answer matching Tern's SRTP profile.
 */
import { CipherSuite, SrtpProtectionProfile, Tls13CipherSuite } from "@tern/dtls-srtp";
import type { PeerConnection } from "../../src/node/peer-connection.js";
import type { Capture } from "./cell-artifacts.js";
import { capturedDtls } from "./dtls-capture.js";

export interface DtlsExpectation {
  readonly browserDtls: "client" | "server";
  /** What the handshake must settle on (default DTLS 1.3). */
  readonly expectDtls?: "DTLS 1.3" | "DTLS 1.2";
}

const GROUPS: Record<number, string> = {
  4588: "X25519MLKEM768",
  29: "x25519",
  23: "secp256r1",
  24: "secp384r1",
};
const SUITES: Record<number, string> = Object.fromEntries(
  [...Object.entries(CipherSuite), ...Object.entries(Tls13CipherSuite)].map(([name, code]) => [code, name]),
);

/** Runs the checks (stopping the capture); returns the matrix text, throws what does not hold. */
export async function checkDtls(
  capture: Capture,
  tern: PeerConnection,
  keyLog: readonly string[],
  spec: DtlsExpectation,
  browserTlsVersion: string | undefined,
): Promise<{ readonly summary: string; readonly browserSrtp: string | undefined }> {
  const base = tern.selectedCandidatePair?.base;
  if (!capture.file || base === undefined)
    throw new Error(`DTLS not checked from a capture: ${capture.missing}`);
  await capture.stop();
  const c = capturedDtls(capture.file, `${base.address}:${base.port}`, keyLog);
  const transport = [...(await tern.getStats()).values()].find((s) => s.type === "transport");
  const want = spec.expectDtls ?? "DTLS 1.3";
  const wantHex = want === "DTLS 1.3" ? "FEFC" : "FEFD";
  if (c.browserRole !== spec.browserDtls)
    throw new Error(`capture: the browser is DTLS ${String(c.browserRole)}, expected ${spec.browserDtls}`);
  if (c.version !== want)
    throw new Error(`capture: the ServerHello chose ${String(c.version)}, expected ${want}`);
  if (transport?.tlsVersion !== wantHex)
    throw new Error(`Tern getStats tlsVersion ${String(transport?.tlsVersion)}, expected ${wantHex}`);
  if (browserTlsVersion !== undefined && browserTlsVersion !== wantHex)
    throw new Error(`browser getStats tlsVersion ${browserTlsVersion}, expected ${wantHex}`);
  const group = c.group === undefined ? undefined : (GROUPS[c.group] ?? `0x${c.group.toString(16)}`);
  if (group !== transport?.tlsGroup)
    throw new Error(`capture: group ${String(group)}, Tern getStats ${String(transport?.tlsGroup)}`);
  // Tern as DTLS 1.3 server prefers the hybrid: it must take the browser's X25519MLKEM768 share.
  const hybridOffered = c.offeredKeyShares.includes(0x11ec);
  if (want === "DTLS 1.3" && spec.browserDtls === "client" && hybridOffered && group !== "X25519MLKEM768")
    throw new Error(`the browser sent an X25519MLKEM768 share but the handshake used ${String(group)}`);
  const profile = Object.entries(SrtpProtectionProfile).find(([, code]) => code === c.srtpProfile)?.[0];
  if (profile === undefined || profile !== tern.security.srtpProfile)
    throw new Error(
      `capture: use_srtp answered ${String(profile)}, Tern has ${String(tern.security.srtpProfile)}`,
    );
  const suite =
    c.cipherSuite === undefined ? "?" : (SUITES[c.cipherSuite] ?? `0x${c.cipherSuite.toString(16)}`);
  const source = want === "DTLS 1.3" ? "capture + key log" : "capture";
  return {
    summary: `${want} ${suite} ${group ?? "?"}${hybridOffered ? "" : " (no hybrid share offered)"}; browser DTLS ${c.browserRole} (${source})`,
    browserSrtp: profile,
  };
}

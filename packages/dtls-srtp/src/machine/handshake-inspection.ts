import { decodeClientHello } from "../wire/client-hello.js";
import { decodeEncryptedExtensions } from "../wire/encrypted-extensions.js";
import { findExtension } from "../wire/extensions/extension.js";
import { decodeHandshakeFragments } from "../wire/handshake.js";
import { decodeServerHello, isHelloRetryRequest } from "../wire/server-hello.js";
import { decodeServerKeyExchange } from "../wire/server-key-exchange.js";
import { ContentType, HandshakeType, ProtocolVersion } from "../wire/tls-parameters.js";
import { tls13CipherSuiteByCode } from "../wire/tls13-cipher-suite.js";
import { decodeDatagram13 } from "../wire/unified-header.js";
import { protectionFor } from "./dtls13-key-update.js";
import { RecordLayer13 } from "./dtls13-record-layer.js";
import { hex } from "./handshake-context.js";
import { HandshakeReassembly } from "./handshake-reassembly.js";

/** One captured datagram and who sent it (any label: "127.0.0.1:5000"). */
export interface CapturedDatagram {
  readonly from: string;
  readonly data: Uint8Array;
}

/** What a captured DTLS handshake shows (a diagnostic, for interop tests and captures). */
export interface HandshakeInspection {
  /** Who sent the ClientHello, and who the ServerHello. */
  readonly client: string | undefined;
  readonly server: string | undefined;
  readonly offeredVersions: readonly number[];
  /** Groups the client sent key shares for (DTLS 1.3 ClientHello). */
  readonly offeredKeyShares: readonly number[];
  readonly helloRetryRequest: boolean;
  readonly version: "DTLS 1.3" | "DTLS 1.2" | undefined;
  readonly cipherSuite: number | undefined;
  /** The key exchange group: the ServerHello key_share (1.3) or the ServerKeyExchange curve (1.2). */
  readonly group: number | undefined;
  /** use_srtp's answer: in the ServerHello (1.2), in EncryptedExtensions (1.3, read with the key log). */
  readonly srtpProfile: number | undefined;
}

/**
 * Reads a DTLS handshake from captured datagrams (both directions, in capture order) and, for DTLS 1.3, the
 * NSS key log (SERVER_HANDSHAKE_TRAFFIC_SECRET decrypts the server's EncryptedExtensions). Undecodable
 * input is skipped: this never throws.
 */
export function inspectHandshake(
  datagrams: readonly CapturedDatagram[],
  keyLog: readonly string[],
): HandshakeInspection {
  const bySource = new Map<string, HandshakeReassembly>();
  const messages: Array<{ from: string; msgType: number; body: Uint8Array }> = [];
  for (const d of datagrams) {
    for (const r of decodeDatagram13(d.data).records) {
      if (r.form !== "plaintext" || r.record.contentType !== ContentType.handshake || r.record.epoch !== 0)
        continue;
      const fragments = decodeHandshakeFragments(r.record.fragment);
      if (!fragments.ok) continue;
      let reassembly = bySource.get(d.from);
      if (reassembly === undefined) {
        reassembly = new HandshakeReassembly();
        bySource.set(d.from, reassembly);
      }
      for (const f of fragments.value) reassembly.add(f, 0);
      for (let m = reassembly.poll(); m !== undefined; m = reassembly.poll())
        messages.push({ from: d.from, ...m });
    }
  }
  const ch = messages.find((m) => m.msgType === HandshakeType.client_hello);
  const hello = ch === undefined ? undefined : decodeClientHello(ch.body);
  const shs = messages
    .filter((m) => m.msgType === HandshakeType.server_hello)
    .map((m) => ({ from: m.from, sh: decodeServerHello(m.body) }));
  const hrr = shs.some((s) => s.sh.ok && isHelloRetryRequest(s.sh.value.random));
  const real = shs.find((s) => s.sh.ok && !isHelloRetryRequest(s.sh.value.random));
  const sh = real?.sh.ok === true ? real.sh.value : undefined;
  const chExt = hello?.ok === true ? hello.value.extensions : [];
  const keyShare = findExtension(chExt, "key_share");
  const selected =
    sh === undefined ? undefined : findExtension(sh.extensions, "supported_versions")?.versions[0];
  const is13 = selected === ProtocolVersion.DTLS1_3;
  let group: number | undefined;
  let srtpProfile: number | undefined;
  if (sh !== undefined && is13) {
    const ks = findExtension(sh.extensions, "key_share");
    group = ks?.form === "server_hello" ? ks.serverShare.group : undefined;
    const random = hello?.ok === true ? hex(hello.value.random) : "";
    srtpProfile = encryptedSrtpProfile(datagrams, real?.from, sh.cipherSuite, random, keyLog);
  } else if (sh !== undefined) {
    srtpProfile = findExtension(sh.extensions, "use_srtp")?.profiles[0];
    const ske = messages.find(
      (m) => m.from === real?.from && m.msgType === HandshakeType.server_key_exchange,
    );
    const d = ske === undefined ? undefined : decodeServerKeyExchange(ske.body);
    group = d?.ok === true ? d.value.namedCurve : undefined;
  }
  return {
    client: ch?.from,
    server: real?.from,
    offeredVersions: findExtension(chExt, "supported_versions")?.versions ?? [],
    offeredKeyShares: keyShare?.form === "client_hello" ? keyShare.clientShares.map((s) => s.group) : [],
    helloRetryRequest: hrr,
    version: sh === undefined ? undefined : is13 ? "DTLS 1.3" : "DTLS 1.2",
    cipherSuite: sh?.cipherSuite,
    group,
    srtpProfile,
  };
}

/** use_srtp from the server's EncryptedExtensions, decrypted with the server handshake traffic secret. */
function encryptedSrtpProfile(
  datagrams: readonly CapturedDatagram[],
  server: string | undefined,
  suiteCode: number,
  clientRandom: string,
  keyLog: readonly string[],
): number | undefined {
  const suite = tls13CipherSuiteByCode(suiteCode);
  const line = keyLog.find((l) => l.startsWith(`SERVER_HANDSHAKE_TRAFFIC_SECRET ${clientRandom} `));
  const secret = line?.split(" ")[2];
  if (suite === undefined || secret === undefined || server === undefined) return undefined;
  const records = new RecordLayer13(() => undefined);
  records.installRead(2, protectionFor(suite, Uint8Array.from(Buffer.from(secret, "hex"))));
  const reassembly = new HandshakeReassembly();
  for (const d of datagrams) {
    if (d.from !== server) continue;
    for (const r of records.open(d.data)) {
      if (r.epoch !== 2 || r.contentType !== ContentType.handshake) continue;
      const f = decodeHandshakeFragments(r.payload);
      if (f.ok) for (const x of f.value) reassembly.add(x, 2);
    }
  }
  for (let m = pollAny(reassembly); m !== undefined; m = pollAny(reassembly)) {
    if (m.msgType !== HandshakeType.encrypted_extensions) continue;
    const ee = decodeEncryptedExtensions(m.body);
    return ee.ok ? findExtension(ee.value.extensions, "use_srtp")?.profiles[0] : undefined;
  }
  return undefined;
}

/** The next complete message whatever its message_seq (the server's epoch-2 flight starts after 0 or 1). */
function pollAny(r: HandshakeReassembly) {
  for (let tries = 0; tries < 3; tries++) {
    const m = r.poll();
    if (m !== undefined) return m;
    r.skipTo(r.nextSeq + 1);
  }
  return undefined;
}

/**
 * What the browser really did in DTLS, read from the cell's capture (and Tern's key log for DTLS 1.3's
 * encrypted extensions) rather than from its getStats, which Firefox does not fill (no transport stats):
 * who sent the ClientHello (the DTLS roles), the version and group the ServerHello settled on, and the SRTP
 * profile use_srtp answered. The pcapng is read here (Ethernet or Linux cooked frames, IPv4/IPv6, UDP);
 * the DTLS structures by @tern/dtls-srtp's inspectHandshake.
 */
import { readFileSync } from "node:fs";
import { type CapturedDatagram, type HandshakeInspection, inspectHandshake } from "@tern/dtls-srtp";

interface Datagram extends CapturedDatagram {
  readonly to: string;
}

function ip4(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

function ip6(b: Uint8Array, at: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2)
    parts.push((((b[at + i] as number) << 8) | (b[at + i + 1] as number)).toString(16));
  return parts.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}

/** The UDP payload of one link-layer frame, with its addresses, or undefined. */
function udpOf(frame: Uint8Array, linkType: number): Datagram | undefined {
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let at: number;
  let etherType: number;
  if (linkType === 1 && frame.length >= 14) {
    at = 14;
    etherType = v.getUint16(12);
  } else if (linkType === 113 && frame.length >= 16) {
    at = 16;
    etherType = v.getUint16(14);
  } else return undefined;
  let src: string;
  let dst: string;
  if (etherType === 0x0800 && frame.length >= at + 20 && frame[at + 9] === 17) {
    src = ip4(frame, at + 12);
    dst = ip4(frame, at + 16);
    at += ((frame[at] as number) & 0x0f) * 4;
  } else if (etherType === 0x86dd && frame.length >= at + 40 && frame[at + 6] === 17) {
    src = ip6(frame, at + 8);
    dst = ip6(frame, at + 24);
    at += 40;
  } else return undefined;
  if (frame.length < at + 8) return undefined;
  const sport = v.getUint16(at);
  const dport = v.getUint16(at + 2);
  const length = v.getUint16(at + 4);
  const data = frame.subarray(at + 8, Math.min(frame.length, at + length));
  return { from: `${src}:${sport}`, to: `${dst}:${dport}`, data };
}

/** Every UDP datagram of a pcapng file, in capture order. */
export function readPcapngUdp(file: string): Datagram[] {
  const b = new Uint8Array(readFileSync(file));
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const linkTypes: number[] = [];
  const out: Datagram[] = [];
  let little = true;
  for (let at = 0; at + 12 <= b.length; ) {
    const type = v.getUint32(at, little);
    if (type === 0x0a0d0d0a) little = v.getUint32(at + 8, true) === 0x1a2b3c4d;
    const length = v.getUint32(at + 4, little);
    if (length < 12 || at + length > b.length) break;
    if (type === 1) linkTypes.push(v.getUint16(at + 8, little));
    else if (type === 6) {
      const iface = v.getUint32(at + 8, little);
      const captured = v.getUint32(at + 20, little);
      const d = udpOf(b.subarray(at + 28, at + 28 + captured), linkTypes[iface] ?? -1);
      if (d !== undefined) out.push(d);
    }
    at += length;
  }
  return out;
}

export interface CapturedDtls extends HandshakeInspection {
  /** The browser's DTLS role, from who sent the ClientHello. */
  readonly browserRole: "client" | "server" | undefined;
}

/** The cell's DTLS handshake between Tern (`tern`: address:port) and the browser. */
export function capturedDtls(file: string, tern: string, keyLog: readonly string[]): CapturedDtls {
  const dtls = readPcapngUdp(file).filter(
    (d) => (d.from === tern || d.to === tern) && (d.data[0] as number) >= 20 && (d.data[0] as number) <= 63,
  );
  const inspection = inspectHandshake(dtls, keyLog);
  const browserRole =
    inspection.client === undefined ? undefined : inspection.client === tern ? "server" : "client";
  return { ...inspection, browserRole };
}

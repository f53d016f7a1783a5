/**
 * One data-channel interop scenario, run against every Node peer (node-datachannel, werift, @roamhq/wrtc)
 * and Tern itself, over loopback: either side offers, data only or data + audio + video, Tern as DTLS
 * client or server. In each cell: the offerer's DCEP channel (opened before the offer), the answerer's (opened
 * once connected), a `negotiated: true` channel with a fixed id on both sides, and an unordered
 * `maxRetransmits: 0` channel from Tern; strings and binary of mixed sizes (the empty ones too) both ways
 * on each, checked in order and byte for byte; then one channel closed from each side, seen closed at both.
 *
 * Each peer is reached through `PeerUnderTest`; the W3C-shaped ones (Tern's RTCPeerConnection,
 * node-datachannel's polyfill, wrtc) share `w3cChannel`.
 */

import { until as untilTrue, withTimeout } from "@tern/test-support";
import { expect } from "vitest";

export type Message = string | Uint8Array;

/** One side of a channel, whatever the stack. */
export interface ChannelHandle {
  readonly label: string;
  readonly protocol: string;
  /** undefined where the stack does not say (node-datachannel's native channel) */
  readonly ordered: boolean | undefined;
  readonly maxRetransmits: number | null | undefined;
  id(): number | null;
  readyState(): string;
  send(m: Message): void;
  close(): void;
  readonly received: Message[];
  readonly opened: Promise<void>;
  readonly closed: Promise<void>;
}

export interface ChannelInit {
  readonly ordered?: boolean;
  readonly maxRetransmits?: number;
  readonly protocol?: string;
  readonly negotiated?: boolean;
  readonly id?: number;
}

export interface PeerUnderTest {
  readonly name: string;
  /** One audio and one video transceiver, sendrecv, no track. */
  addMedia(): void;
  createDataChannel(label: string, init?: ChannelInit): ChannelHandle;
  /** The channels the peer opened, as `datachannel` events announce them. */
  remoteChannel(label: string): Promise<ChannelHandle>;
  /** setLocalDescription(offer), then the whole SDP once gathering is complete. */
  offer(): Promise<string>;
  /** The offer set, an answer made with `setup` written into it (when given), set, its whole SDP. */
  answer(offer: string, setup: "active" | "passive" | undefined): Promise<string>;
  acceptAnswer(answer: string): Promise<void>;
  connected(): Promise<void>;
  close(): Promise<void>;
  /** What the stack counted (drops, resets), for the failure message. */
  diagnose?(): string;
  /**
   * False for a stack that cannot send an empty message (werift 0.25 takes an SSN for it and sends no
   * chunk, so every later ordered message on the stream waits for ever): it is not asked to.
   */
  readonly sendsEmptyMessages?: boolean;
  /** Its DTLS role once connected, where the stack says. */
  dtlsRole?(): "client" | "server" | undefined;
}

/** Rewrites every a=setup of an SDP (the answerer's DTLS role, RFC 5763 §5). */
export function withSetup(sdp: string, setup: "active" | "passive" | undefined): string {
  return setup === undefined ? sdp : sdp.replace(/a=setup:(active|passive)/g, `a=setup:${setup}`);
}

/** Keeps only the candidates on 127.0.0.1 (every pair checked stays on loopback). */
export function loopbackOnly(sdp: string): string {
  return sdp
    .split("\r\n")
    .filter((l) => !l.startsWith("a=candidate:") || l.includes(" 127.0.0.1 "))
    .join("\r\n");
}

/** What every channel carries each way: every size class, strings and binary, the empty forms too. */
export function messages(from: string, empty = true): Message[] {
  const sizes = [...(empty ? [0] : []), 1, 5, 100, 1200, 1201, 4096, 16000, 65536 - 1, 3];
  const out: Message[] = [];
  sizes.forEach((n, i) => {
    const bytes = new Uint8Array(n);
    for (let j = 0; j < n; j++) bytes[j] = (j * 31 + i * 7 + from.length) & 0xff;
    out.push(bytes);
    out.push(`${from}:${i}:`.padEnd(Math.min(n, 20000), "x"));
  });
  return out;
}

function same(got: readonly Message[], sent: readonly Message[], what: string): void {
  expect(got.length, `${what}: count`).toBe(sent.length);
  got.forEach((g, i) => {
    const s = sent[i];
    expect(typeof g, `${what} #${i}: kind`).toBe(typeof s);
    if (typeof g === "string") expect(g, `${what} #${i}`).toBe(s);
    else expect(Buffer.from(g).equals(Buffer.from(s as Uint8Array)), `${what} #${i}: bytes`).toBe(true);
  });
}

/** `pred` true within `ms`, or an error saying `what` (read at the time of failure). */
async function until(pred: () => boolean, ms: number, what: string | (() => string)): Promise<void> {
  try {
    await untilTrue(pred, { timeoutMs: ms, what: "", intervalMs: 2 });
  } catch {
    throw new Error(`timed out after ${ms} ms: ${typeof what === "string" ? what : what()}`);
  }
}

export interface Cell {
  readonly offerer: "tern" | "peer";
  readonly media: boolean;
  readonly ternRole: "client" | "server";
}

export const CELLS: readonly Cell[] = (["tern", "peer"] as const).flatMap((offerer) =>
  [false, true].flatMap((media) =>
    (["client", "server"] as const).map((ternRole) => ({ offerer, media, ternRole })),
  ),
);

export function cellName(c: Cell): string {
  return `${c.offerer === "tern" ? "Tern offers" : "peer offers"}, ${c.media ? "data + audio + video" : "data only"}, Tern DTLS ${c.ternRole}`;
}

/**
 * The scenario. `tern` must have been made with `answerSetup` for the cell (Tern answering: active is
 * client); when the peer answers, its answer's a=setup is rewritten (passive: Tern is the client).
 */
export async function runCell(cell: Cell, tern: PeerUnderTest, peer: PeerUnderTest): Promise<void> {
  try {
    await scenario(cell, tern, peer);
  } catch (err) {
    const notes = [tern, peer].map((p) => `${p.name}: ${p.diagnose?.() ?? "-"}`).join("\n");
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${notes}`, { cause: err });
  }
}

async function scenario(cell: Cell, tern: PeerUnderTest, peer: PeerUnderTest): Promise<void> {
  const offerer = cell.offerer === "tern" ? tern : peer;
  const answerer = offerer === tern ? peer : tern;
  if (cell.media) {
    offerer.addMedia();
    answerer.addMedia();
  }
  const negA = tern.createDataChannel("negotiated", { negotiated: true, id: 100, protocol: "n" });
  const negB = peer.createDataChannel("negotiated", { negotiated: true, id: 100, protocol: "n" });
  const fromOfferer = offerer.createDataChannel("from-offerer", { protocol: "chat/1" });
  const offer = await offerer.offer();
  const peerSetup = cell.offerer === "tern" ? (cell.ternRole === "client" ? "passive" : "active") : undefined;
  const answer = await answerer.answer(offer, peerSetup);
  await offerer.acceptAnswer(answer);
  await withTimeout(Promise.all([tern.connected(), peer.connected()]), 15_000, "both connected");
  expect(tern.dtlsRole?.(), "Tern's DTLS role").toBe(cell.ternRole);
  const atAnswerer = await withTimeout(
    answerer.remoteChannel("from-offerer"),
    10_000,
    "datachannel at the answerer",
  );
  expect(atAnswerer.protocol).toBe("chat/1");
  const fromAnswerer = answerer.createDataChannel("from-answerer");
  const atOfferer = await withTimeout(
    offerer.remoteChannel("from-answerer"),
    10_000,
    "datachannel at the offerer",
  );
  const unordered = tern.createDataChannel("unordered", { ordered: false, maxRetransmits: 0 });
  const unorderedAtPeer = await withTimeout(peer.remoteChannel("unordered"), 10_000, "unordered channel");
  if (unorderedAtPeer.ordered !== undefined) {
    expect([unorderedAtPeer.ordered, unorderedAtPeer.maxRetransmits]).toEqual([false, 0]);
  }
  await withTimeout(
    Promise.all([negA.opened, negB.opened, fromOfferer.opened, fromAnswerer.opened, unordered.opened]),
    10_000,
    "channels open",
  );
  // ids: the DTLS client's are even, the server's odd (RFC 8832 §6)
  const ternMade = offerer === tern ? fromOfferer : fromAnswerer;
  expect((ternMade.id() ?? -1) % 2, "Tern's DCEP channel id parity").toBe(cell.ternRole === "client" ? 0 : 1);
  expect([negA.id(), negB.id()]).toEqual([100, 100]);

  // [sender side's channel, its stack, the other end, its stack]
  const pairs: [ChannelHandle, PeerUnderTest, ChannelHandle, PeerUnderTest, string][] = [
    [fromOfferer, offerer, atAnswerer, answerer, "from-offerer"],
    [fromAnswerer, answerer, atOfferer, offerer, "from-answerer"],
    [negA, tern, negB, peer, "negotiated"],
  ];
  for (const [x, xStack, y, yStack, label] of pairs) {
    const mx = messages(`${label}>`, xStack.sendsEmptyMessages !== false);
    const my = messages(`${label}<`, yStack.sendsEmptyMessages !== false);
    for (const m of mx) x.send(m);
    for (const m of my) y.send(m);
    await until(
      () => y.received.length >= mx.length && x.received.length >= my.length,
      20_000,
      () =>
        `${label} messages (${y.received.length}/${mx.length} forward, ${x.received.length}/${my.length} back)`,
    );
    same(y.received, mx, `${label} forward`);
    same(x.received, my, `${label} back`);
  }
  const small = ["u1", "u2", "u3"];
  for (const m of small) unordered.send(m);
  await until(() => unorderedAtPeer.received.length === small.length, 10_000, "unordered messages");
  expect([...unorderedAtPeer.received].sort()).toEqual(small); // loopback: nothing lost, order not promised

  // one channel closed by each side; both ends see it closed
  const [closedByTern, closedByPeer] =
    offerer === tern ? [fromOfferer, atOfferer] : [atAnswerer, fromAnswerer];
  const peerEndOfTerns = closedByTern === fromOfferer ? atAnswerer : fromAnswerer;
  const ternEndOfPeers = closedByPeer === atOfferer ? fromAnswerer : atOfferer;
  closedByTern.close();
  closedByPeer.close();
  await withTimeout(
    Promise.all([closedByTern.closed, peerEndOfTerns.closed, closedByPeer.closed, ternEndOfPeers.closed]),
    10_000,
    "channels closed on both sides",
  );
  expect([negA.readyState(), negB.readyState()]).toEqual(["open", "open"]);
}

/** A W3C-shaped RTCDataChannel (Tern's, node-datachannel's polyfill, wrtc's). */
export interface W3cChannelLike {
  readonly label: string;
  readonly protocol: string;
  readonly ordered: boolean;
  readonly maxRetransmits: number | null;
  readonly id: number | null;
  readonly readyState: string;
  binaryType: string;
  send(d: string | ArrayBuffer | ArrayBufferView): void;
  close(): void;
  addEventListener(type: string, fn: (e: { data?: unknown }) => void): void;
}

export function w3cChannel(dc: W3cChannelLike): ChannelHandle {
  dc.binaryType = "arraybuffer";
  const received: Message[] = [];
  dc.addEventListener("message", (e) => {
    const d = e.data;
    if (typeof d === "string") received.push(d);
    else if (d instanceof ArrayBuffer) received.push(new Uint8Array(d));
    else if (ArrayBuffer.isView(d))
      received.push(new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice());
    else received.push(`unexpected ${String(d)}`);
  });
  const opened = new Promise<void>((resolve) => {
    if (dc.readyState === "open") resolve();
    dc.addEventListener("open", () => resolve());
  });
  const closed = new Promise<void>((resolve) => dc.addEventListener("close", () => resolve()));
  return {
    label: dc.label,
    protocol: dc.protocol,
    ordered: dc.ordered,
    maxRetransmits: dc.maxRetransmits,
    id: () => dc.id,
    readyState: () => dc.readyState,
    send: (m) => dc.send(typeof m === "string" ? m : m),
    close: () => dc.close(),
    received,
    opened,
    closed,
  };
}

/** Announced channels by label, for `remoteChannel`. */
export class ChannelDirectory {
  readonly #got = new Map<string, ChannelHandle>();
  readonly #waiting = new Map<string, (c: ChannelHandle) => void>();
  add(c: ChannelHandle): void {
    this.#got.set(c.label, c);
    this.#waiting.get(c.label)?.(c);
  }
  get(label: string): Promise<ChannelHandle> {
    const c = this.#got.get(label);
    if (c) return Promise.resolve(c);
    return new Promise((resolve) => this.#waiting.set(label, resolve));
  }
}

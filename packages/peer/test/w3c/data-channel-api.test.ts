/**
 * The W3C data channel API (webrtc-pc §6) on two Tern RTCPeerConnections over loopback: createDataChannel
 * and the `datachannel` event, `sctp`, messages of every kind, binaryType, bufferedAmount and its low
 * event, the spec's exceptions, closing from either side, getStats entries.
 */

import { until as untilTrue, withTimeout } from "@tern/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { type RTCDataChannel, RTCPeerConnection } from "../../src/w3c/index.js";

const open: RTCPeerConnection[] = [];
afterEach(() => {
  for (const pc of open.splice(0)) pc.close();
});

function pair(): [RTCPeerConnection, RTCPeerConnection] {
  const a = new RTCPeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
  const b = new RTCPeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
  open.push(a, b);
  a.onicecandidate = (e) => void b.addIceCandidate(e.candidate).catch(() => undefined);
  b.onicecandidate = (e) => void a.addIceCandidate(e.candidate).catch(() => undefined);
  return [a, b];
}

async function negotiate(a: RTCPeerConnection, b: RTCPeerConnection): Promise<void> {
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription ?? { type: "offer", sdp: "" });
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription ?? { type: "answer", sdp: "" });
}

function event(target: EventTarget, type: string, ms = 10_000): Promise<Event> {
  return withTimeout(
    new Promise((resolve) => target.addEventListener(type, resolve, { once: true })),
    ms,
    `${type} event`,
  );
}

function messages(dc: RTCDataChannel): unknown[] {
  const got: unknown[] = [];
  dc.addEventListener("message", (e) => got.push((e as MessageEvent).data));
  return got;
}

function until(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  return untilTrue(pred, { timeoutMs, what, intervalMs: 2 });
}

describe("RTCDataChannel between two Tern peers", () => {
  it("a data-only offer: createDataChannel, negotiationneeded, datachannel then open, messages of every kind both ways", async () => {
    const [a, b] = pair();
    let needed = 0;
    a.onnegotiationneeded = () => needed++;
    const dc = a.createDataChannel("chat", { protocol: "json" });
    expect([dc.label, dc.protocol, dc.readyState, dc.id, dc.ordered, dc.binaryType]).toEqual([
      "chat",
      "json",
      "connecting",
      null,
      true,
      "arraybuffer",
    ]);
    expect(a.sctp).toBeNull();
    await new Promise((r) => setImmediate(r));
    expect(needed).toBe(1);
    const remote = event(b, "datachannel");
    const opened = event(dc, "open");
    await negotiate(a, b);
    expect(a.localDescription?.sdp).toMatch(/^m=application 9 UDP\/DTLS\/SCTP webrtc-datachannel/m);
    expect(a.sctp?.state).toBe("connecting");
    const got = (await remote) as Event & { channel: RTCDataChannel };
    const rdc = got.channel;
    // W3C §6.2: the remote channel is open when the datachannel event fires
    expect([rdc.label, rdc.protocol, rdc.readyState]).toEqual(["chat", "json", "open"]);
    await opened;
    expect(dc.id).toBe(rdc.id);
    expect(a.sctp?.state).toBe("connected");
    expect(a.sctp?.maxMessageSize).toBe(262144);
    expect(a.sctp?.maxChannels).toBe(65535);
    const atB = messages(rdc);
    const atA = messages(dc);
    dc.send("hello");
    dc.send(new Uint8Array([1, 2, 3]));
    dc.send(new Uint8Array([9, 8, 7, 6]).buffer);
    dc.send(new DataView(new Uint8Array([5, 5]).buffer));
    dc.send("");
    dc.send(new Uint8Array(0));
    dc.send(new Blob(["blob ", "text"]));
    dc.send("after the blob");
    rdc.send("back");
    await until(() => atB.length === 8 && atA.length === 1, "messages");
    expect(atB.slice(0, 2)).toEqual(["hello", new Uint8Array([1, 2, 3]).buffer]);
    expect(atB[2]).toEqual(new Uint8Array([9, 8, 7, 6]).buffer);
    expect(atB[3]).toEqual(new Uint8Array([5, 5]).buffer);
    expect(atB[4]).toBe("");
    expect(atB[5]).toEqual(new ArrayBuffer(0));
    expect(new TextDecoder().decode(atB[6] as ArrayBuffer)).toBe("blob text");
    expect(atB[7]).toBe("after the blob");
    expect(atA).toEqual(["back"]);
    rdc.binaryType = "blob";
    dc.send(new Uint8Array([42]));
    await until(() => atB.length === 9, "blob message");
    expect(atB[8]).toBeInstanceOf(Blob);
    expect(new Uint8Array(await (atB[8] as Blob).arrayBuffer())).toEqual(new Uint8Array([42]));
    expect(() => {
      rdc.binaryType = "text" as never;
    }).toThrow(expect.objectContaining({ name: "SyntaxError" }));
  });

  it("the spec's exceptions: InvalidStateError before open and after close, TypeError over maxMessageSize and for a bad init, OperationError for an id in use", async () => {
    const [a, b] = pair();
    expect(() => a.createDataChannel("x", { maxRetransmits: 1, maxPacketLifeTime: 1 })).toThrow(TypeError);
    expect(() => a.createDataChannel("x", { negotiated: true })).toThrow(TypeError);
    expect(() => a.createDataChannel("x", { negotiated: true, id: 65535 })).toThrow(TypeError);
    a.createDataChannel("n", { negotiated: true, id: 4 });
    expect(() => a.createDataChannel("n2", { negotiated: true, id: 4 })).toThrow(
      expect.objectContaining({ name: "OperationError" }),
    );
    const dc = a.createDataChannel("x");
    expect(() => dc.send("too early")).toThrow(expect.objectContaining({ name: "InvalidStateError" }));
    const opened = event(dc, "open");
    await negotiate(a, b);
    await opened;
    expect(() => dc.send(new Uint8Array(262145))).toThrow(TypeError);
    dc.send(new Uint8Array(262144));
    const closed = event(dc, "close");
    dc.close();
    expect(dc.readyState).toBe("closing");
    expect(() => dc.send("late")).toThrow(expect.objectContaining({ name: "InvalidStateError" }));
    await closed;
    expect(dc.readyState).toBe("closed");
    a.close();
    expect(() => a.createDataChannel("after close")).toThrow(
      expect.objectContaining({ name: "InvalidStateError" }),
    );
  });

  it("closing from the remote side: closing then close on the far end, close on ours; the id is reused", async () => {
    const [a, b] = pair();
    const dc = a.createDataChannel("one");
    const remote = event(b, "datachannel");
    await negotiate(a, b);
    const rdc = ((await remote) as Event & { channel: RTCDataChannel }).channel;
    await until(() => dc.readyState === "open", "open");
    const kinds: string[] = [];
    for (const t of ["closing", "close"]) dc.addEventListener(t, () => kinds.push(`a:${t}`));
    for (const t of ["closing", "close"]) rdc.addEventListener(t, () => kinds.push(`b:${t}`));
    rdc.close();
    await until(() => kinds.includes("a:close") && kinds.includes("b:close"), "closed both");
    expect(kinds.filter((k) => k.startsWith("a:"))).toEqual(["a:closing", "a:close"]);
    expect(kinds.filter((k) => k.startsWith("b:"))).toEqual(["b:close"]);
    const again = a.createDataChannel("two");
    expect(again.id).toBe(dc.id); // the DTLS role is known now: an id at once, the freed one
  });

  it("bufferedAmount rises on send and falls to the threshold with one bufferedamountlow; getStats has data-channel and sctp-transport entries", async () => {
    const [a, b] = pair();
    const dc = a.createDataChannel("bulk");
    const remote = event(b, "datachannel");
    await negotiate(a, b);
    const rdc = ((await remote) as Event & { channel: RTCDataChannel }).channel;
    await until(() => dc.readyState === "open", "open");
    const atB = messages(rdc);
    dc.bufferedAmountLowThreshold = 65536;
    let low = 0;
    dc.onbufferedamountlow = () => low++;
    const chunk = new Uint8Array(65536);
    for (let i = 0; i < 64; i++) dc.send(chunk);
    expect(dc.bufferedAmount).toBe(64 * 65536);
    await until(() => atB.length === 64, "4 MiB received", 30_000);
    expect(dc.bufferedAmount).toBe(0);
    expect(low).toBe(1);
    rdc.send("x");
    await until(() => dc.readyState === "open" && rdc.bufferedAmount === 0, "x sent");
    const stats = [...(await a.getStats()).values()];
    const entry = stats.find((s) => s.type === "data-channel");
    expect(entry).toMatchObject({
      label: "bulk",
      state: "open",
      messagesSent: 64,
      bytesSent: 64 * 65536,
      dataChannelIdentifier: dc.id,
    });
    expect(stats.find((s) => s.type === "sctp-transport")).toMatchObject({
      state: "connected",
      transportId: "T01",
    });
    expect(stats.find((s) => s.type === "peer-connection")).toMatchObject({ dataChannelsOpened: 1 });
    const bStats = [...(await b.getStats()).values()].find((s) => s.type === "data-channel");
    expect(bStats).toMatchObject({
      messagesReceived: 64,
      bytesReceived: 64 * 65536,
      messagesSent: 1,
      bytesSent: 1,
    });
  });
});

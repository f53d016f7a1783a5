/**
 * The sans-IO TURN client (RFC 8656 §9–§12) against hand-made server responses, on a manual clock:
 * permission and channel timing, Send/Data indications, ChannelData, drops and bounds.
 */
import { describe, expect, it } from "vitest";
import { decodeChannelData, encodeChannelData } from "../../src/wire/channel-data.js";
import { encodeStunMessage, getAttribute, verifyMessageIntegrity } from "../../src/wire/stun-message.js";
import { StunMethod } from "../../src/wire/stun-message-types.js";
import type { TransportAddr } from "../../src/wire/transport-address.js";
import {
  advanceAnswering,
  allocated,
  events,
  KEY,
  OTHER_IP,
  oneRequest,
  PEER,
  PEER2,
  reply,
  requests,
  SEC,
  transmits,
  turn,
} from "./turn-server-replies.js";

describe("TURN permissions, Send indications and channels (RFC 8656 §9–§12)", () => {
  it("creates a permission, queues until it is installed, then sends a Send indication", () => {
    const a = allocated({ channelBinding: "manual" });
    expect(a.sendTo(1 * SEC, PEER, Uint8Array.of(1, 2, 3))).toBe(true);
    const cp = oneRequest(a, StunMethod.CreatePermission);
    expect(getAttribute(cp, "xor-peer-address")?.value.address).toBe(PEER.address);
    expect(verifyMessageIntegrity(cp, KEY)).toBe("ok");
    a.handleDatagram(1 * SEC, reply(cp, "success", []));
    expect(events(a)).toEqual([{ kind: "permission-created", peerAddress: PEER.address }]);
    const [send] = requests(a);
    expect(send?.method === StunMethod.Send && send.class).toBe("indication");
    expect(getAttribute(send ?? cp, "xor-peer-address")?.value).toEqual(PEER);
    expect([...(getAttribute(send ?? cp, "data")?.value ?? [])]).toEqual([1, 2, 3]);
    // a second peer on the same IP needs no new permission
    a.sendTo(2 * SEC, PEER2, Uint8Array.of(9));
    expect(requests(a).map((m) => m.method)).toEqual([StunMethod.Send]);
  });

  it("refreshes a permission every 240 s (they last 300 s)", () => {
    const a = allocated({ channelBinding: "manual" }, 3600);
    a.createPermission(0, PEER.address);
    a.handleDatagram(0, reply(oneRequest(a, StunMethod.CreatePermission), "success", []));
    events(a);
    expect(a.pollTimeout()).toBe(240 * SEC);
    a.handleTimeout(240 * SEC);
    const again = oneRequest(a, StunMethod.CreatePermission);
    a.handleDatagram(241 * SEC, reply(again, "success", []));
    expect(events(a)).toEqual([]); // a refresh is not a new permission
    expect(a.counters["permissions-refreshed"]).toBe(1);
    expect(a.pollTimeout()).toBe(481 * SEC);
  });

  it("reports a refused permission and drops its queued data", () => {
    const a = allocated({ channelBinding: "manual" });
    a.sendTo(0, PEER, Uint8Array.of(1));
    a.sendTo(0, PEER, Uint8Array.of(2));
    const cp = oneRequest(a, StunMethod.CreatePermission);
    a.handleDatagram(0, reply(cp, "error", [{ type: "error-code", code: 403, reason: "Forbidden" }]));
    const [e] = events(a);
    expect(e?.kind === "permission-failed" && [e.peerAddress, e.error.code]).toEqual([
      PEER.address,
      "forbidden",
    ]);
    expect(a.counters["send-dropped-permission-failed"]).toBe(2);
    expect(transmits(a)).toEqual([]);
    expect(a.state).toBe("allocated");
  });

  it("binds channel 0x4000 on first use, then sends ChannelData (unpadded over UDP) and re-binds at 540 s", () => {
    const a = allocated({}, 3600);
    a.sendTo(0, PEER, Uint8Array.of(1, 2, 3, 4, 5));
    const [cp, cb] = requests(a);
    expect(cp?.method).toBe(StunMethod.CreatePermission);
    expect(cb?.method).toBe(StunMethod.ChannelBind);
    if (cp === undefined || cb === undefined) throw new Error("missing requests");
    expect(getAttribute(cb, "channel-number")?.value).toBe(0x4000);
    expect(getAttribute(cb, "xor-peer-address")?.value).toEqual(PEER);
    a.handleDatagram(0, reply(cp, "success", []));
    // permitted, channel not bound yet: the queued datagram goes as a Send indication
    expect(requests(a).map((m) => m.method)).toEqual([StunMethod.Send]);
    a.handleDatagram(0, reply(cb, "success", []));
    expect(events(a).map((e) => e.kind)).toEqual(["permission-created", "channel-bound"]);
    a.sendTo(1, PEER, Uint8Array.of(6, 7, 8, 9, 10));
    const [cd] = transmits(a);
    expect(cd?.length).toBe(4 + 5);
    const decoded = decodeChannelData(cd ?? new Uint8Array(0));
    expect(decoded.ok && [decoded.value.channelNumber, [...decoded.value.data]]).toEqual([
      0x4000,
      [6, 7, 8, 9, 10],
    ]);
    expect(a.channelNumberOf(PEER)).toBe(0x4000);
    // permissions refresh at 240 s, 480 s; the channel at 540 s with the same number, and so on
    const asked = advanceAnswering(a, 1100 * SEC).map(({ at, request }) => [
      at / SEC,
      request.method,
      getAttribute(request, "channel-number")?.value,
    ]);
    expect(asked).toEqual([
      [240, StunMethod.CreatePermission, undefined],
      [480, StunMethod.CreatePermission, undefined],
      [540, StunMethod.ChannelBind, 0x4000],
      [780, StunMethod.CreatePermission, undefined], // the ChannelBind refreshed the permission too
      [1020, StunMethod.CreatePermission, undefined],
      [1080, StunMethod.ChannelBind, 0x4000],
    ]);
    expect(a.counters["channels-refreshed"]).toBe(2);
  });

  it("pads ChannelData to 4 bytes over TCP/TLS", () => {
    const a = allocated({ transport: "tcp" });
    a.bindChannel(0, PEER);
    for (const r of requests(a)) a.handleDatagram(0, reply(r, "success", []));
    events(a);
    a.sendTo(0, PEER, Uint8Array.of(1, 2, 3, 4, 5));
    const [cd] = transmits(a);
    expect(cd?.length).toBe(12);
    expect(decodeChannelData(cd ?? new Uint8Array(0), { padded: true }).ok).toBe(true);
  });

  it("turns Data indications and ChannelData into data events, and drops what no permission or channel covers", () => {
    const a = allocated({ channelBinding: "manual" });
    a.bindChannel(0, PEER);
    for (const r of requests(a)) a.handleDatagram(0, reply(r, "success", []));
    events(a);
    const indication = (peer: TransportAddr, data: Uint8Array): Uint8Array =>
      encodeStunMessage({
        method: StunMethod.Data,
        class: "indication",
        transactionId: new Uint8Array(12).fill(7),
        attributes: [
          { type: "xor-peer-address", value: peer },
          { type: "data", value: data },
        ],
      });
    a.handleDatagram(1, indication(PEER2, Uint8Array.of(1)));
    a.handleDatagram(1, encodeChannelData({ channelNumber: 0x4000, data: Uint8Array.of(2) }));
    expect(events(a)).toEqual([
      { kind: "data", peer: PEER2, data: Uint8Array.of(1), channelNumber: undefined },
      { kind: "data", peer: PEER, data: Uint8Array.of(2), channelNumber: 0x4000 },
    ]);
    a.handleDatagram(2, indication(OTHER_IP, Uint8Array.of(3)));
    a.handleDatagram(2, encodeChannelData({ channelNumber: 0x4001, data: Uint8Array.of(4) }));
    a.handleDatagram(2, Uint8Array.of(0x40, 0x00, 0x00, 0x09, 1)); // length beyond the datagram
    a.handleDatagram(2, Uint8Array.of(0xff, 1, 2, 3));
    a.handleDatagram(
      2,
      encodeStunMessage({
        method: StunMethod.Data,
        class: "indication",
        transactionId: new Uint8Array(12),
        attributes: [],
      }),
    );
    expect(events(a)).toEqual([]);
    expect(a.counters["data-unpermitted-peer"]).toBe(1);
    expect(a.counters["channel-data-unknown-channel"]).toBe(1);
    expect(a.counters.malformed).toBe(2);
    expect(a.counters["data-indication-malformed"]).toBe(1);
    expect(a.state).toBe("allocated");
  });

  it("bounds permissions, channels and queued data", () => {
    const a = allocated({ maxPermissions: 1, maxChannels: 1, maxQueuedPerPeer: 2 });
    expect(a.sendTo(0, PEER, Uint8Array.of(1))).toBe(true);
    expect(a.sendTo(0, PEER, Uint8Array.of(2))).toBe(true);
    expect(a.sendTo(0, PEER, Uint8Array.of(3))).toBe(false);
    expect(a.counters["send-queue-overflow"]).toBe(1);
    expect(a.sendTo(0, OTHER_IP, Uint8Array.of(4))).toBe(false);
    expect(a.counters["send-permission-limit"]).toBe(1);
    a.sendTo(0, PEER2, Uint8Array.of(5)); // same IP, but the one channel is taken
    expect(a.counters["channel-limit"]).toBe(1);
    expect(requests(a).map((m) => m.method)).toEqual([StunMethod.CreatePermission, StunMethod.ChannelBind]);
  });

  it("refuses sendTo before the allocation exists (UsageError)", () => {
    const a = turn();
    expect(() => a.sendTo(0, PEER, Uint8Array.of(1))).toThrow(/sendTo\(\) in state idle/);
  });

  it("keeps a peer on Send indications after its ChannelBind failed", () => {
    const a = allocated();
    a.sendTo(0, PEER, Uint8Array.of(1));
    const [cp, cb] = requests(a);
    if (cp === undefined || cb === undefined) throw new Error("missing requests");
    a.handleDatagram(0, reply(cp, "success", []));
    a.handleDatagram(
      0,
      reply(cb, "error", [{ type: "error-code", code: 400, reason: "Bad" }], { integrity: "none" }),
    );
    expect(events(a).map((e) => e.kind)).toEqual(["permission-created", "channel-failed"]);
    transmits(a);
    a.sendTo(1, PEER, Uint8Array.of(2));
    expect(requests(a).map((m) => m.method)).toEqual([StunMethod.Send]);
  });
});

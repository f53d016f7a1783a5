/**
 * The `turn-allocation-live` fuzz target: a TURN allocation driven by a scripted server (authentic
 * answers, then whatever the input holds). Registered in ice-fuzz-targets.ts.
 */
import { joinChunks, splitChunks } from "@tern/test-support";
import { longTermKey } from "../../src/crypto/stun-integrity.js";
import { TurnAllocation } from "../../src/machine/turn-allocation.js";
import { encodeChannelData } from "../../src/wire/channel-data.js";
import { decodeStunMessage, encodeStunMessage } from "../../src/wire/stun-message.js";
import {
  type DecodedStunMessage,
  type StunAttribute,
  StunMethod,
} from "../../src/wire/stun-message-types.js";
import type { TransportAddr } from "../../src/wire/transport-address.js";
import { text } from "./fuzz-seeds.js";

const TURN_SERVER: TransportAddr = { address: "192.0.2.1", port: 3478 };
const TURN_KEY = longTermKey("alice", "example.org", "secret");
const RELAYED: TransportAddr = { address: "192.0.2.1", port: 49152 };

function turnAnswer(req: DecodedStunMessage, challenged: boolean): Uint8Array {
  const reply = (cls: "success" | "error", attributes: StunAttribute[], key?: Uint8Array): Uint8Array =>
    encodeStunMessage(
      { method: req.method, class: cls, transactionId: req.transactionId, attributes },
      key ? { integrityKey: key } : {},
    );
  if (!challenged)
    return reply("error", [
      { type: "error-code", code: 401, reason: "Unauthorized" },
      { type: "realm", value: "example.org" },
      { type: "nonce", value: "nonce-1" },
    ]);
  if (req.method === StunMethod.Allocate)
    return reply(
      "success",
      [
        { type: "xor-relayed-address", value: RELAYED },
        { type: "xor-mapped-address", value: { address: "198.51.100.7", port: 40000 } },
        { type: "lifetime", value: 600 },
      ],
      TURN_KEY,
    );
  return reply(
    "success",
    req.method === StunMethod.Refresh ? [{ type: "lifetime", value: 600 }] : [],
    TURN_KEY,
  );
}

/**
 * Input: u16-prefixed chunks, each a control byte (bits 0-1: 0 deliver the bytes from the server, 1 the
 * server answers the latest request correctly, 2 send the bytes to a peer, 3 bind a channel; bits 2-7:
 * seconds × 5 to advance) and bytes.
 */
export function runTurnAllocation(input: Uint8Array): void {
  let n = 1;
  const a = new TurnAllocation({
    server: TURN_SERVER,
    username: "alice",
    password: "secret",
    random: (k) => Uint8Array.from({ length: k }, () => n++ & 0xff),
    maxPermissions: 4,
    maxChannels: 4,
    maxQueuedPerPeer: 4,
  });
  const peer: TransportAddr = { address: "203.0.113.5", port: 5000 };
  let now = 0;
  let latest: DecodedStunMessage | undefined;
  let challenged = false;
  const drain = (): void => {
    for (let t = a.pollTransmit(); t; t = a.pollTransmit()) {
      const d = decodeStunMessage(t.data);
      if (d.ok && d.value.class === "request") latest = d.value;
    }
    for (let e = a.pollEvent(); e; e = a.pollEvent());
  };
  a.allocate(now);
  drain();
  for (const chunk of splitChunks(input, 0, 48)) {
    const ctl = chunk[0] ?? 0;
    const body = chunk.subarray(1);
    now += (ctl >> 2) * 5000;
    a.handleTimeout(now);
    drain();
    switch (ctl & 3) {
      case 0:
        a.handleDatagram(now, body);
        break;
      case 1:
        if (latest) {
          a.handleDatagram(now, turnAnswer(latest, challenged));
          challenged = true;
        }
        break;
      case 2:
        if (a.state === "allocated") a.sendTo(now, peer, body);
        break;
      case 3:
        if (a.state === "allocated")
          a.bindChannel(now, { address: peer.address, port: 5000 + (body[0] ?? 0) });
        break;
    }
    drain();
  }
}

export function turnSeeds(): Uint8Array[] {
  const data = encodeChannelData({ channelNumber: 0x4000, data: text.encode("relayed") });
  const indication = encodeStunMessage({
    method: StunMethod.Data,
    class: "indication",
    transactionId: new Uint8Array(12).fill(9),
    attributes: [
      { type: "xor-peer-address", value: { address: "203.0.113.5", port: 5000 } },
      { type: "data", value: text.encode("hello") },
    ],
  });
  return [
    joinChunks([
      Uint8Array.of(1),
      Uint8Array.of(1),
      Uint8Array.of(2, ...text.encode("to the peer")),
      Uint8Array.of(1),
      Uint8Array.of(3, 0),
      Uint8Array.of(1),
      Uint8Array.of(0, ...data),
      Uint8Array.of(0, ...indication),
      Uint8Array.of(60 << 2),
      Uint8Array.of(1),
    ]),
  ];
}

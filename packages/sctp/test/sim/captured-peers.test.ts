import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type Chunk,
  decodeSctpPacket,
  encodeSctpPacket,
  SctpAssociation,
  type SctpEvent,
} from "../../src/index.js";
import { Prng } from "./prng.js";

interface Captured {
  readonly name: string;
  readonly hex: string;
}
const captured = (
  JSON.parse(readFileSync(new URL("../vectors/captured-packets.json", import.meta.url), "utf8")) as {
    packets: Captured[];
  }
).packets;

function bytes(name: string): Uint8Array {
  const p = captured.find((c) => c.name === name);
  if (p === undefined) throw new Error(`no captured packet ${name}`);
  return Uint8Array.from(Buffer.from(p.hex, "hex"));
}

function chunksOf(packet: Uint8Array): readonly Chunk[] {
  const d = decodeSctpPacket(packet);
  if (!d.ok) throw new Error(`undecodable: ${d.error.code}`);
  return d.value.chunks;
}

describe("a real peer's set-up packets (Chromium, usrsctp era; test/vectors/captured-packets.json)", () => {
  it("Chromium's INIT is answered statelessly, and its COOKIE ECHO gives what it announced: FORWARD TSN and RE-CONFIG, no I-DATA, no zero checksum", () => {
    const r = new Prng(141);
    const tern = new SctpAssociation({ random: (n) => r.bytes(n) });
    const init = bytes("chromium-init");
    const initChunk = chunksOf(init)[0];
    if (initChunk?.type !== "init") throw new Error("not an INIT");
    tern.handlePacket(0, init);
    expect(tern.state).toBe("closed");
    const answer = tern.pollTransmit() as Uint8Array;
    const d = decodeSctpPacket(answer);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    // Under the INIT's Initiate Tag, with a correct CRC32c (Chromium announced no zero checksum).
    expect(d.value.verificationTag).toBe(initChunk.initiateTag);
    const ack = d.value.chunks[0];
    if (ack?.type !== "init-ack") throw new Error("no INIT ACK");
    expect(tern.pollTransmit()).toBeUndefined();
    const cookie = ack.parameters.find((p) => p.type === "state-cookie");
    if (cookie?.type !== "state-cookie") throw new Error("no cookie");
    // Chromium's COOKIE ECHO (as its stack would build it), with DATA bundled behind it (a DCEP OPEN).
    const echo = encodeSctpPacket({
      sourcePort: 5000,
      destinationPort: 5000,
      verificationTag: ack.initiateTag,
      chunks: [
        { type: "cookie-echo", cookie: cookie.cookie },
        {
          type: "data",
          immediate: false,
          unordered: false,
          beginning: true,
          ending: true,
          tsn: initChunk.initialTsn,
          streamId: 1,
          ssn: 0,
          ppid: 50,
          userData: Uint8Array.of(3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        },
      ],
    });
    tern.handlePacket(10, echo);
    expect(tern.state).toBe("established");
    const events: SctpEvent[] = [];
    for (let e = tern.pollEvent(); e !== undefined; e = tern.pollEvent()) events.push(e);
    expect(events[0]).toMatchObject({
      kind: "connected",
      iData: false,
      zeroChecksumSend: false,
      zeroChecksumReceive: true,
    });
    expect(events[1]).toMatchObject({ kind: "message", streamId: 1, ppid: 50 });
    // COOKIE ACK first, under Chromium's tag.
    const reply = tern.pollTransmit() as Uint8Array;
    const rd = decodeSctpPacket(reply);
    expect(rd.ok && rd.value.verificationTag).toBe(initChunk.initiateTag);
    expect(rd.ok && rd.value.chunks[0]?.type).toBe("cookie-ack");
    // DATA to Chromium goes as DATA (no I-DATA), and reset works (RE-CONFIG was announced).
    tern.send(20, 1, 51, Uint8Array.of(104, 105));
    tern.resetStreams(20, [1]);
  });

  it("Chromium's INIT ACK in reply to our INIT: its tag is taken, its cookie echoed", () => {
    const r = new Prng(142);
    const tern = new SctpAssociation({ random: (n) => r.bytes(n) });
    tern.connect(0);
    const ourInit = chunksOf(tern.pollTransmit() as Uint8Array)[0];
    if (ourInit?.type !== "init") throw new Error("no INIT");
    // The captured INIT ACK answers another INIT: re-address it to ours (its tag) and re-checksum.
    const captured = bytes("chromium-init-ack");
    const d = decodeSctpPacket(captured);
    if (!d.ok) throw new Error("undecodable");
    const ack = d.value.chunks[0];
    if (ack?.type !== "init-ack") throw new Error("not an INIT ACK");
    const readdressed = encodeSctpPacket({ ...d.value, verificationTag: ourInit.initiateTag });
    tern.handlePacket(5, readdressed);
    expect(tern.state).toBe("cookie-echoed");
    const echo = decodeSctpPacket(tern.pollTransmit() as Uint8Array);
    expect(echo.ok && echo.value.verificationTag).toBe(ack.initiateTag);
    const cookie = ack.parameters.find((p) => p.type === "state-cookie");
    expect(echo.ok && echo.value.chunks[0]).toEqual({
      type: "cookie-echo",
      cookie: cookie?.type === "state-cookie" ? cookie.cookie : undefined,
    });
  });
});

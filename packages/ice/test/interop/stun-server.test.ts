import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classes, Message, methods, StunProtocol } from "werift-ice";
import { StunTransactionTable } from "../../src/machine/stun-transaction.js";
import { type RunningStunServer, startStunServer } from "../../src/node/stun-server.js";
import { decodeStunMessage, encodeStunMessage, getAttribute } from "../../src/wire/stun-message.js";
import { type DecodedStunMessage, StunMethod } from "../../src/wire/stun-message-types.js";
import type { TransportAddr } from "../../src/wire/transport-address.js";

async function udpClient(host = "127.0.0.1"): Promise<{ socket: Socket; local: TransportAddr }> {
  const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  const a = socket.address();
  return { socket, local: { address: a.address, port: a.port } };
}

/** Our client: a StunTransactionTable driven by one socket and one timer, resolving on the response. */
async function bindingRequest(
  server: TransportAddr,
): Promise<{ local: TransportAddr; response: DecodedStunMessage }> {
  const { socket, local } = await udpClient(server.address.includes(":") ? "::1" : "127.0.0.1");
  const table = new StunTransactionTable({ rtoMs: 100 });
  const id = Uint8Array.from(randomBytes(12));
  const bytes = encodeStunMessage(
    { method: StunMethod.Binding, class: "request", transactionId: id, attributes: [] },
    { fingerprint: true },
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise((resolve, reject) => {
      const flush = (): void => {
        for (let t = table.pollTransmit(); t !== undefined; t = table.pollTransmit()) {
          socket.send(t.data, t.to.port, t.to.address);
        }
        const ev = table.pollEvent();
        if (ev !== undefined) reject(new Error(`STUN ${ev.kind} after ${ev.sends} sends`));
        clearTimeout(timer);
        const at = table.pollTimeout();
        if (at !== undefined) {
          timer = setTimeout(() => {
            table.handleTimeout(performance.now());
            flush();
          }, at - performance.now());
        }
      };
      socket.on("message", (data) => {
        const d = decodeStunMessage(data);
        if (!d.ok) return;
        const r = table.handleResponse(performance.now(), d.value);
        if (r !== undefined) resolve({ local, response: d.value });
      });
      table.start(performance.now(), id, server, bytes);
      flush();
    });
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}

/** A raw datagram exchange: send, wait for the first reply. */
async function rawExchange(server: TransportAddr, data: Uint8Array): Promise<DecodedStunMessage> {
  const { socket } = await udpClient();
  try {
    const reply = once(socket, "message") as Promise<[Buffer]>;
    socket.send(data, server.port, server.address);
    const [buf] = await reply;
    const d = decodeStunMessage(buf);
    if (!d.ok) throw new Error(`reply does not decode: ${d.error.code}`);
    return d.value;
  } finally {
    socket.close();
  }
}

describe("tern STUN server on 127.0.0.1 (node:dgram adapter)", () => {
  let server: RunningStunServer;
  beforeAll(async () => {
    server = await startStunServer({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await server.close();
  });

  it("answers our client with our own address in XOR-MAPPED-ADDRESS", async () => {
    expect(server.address.address).toBe("127.0.0.1");
    expect(server.address.port).toBeGreaterThan(0);
    const { local, response } = await bindingRequest(server.address);
    expect(response.class).toBe("success");
    expect(getAttribute(response, "xor-mapped-address")?.value).toEqual(local);
    expect(getAttribute(response, "mapped-address")?.value).toEqual(local);
    expect(getAttribute(response, "software")?.value).toBe("tern-stun");
    expect(server.counters["binding-success"]).toBeGreaterThanOrEqual(1);
  });

  it("answers werift-ice's STUN client (StunProtocol.request)", async () => {
    const protocol = new StunProtocol();
    await protocol.connectionMade(true, undefined, { udp4: "127.0.0.1" });
    try {
      const [response] = await protocol.request(new Message(methods.BINDING, classes.REQUEST), [
        server.address.address,
        server.address.port,
      ]);
      const [localIp, localPort] = protocol.getExtraInfo();
      expect(response.getAttributeValue("XOR-MAPPED-ADDRESS")).toEqual([localIp, localPort]);
      expect(response.getAttributeValue("MAPPED-ADDRESS")).toEqual([localIp, localPort]);
    } finally {
      await protocol.close();
    }
  });

  it("answers a raw hand-built request carrying an unknown comprehension-required attribute with 420", async () => {
    const tid = randomBytes(12).toString("hex");
    // Binding request, length 8, attribute 0x0033 with a 4-byte value.
    const raw = Uint8Array.from(
      Buffer.from(`00010008 2112a442 ${tid} 00330004 deadbeef`.replace(/ /g, ""), "hex"),
    );
    const r = await rawExchange(server.address, raw);
    expect(Buffer.from(r.transactionId).toString("hex")).toBe(tid);
    expect(getAttribute(r, "error-code")?.code).toBe(420);
    expect(getAttribute(r, "unknown-attributes")?.value).toEqual([0x0033]);
  });

  it("counts garbage without answering", async () => {
    const before = server.counters["drop-too-short"];
    const { socket } = await udpClient();
    socket.send(Uint8Array.of(1, 2, 3), server.address.port, server.address.address);
    // A request right after: its answer proves the garbage was processed first (same socket, in order).
    const tid = Uint8Array.from(randomBytes(12));
    const reply = once(socket, "message") as Promise<[Buffer]>;
    socket.send(
      encodeStunMessage({ method: 1, class: "request", transactionId: tid, attributes: [] }),
      server.address.port,
      "127.0.0.1",
    );
    const [buf] = await reply;
    socket.close();
    const d = decodeStunMessage(buf);
    expect(d.ok && d.value.class).toBe("success");
    expect(server.counters["drop-too-short"]).toBe(before + 1);
  });
});

describe("tern STUN server on ::1", () => {
  it("maps an IPv6 client into an IPv6 XOR-MAPPED-ADDRESS", async () => {
    const server = await startStunServer({ port: 0, host: "::1", mappedAddress: false });
    try {
      const { local, response } = await bindingRequest(server.address);
      expect(local.address).toBe("::1");
      expect(getAttribute(response, "xor-mapped-address")?.value).toEqual(local);
      expect(getAttribute(response, "mapped-address")).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});

describe("tern-stun-server binary", () => {
  it("starts, logs JSON with its address, answers, and exits on SIGTERM", async () => {
    const bin = fileURLToPath(new URL("../../src/bin/stun-server.ts", import.meta.url));
    const child = spawn(
      process.execPath,
      ["--conditions=tern-source", "--import", "tsx", bin, "--port", "0", "--host", "127.0.0.1"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString();
    });
    try {
      const listening = await new Promise<{ address: TransportAddr }>((resolve, reject) => {
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
          for (const line of out.split("\n")) {
            if (line.includes('"stun server listening"'))
              resolve(JSON.parse(line) as { address: TransportAddr });
          }
        });
        child.once("exit", (code) => reject(new Error(`exited ${code}: ${err}`)));
      });
      const { local, response } = await bindingRequest(listening.address);
      expect(getAttribute(response, "xor-mapped-address")?.value).toEqual(local);
    } finally {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
    expect(out).toContain('"shutting down"');
  });
});

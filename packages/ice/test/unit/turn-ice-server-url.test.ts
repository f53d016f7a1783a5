/** STUN / TURN URIs: RFC 7064 §3 and RFC 7065 §3 (including their examples). */
import { describe, expect, it } from "vitest";
import { parseIceServerUrl } from "../../src/wire/ice-server-url.js";

const ok = (url: string) => {
  const r = parseIceServerUrl(url);
  if (!r.ok) throw new Error(`${url}: ${r.error.code} at ${r.error.at}`);
  return r.value;
};
const errorCode = (url: string) => {
  const r = parseIceServerUrl(url);
  return r.ok ? "ok" : r.error.code;
};

describe("parseIceServerUrl (RFC 7064, RFC 7065)", () => {
  it("parses the RFC 7065 §3 examples with their default ports and transports", () => {
    expect(ok("turn:example.org")).toEqual({
      scheme: "turn",
      host: "example.org",
      port: 3478,
      transport: "udp",
      secure: false,
    });
    expect(ok("turns:example.org")).toEqual({
      scheme: "turns",
      host: "example.org",
      port: 5349,
      transport: "tls",
      secure: true,
    });
    expect(ok("turn:example.org:8000").port).toBe(8000);
    expect(ok("turn:example.org?transport=udp").transport).toBe("udp");
    expect(ok("turn:example.org?transport=tcp").transport).toBe("tcp");
    expect(ok("turns:example.org?transport=tcp").transport).toBe("tls");
    expect(ok("turns:example.org?transport=udp").transport).toBe("dtls");
  });

  it("parses the RFC 7064 §3 examples", () => {
    expect(ok("stun:example.org")).toEqual({
      scheme: "stun",
      host: "example.org",
      port: 3478,
      transport: "udp",
      secure: false,
    });
    expect(ok("stuns:example.org")).toMatchObject({ port: 5349, transport: "tls", secure: true });
    expect(ok("stun:example.org:8000").port).toBe(8000);
  });

  it("accepts IPv4 and bracketed IPv6 literals, and case-insensitive schemes", () => {
    expect(ok("turn:192.0.2.1:3479?transport=tcp")).toMatchObject({
      host: "192.0.2.1",
      port: 3479,
      transport: "tcp",
    });
    expect(ok("turn:[2001:db8::1]:3478")).toMatchObject({ host: "2001:db8::1", port: 3478 });
    expect(ok("stun:[::1]")).toMatchObject({ host: "::1", port: 3478 });
    expect(ok("TURN:Example.org?transport=TCP")).toMatchObject({ scheme: "turn", transport: "tcp" });
  });

  it("refuses what the grammar does not allow", () => {
    expect(errorCode("http://example.org")).toBe("bad-scheme");
    expect(errorCode("example.org")).toBe("bad-scheme");
    expect(errorCode("turn:")).toBe("bad-host");
    expect(errorCode("turn://example.org")).toBe("bad-host");
    expect(errorCode("turn:user@example.org")).toBe("bad-host");
    expect(errorCode("turn:example.org/path")).toBe("bad-host");
    expect(errorCode("turn:[2001:db8::1")).toBe("bad-host");
    expect(errorCode("turn:[example.org]")).toBe("bad-host");
    expect(errorCode("turn:2001:db8::1")).toBe("bad-host");
    expect(errorCode("turn:example.org:")).toBe("bad-port");
    expect(errorCode("turn:example.org:0")).toBe("bad-port");
    expect(errorCode("turn:example.org:65536")).toBe("bad-port");
    expect(errorCode("turn:example.org:80a")).toBe("bad-port");
    expect(errorCode("stun:example.org?transport=udp")).toBe("bad-query");
    expect(errorCode("turn:example.org?foo=bar")).toBe("bad-query");
    expect(errorCode("turn:example.org?transport=sctp")).toBe("unsupported-transport");
    expect(errorCode(`turn:${"a".repeat(3000)}`)).toBe("too-long");
  });
});

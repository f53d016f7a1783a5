import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type Candidate,
  formatCandidate,
  isConnectionAddress,
  MAX_CANDIDATE_EXTENSIONS,
  parseCandidate,
} from "../../src/wire/candidate.js";

function candidateLines(file: string): string[] {
  const sdp = readFileSync(new URL(`../vectors/${file}`, import.meta.url), "utf8");
  return sdp.split(/\r?\n/).filter((l) => l.startsWith("a=candidate:"));
}

function parsed(text: string): Candidate {
  const r = parseCandidate(text);
  if (!r.ok) throw new Error(`parse failed: ${r.error.code} at ${r.error.at} in ${JSON.stringify(text)}`);
  return r.value;
}

describe("parseCandidate on browser captures (test/vectors/README.md)", () => {
  it("parses every Chromium 156 candidate and formats it back byte for byte", () => {
    const lines = candidateLines("chromium-156-offer.sdp");
    expect(lines.length).toBe(6);
    for (const line of lines) {
      const c = parsed(line);
      expect(formatCandidate(c)).toBe(line.slice(2));
    }
    expect(parsed(lines[0]!)).toEqual({
      foundation: "1338022094",
      component: 1,
      transport: "udp",
      priority: 2122260223,
      address: "127.0.0.1",
      port: 40689,
      type: "host",
      extensions: [
        { name: "generation", value: "0" },
        { name: "network-id", value: "1" },
        { name: "network-cost", value: "50" },
      ],
    });
    expect(parsed(lines[1]!)).toMatchObject({
      transport: "tcp",
      port: 9,
      tcpType: "active",
      priority: 1518280447,
    });
  });

  it("parses every Firefox 153 candidate (UDP lowercased, IPv6 hosts, component 2)", () => {
    const lines = candidateLines("firefox-153-offer.sdp");
    expect(lines.length).toBe(20);
    const cs = lines.map(parsed);
    expect(cs.every((c) => c.transport === "udp" && c.type === "host" && c.extensions.length === 0)).toBe(
      true,
    );
    expect(cs.map((c) => c.address)).toContain("::1");
    expect(cs.map((c) => c.address)).toContain("fd00::2");
    expect(cs.filter((c) => c.component === 2).length).toBe(8);
    expect(cs[0]).toMatchObject({ foundation: "0", priority: 2122055935, address: "127.0.0.1", port: 47711 });
    for (const [i, c] of cs.entries()) {
      expect(formatCandidate(c)).toBe(lines[i]!.slice(2).replace(" UDP ", " udp "));
    }
  });
});

describe("parseCandidate forms", () => {
  const chromeMdns =
    "candidate:2950950264 1 udp 2113937151 1f8e3bd9-3a1c-4d3e-8f5a-0c2b7d9e4f61.local 57045 typ host generation 0 ufrag 4ZcD network-cost 999";

  it("accepts a=candidate:, candidate: and the bare value, with a trailing CRLF", () => {
    const bare = chromeMdns.slice("candidate:".length);
    const a = parsed(`a=${chromeMdns}\r\n`);
    expect(parsed(chromeMdns)).toEqual(a);
    expect(parsed(bare)).toEqual(a);
    expect(a.address).toBe("1f8e3bd9-3a1c-4d3e-8f5a-0c2b7d9e4f61.local");
    expect(a.extensions.map((e) => e.name)).toEqual(["generation", "ufrag", "network-cost"]);
  });

  it("parses srflx and relay candidates with raddr/rport", () => {
    const srflx = parsed(
      "candidate:842163049 1 udp 1677729535 203.0.113.5 54400 typ srflx raddr 192.168.1.2 rport 54401 generation 0 ufrag sK2n network-cost 999",
    );
    expect(srflx).toMatchObject({ type: "srflx", relatedAddress: "192.168.1.2", relatedPort: 54401 });
    const relay = parsed(
      "candidate:3 1 UDP 92217087 198.51.100.7 61234 typ relay raddr 203.0.113.5 rport 54400",
    );
    expect(relay).toMatchObject({ type: "relay", address: "198.51.100.7", relatedAddress: "203.0.113.5" });
    expect(formatCandidate(relay)).toBe(
      "candidate:3 1 udp 92217087 198.51.100.7 61234 typ relay raddr 203.0.113.5 rport 54400",
    );
    // Chromium hides the base of an srflx behind an mDNS host as 0.0.0.0 0.
    expect(
      parsed("candidate:1 1 udp 1686052607 203.0.113.5 1 typ srflx raddr 0.0.0.0 rport 0"),
    ).toMatchObject({
      relatedAddress: "0.0.0.0",
      relatedPort: 0,
    });
  });

  it("parses IPv6 (full and compressed, v4-mapped), prflx and tcptype passive/so", () => {
    expect(parsed("candidate:a+/b 1 udp 1 2001:db8:0:0:0:0:0:1 1 typ prflx").address).toBe(
      "2001:db8:0:0:0:0:0:1",
    );
    expect(parsed("candidate:1 1 udp 1 ::ffff:192.0.2.1 1 typ host").address).toBe("::ffff:192.0.2.1");
    expect(parsed("candidate:1 1 TCP 1 10.0.0.1 443 typ host tcptype passive")).toMatchObject({
      transport: "tcp",
      tcpType: "passive",
    });
    expect(parsed("candidate:1 1 tcp 1 10.0.0.1 443 typ host tcptype so").tcpType).toBe("so");
    expect(parsed("candidate:1 1 dccp 1 10.0.0.1 443 typ host").transport).toBe("dccp");
  });

  it("accepts the limits: 32-char foundation, component 256, uint32 priority, port 65535", () => {
    const c = parsed(`candidate:${"a".repeat(32)} 256 udp 4294967295 10.0.0.1 65535 typ host`);
    expect(c).toMatchObject({ component: 256, priority: 4294967295, port: 65535 });
  });
});

describe("parseCandidate rejects", () => {
  const base = "candidate:1 1 udp 2122260223 10.0.0.1 40689 typ host";
  const cases: [string, string, string][] = [
    ["empty", "", "missing-field"],
    ["missing fields", "candidate:1 1 udp 2122260223 10.0.0.1", "missing-field"],
    ["missing type", "candidate:1 1 udp 2122260223 10.0.0.1 40689 typ", "missing-field"],
    ["no typ keyword", "candidate:1 1 udp 2122260223 10.0.0.1 40689 type host", "missing-typ"],
    ["foundation > 32", `candidate:${"a".repeat(33)} 1 udp 1 10.0.0.1 1 typ host`, "bad-foundation"],
    ["foundation char", "candidate:a-b 1 udp 1 10.0.0.1 1 typ host", "bad-foundation"],
    ["component 0", "candidate:1 0 udp 1 10.0.0.1 1 typ host", "bad-component"],
    ["component 257", "candidate:1 257 udp 1 10.0.0.1 1 typ host", "bad-component"],
    ["component text", "candidate:1 x udp 1 10.0.0.1 1 typ host", "bad-component"],
    ["transport", "candidate:1 1 u/dp 1 10.0.0.1 1 typ host", "bad-transport"],
    ["priority > uint32", "candidate:1 1 udp 4294967296 10.0.0.1 1 typ host", "bad-priority"],
    ["priority negative", "candidate:1 1 udp -1 10.0.0.1 1 typ host", "bad-priority"],
    ["address", "candidate:1 1 udp 1 10.0.0.256 1 typ host", "bad-address"],
    ["address zone", "candidate:1 1 udp 1 fe80::1%eth0 1 typ host", "bad-address"],
    ["address junk", "candidate:1 1 udp 1 not_a..host 1 typ host", "bad-address"],
    ["port 65536", "candidate:1 1 udp 1 10.0.0.1 65536 typ host", "bad-port"],
    ["port text", "candidate:1 1 udp 1 10.0.0.1 http typ host", "bad-port"],
    ["port negative", "candidate:1 1 udp 1 10.0.0.1 -1 typ host", "bad-port"],
    ["unknown type", "candidate:1 1 udp 1 10.0.0.1 1 typ srvflx", "unknown-candidate-type"],
    ["raddr", `${base} raddr 999.1.1.1 rport 1`, "bad-related-address"],
    ["rport", `${base} raddr 10.0.0.2 rport 99999`, "bad-related-port"],
    ["duplicate raddr", `${base} raddr 10.0.0.2 raddr 10.0.0.3`, "duplicate-extension"],
    ["dangling extension", `${base} generation`, "missing-extension-value"],
    ["extension name", `${base} gen:eration 0`, "bad-extension-name"],
    ["extension value", `${base} generation ü`, "bad-extension-value"],
    ["CR LF inside", `${base} generation 0\r\na=x 1`, "bad-extension-value"],
  ];
  it.each(cases)("%s", (_name, text, code) => {
    const r = parseCandidate(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it("reports where: the offset of the offending field", () => {
    const text = "a=candidate:1 1 udp 1 10.0.0.1 70000 typ host";
    const r = parseCandidate(text);
    expect(r).toEqual({ ok: false, error: { code: "bad-port", at: text.indexOf("70000") } });
  });

  it("bounds the length and the extension count", () => {
    const long = `${"candidate:1 1 udp 1 10.0.0.1 1 typ host"} x ${"y".repeat(1000)}`;
    expect(parseCandidate(long)).toEqual({ ok: false, error: { code: "too-long", at: 1024 } });
    const many = (n: number): string =>
      `candidate:1 1 udp 1 10.0.0.1 1 typ host${Array.from({ length: n }, (_, i) => ` e${i} ${i}`).join("")}`;
    expect(parseCandidate(many(MAX_CANDIDATE_EXTENSIONS)).ok).toBe(true);
    const r = parseCandidate(many(MAX_CANDIDATE_EXTENSIONS + 1));
    expect(r.ok === false && r.error.code).toBe("too-many-extensions");
  });
});

describe("isConnectionAddress", () => {
  it("accepts IP literals and host names, rejects the rest", () => {
    for (const ok of ["127.0.0.1", "::1", "fd00::2", "example.com", "abc-def.local", "localhost"]) {
      expect(isConnectionAddress(ok), ok).toBe(true);
    }
    for (const bad of ["", "1.2.3", "1.2.3.4.5", "-a.local", "a..b", "a b", "fe80::1%1", "x".repeat(254)]) {
      expect(isConnectionAddress(bad), bad).toBe(false);
    }
  });
});

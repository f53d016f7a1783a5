import { describe, expect, it } from "vitest";
import { peerConnectionState } from "../../src/machine/connection-state.js";
import { withLocalCandidates } from "../../src/sdp/local-candidates.js";

const SDP = [
  "v=0",
  "o=- 1 1 IN IP4 0.0.0.0",
  "s=-",
  "t=0 0",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "a=mid:0",
  "a=candidate:old 1 udp 1 10.0.0.1 9 typ host",
  "m=application 0 UDP/DTLS/SCTP webrtc-datachannel",
  "a=mid:1",
  "m=video 9 UDP/TLS/RTP/SAVPF 96",
  "a=mid:2",
  "",
].join("\r\n");

describe("withLocalCandidates", () => {
  it("puts the gathered candidates (and end-of-candidates) in every accepted m= section, not in rejected ones", () => {
    const out = withLocalCandidates(
      { type: "offer", sdp: SDP },
      ["candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host"],
      true,
    );
    const sections = out.sdp.split("m=").slice(1);
    expect(sections[0]).toContain(
      "a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host\r\na=end-of-candidates",
    );
    expect(sections[0]).not.toContain("candidate:old");
    expect(sections[1]).not.toContain("a=candidate");
    expect(sections[2]).toContain("a=end-of-candidates");
    expect(out.sdp.endsWith("\r\n")).toBe(true);
  });

  it("leaves a description alone before anything was gathered", () => {
    const d = { type: "answer" as const, sdp: SDP };
    expect(withLocalCandidates(d, [], false)).toBe(d);
  });
});

describe("peerConnectionState (W3C webrtc-pc §4.3.3)", () => {
  const base = {
    ice: "new" as const,
    dtlsStarted: false,
    dtlsConnected: false,
    dtlsFailed: false,
    dtlsClosed: false,
  };
  it("maps the transports' states", () => {
    expect(peerConnectionState(base)).toBe("new");
    expect(peerConnectionState({ ...base, ice: "checking" })).toBe("connecting");
    expect(peerConnectionState({ ...base, ice: "connected", dtlsStarted: true })).toBe("connecting");
    expect(peerConnectionState({ ...base, ice: "completed", dtlsStarted: true, dtlsConnected: true })).toBe(
      "connected",
    );
    expect(peerConnectionState({ ...base, ice: "disconnected", dtlsConnected: true })).toBe("disconnected");
    expect(peerConnectionState({ ...base, ice: "connected", dtlsFailed: true })).toBe("failed");
    expect(peerConnectionState({ ...base, ice: "failed" })).toBe("failed");
    expect(peerConnectionState({ ...base, ice: "connected", dtlsConnected: true, dtlsClosed: true })).toBe(
      "closed",
    );
  });
});

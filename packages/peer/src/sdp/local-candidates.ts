import type { SessionDescriptionInit } from "./signaling-state.js";

/**
 * A local description as the browser shows it (W3C webrtc-pc §4.4.1.6): the candidates gathered so far
 * (`candidate:…` lines) in every accepted m= section — BUNDLE puts them all on one transport — and
 * `a=end-of-candidates` once gathering is complete (RFC 8840 §4.1). Earlier candidate lines are replaced.
 */
export function withLocalCandidates(
  d: SessionDescriptionInit,
  candidates: readonly string[],
  complete: boolean,
): SessionDescriptionInit {
  if (candidates.length === 0 && !complete) return d;
  const extra = [...candidates.map((c) => `a=${c}`), ...(complete ? ["a=end-of-candidates"] : [])];
  const out: string[] = [];
  let inAccepted = false;
  const flush = (): void => {
    if (inAccepted) out.push(...extra);
  };
  for (const line of d.sdp.split("\r\n")) {
    if (line.startsWith("m=")) {
      flush();
      inAccepted = !/^m=\S+ 0 /.test(line);
    }
    if (line === "" && out.length > 0 && out[out.length - 1] !== "") {
      flush();
      inAccepted = false;
    }
    if (line.startsWith("a=candidate:") || line === "a=end-of-candidates") continue;
    out.push(line);
  }
  flush();
  return { type: d.type, sdp: out.join("\r\n") };
}

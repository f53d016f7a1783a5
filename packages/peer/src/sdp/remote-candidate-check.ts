import { type Candidate, parseCandidate } from "@tern/ice";
import type { SessionDescription } from "./session-description.js";
import { effectiveIceCredentials } from "./transport-parameters.js";

/** W3C webrtc-pc RTCIceCandidateInit. */
export interface IceCandidateInit {
  readonly candidate?: string;
  readonly sdpMid?: string | null;
  readonly sdpMLineIndex?: number | null;
  readonly usernameFragment?: string | null;
}

/** What `addIceCandidate` needs of the remote description: per m= section, its mid and ICE ufrag. */
export interface RemoteCandidateTarget {
  readonly sections: readonly { readonly mid: string | undefined; readonly ufrag: string | undefined }[];
}

export function remoteCandidateTarget(desc: SessionDescription): RemoteCandidateTarget {
  return {
    sections: desc.media.map((m) => ({ mid: m.mid, ufrag: effectiveIceCredentials(desc, m)?.ufrag })),
  };
}

export type RemoteCandidateCheck =
  | { readonly ok: true; readonly kind: "end-of-candidates" }
  | { readonly ok: true; readonly kind: "candidate"; readonly candidate: Candidate }
  | { readonly ok: false; readonly name: "TypeError" | "OperationError"; readonly message: string };

function fail(name: "TypeError" | "OperationError", message: string): RemoteCandidateCheck {
  return { ok: false, name, message };
}

/**
 * The checks of W3C webrtc-pc §4.4.1.7 (addIceCandidate) on a candidate init, before it reaches ICE:
 * TypeError when it names no m= section; with a remote description, OperationError for a mid or m= line
 * index the description does not have, a ufrag it does not use, or a candidate line that does not parse
 * (RFC 8839 §5.1 grammar: a port outside 0..65535 among others). `remote` undefined: only the checks that
 * need no description.
 */
export function checkRemoteCandidate(
  init: IceCandidateInit,
  remote: RemoteCandidateTarget | undefined,
): RemoteCandidateCheck {
  const line = init.candidate ?? "";
  if (typeof line !== "string") return fail("TypeError", "candidate must be a string");
  const mid = init.sdpMid ?? null;
  const index = init.sdpMLineIndex ?? null;
  if (line !== "" && mid === null && index === null)
    return fail("TypeError", "a candidate needs sdpMid or sdpMLineIndex");
  if (remote !== undefined) {
    let section: RemoteCandidateTarget["sections"][number] | undefined;
    if (mid !== null) {
      section = remote.sections.find((s) => s.mid === mid);
      if (section === undefined) return fail("OperationError", `no m= section with mid ${mid}`);
    } else if (index !== null) {
      section = Number.isInteger(index) && index >= 0 ? remote.sections[index] : undefined;
      if (section === undefined) return fail("OperationError", `no m= section at index ${index}`);
    }
    const ufrag = init.usernameFragment ?? null;
    if (ufrag !== null && section !== undefined && section.ufrag !== ufrag)
      return fail("OperationError", `ufrag ${ufrag} is not the remote description's`);
  }
  if (line === "") return { ok: true, kind: "end-of-candidates" };
  const parsed = parseCandidate(line);
  if (!parsed.ok) return fail("OperationError", `cannot parse the candidate (${parsed.error.code})`);
  return { ok: true, kind: "candidate", candidate: parsed.value };
}

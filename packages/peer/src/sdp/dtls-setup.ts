import { type NegotiationResult, negotiationFail, negotiationOk } from "./negotiation-error.js";
import type { Setup } from "./session-description.js";

/**
 * The DTLS role from `a=setup` (RFC 4145 §4.1, RFC 8842 §5): the "active" endpoint opens the connection,
 * so it is the DTLS client; the "passive" one is the server. The offer says actpass (RFC 8842 §5.2
 * requires it of JSEP offerers), active or passive; the answer must pick active or passive.
 * An absent attribute means "active" in an offer and "passive" in an answer (RFC 4145 §4.1).
 */
export type DtlsRole = "client" | "server";

/** `a=setup` for an answer to an offer's setup; `preferred` is used when the offer says actpass. */
export function answerSetup(
  offered: Setup | undefined,
  preferred: "active" | "passive" = "active",
): NegotiationResult<"active" | "passive"> {
  switch (offered ?? "active") {
    case "actpass":
      return negotiationOk(preferred);
    case "active":
      return negotiationOk("passive");
    case "passive":
      return negotiationOk("active");
    default:
      return negotiationFail("bad-setup", "the offer's a=setup is holdconn");
  }
}

/**
 * Our DTLS role once both descriptions are known: `localSetup` is what we wrote, `remoteSetup` what the
 * peer wrote, `weAreOfferer` which of the two is the offer.
 */
export function dtlsRoleFor(
  localSetup: Setup | undefined,
  remoteSetup: Setup | undefined,
  weAreOfferer: boolean,
): NegotiationResult<DtlsRole> {
  const offer = (weAreOfferer ? localSetup : remoteSetup) ?? "active";
  const answer = (weAreOfferer ? remoteSetup : localSetup) ?? "passive";
  if (answer !== "active" && answer !== "passive") {
    return negotiationFail("bad-setup", `an answer's a=setup must be active or passive, not ${answer}`);
  }
  if (offer === "holdconn") return negotiationFail("bad-setup", "the offer's a=setup is holdconn");
  if (offer === answer) {
    return negotiationFail("setup-conflict", `offer and answer both say a=setup:${answer}`);
  }
  const answererRole: DtlsRole = answer === "active" ? "client" : "server";
  if (!weAreOfferer) return negotiationOk(answererRole);
  return negotiationOk(answererRole === "client" ? "server" : "client");
}

import { decodeAlert } from "../wire/alert.js";
import { AlertDescription, AlertLevel, alertDescriptionName } from "../wire/tls-parameters.js";
import { DtlsError } from "./dtls-error.js";
import type { DtlsCounter } from "./dtls-event.js";

/** What an alert from the peer does to the association. */
export type PeerAlert =
  | { readonly kind: "ignored" }
  | { readonly kind: "close-notify" }
  | { readonly kind: "fatal"; readonly error: DtlsError };

/**
 * RFC 5246 §7.2 (DTLS 1.2) and RFC 8446 §6 (DTLS 1.3, where every alert but close_notify and user_canceled
 * ends the association: `warningsAreFatal`). A `stale` alert (unprotected while protected records flow)
 * could come from anyone on the path: it is counted and ignored.
 */
export function peerAlert(
  payload: Uint8Array,
  stale: boolean,
  warningsAreFatal: boolean,
  count: (c: DtlsCounter) => void,
): PeerAlert {
  const d = decodeAlert(payload);
  if (!d.ok) {
    count("bad-alert");
    return { kind: "ignored" };
  }
  if (stale) {
    count("stale-alert");
    return { kind: "ignored" };
  }
  const { level, description } = d.value;
  if (description === AlertDescription.close_notify) return { kind: "close-notify" };
  const fatal =
    level === AlertLevel.fatal || (warningsAreFatal && description !== AlertDescription.user_canceled);
  if (!fatal) {
    count("warning-alert");
    return { kind: "ignored" };
  }
  const error = new DtlsError(
    "peer-alert",
    `peer sent fatal alert ${alertDescriptionName(description)}`,
    description,
  );
  return { kind: "fatal", error };
}

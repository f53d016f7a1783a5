import { type Decoded, decodeFail, decodeOk } from "./decoded.js";

/**
 * RFC 5246 §7.2 Alert:
 *
 * ```
 * enum { warning(1), fatal(2), (255) } AlertLevel;
 *
 * struct {
 *     AlertLevel level;
 *     AlertDescription description;
 * } Alert;
 * ```
 *
 * Descriptions are the `AlertDescription` registry in tls-parameters.ts.
 */
export interface Alert {
  readonly level: number;
  readonly description: number;
}

export function decodeAlert(payload: Uint8Array): Decoded<Alert, "bad-alert"> {
  if (payload.length !== 2) return decodeFail("bad-alert", 0);
  return decodeOk({ level: payload[0] as number, description: payload[1] as number });
}

export function encodeAlert(m: Alert): Uint8Array {
  return Uint8Array.of(m.level, m.description);
}

import type { Direction } from "./session-description.js";

/**
 * Media direction in offer/answer (RFC 3264 §6.1, RFC 8829 §5.3.1): what one side says it sends is
 * what the other receives.
 */
export function sends(direction: Direction): boolean {
  return direction === "sendrecv" || direction === "sendonly";
}

export function receives(direction: Direction): boolean {
  return direction === "sendrecv" || direction === "recvonly";
}

export function directionOf(send: boolean, receive: boolean): Direction {
  if (send) return receive ? "sendrecv" : "sendonly";
  return receive ? "recvonly" : "inactive";
}

/** The same stream seen from the other side: sendonly ↔ recvonly. */
export function reverseDirection(direction: Direction): Direction {
  return directionOf(receives(direction), sends(direction));
}

/** What both allow. */
export function intersectDirection(a: Direction, b: Direction): Direction {
  return directionOf(sends(a) && sends(b), receives(a) && receives(b));
}

/**
 * RFC 8829 §5.3.1: the answer's direction for an offered direction, given what the answerer's
 * transceiver wants (sendrecv answers sendrecv → sendrecv, sendonly → recvonly, recvonly → sendonly,
 * inactive → inactive; a recvonly transceiver answers sendrecv with recvonly).
 */
export function answerDirection(offered: Direction, desired: Direction): Direction {
  return intersectDirection(reverseDirection(offered), desired);
}

import type { ClientMessage, RelayedMessage } from "./signaling-message.js";

/**
 * The relayed form of a peer message: `from` the sender instead of `to`; only known fields carried,
 * missing candidate fields as null.
 */
export function toRelayedMessage(
  msg: Exclude<ClientMessage, { type: "hello" | "join" | "leave" }>,
  from: string,
): RelayedMessage {
  switch (msg.type) {
    case "offer":
    case "answer":
      return { type: msg.type, room: msg.room, from, sdp: msg.sdp };
    case "candidate":
      return {
        type: "candidate",
        room: msg.room,
        from,
        candidate:
          msg.candidate === null
            ? null
            : {
                candidate: msg.candidate.candidate,
                sdpMid: msg.candidate.sdpMid ?? null,
                sdpMLineIndex: msg.candidate.sdpMLineIndex ?? null,
                ...(msg.candidate.usernameFragment !== undefined
                  ? { usernameFragment: msg.candidate.usernameFragment }
                  : {}),
              },
      };
    case "end-of-candidates":
      return { type: "end-of-candidates", room: msg.room, from };
    case "bye":
      return {
        type: "bye",
        room: msg.room,
        from,
        ...(msg.reason !== undefined ? { reason: msg.reason } : {}),
      };
  }
}

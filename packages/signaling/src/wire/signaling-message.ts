/**
 * The signaling protocol: JSON objects in WebSocket text frames, a discriminated union on `type`.
 *
 * Client → server: `hello`, `join`, `leave`, and the peer messages `offer`, `answer`, `candidate`,
 * `end-of-candidates`, `bye`, each addressed `to` ONE peer of a `room` both are in.
 * Server → client: `welcome`, `joined`, `left`, `peer-joined`, `peer-left`, `error`, and the peer messages
 * with `from` in place of `to`.
 *
 * The server never looks inside an SDP: it is an opaque string, bounded in size. A relayed message is
 * rebuilt from the parsed fields, so unknown fields a client adds are never forwarded.
 */
import { z } from "zod";
import { SIGNALING_ERROR_CODES, type SignalingErrorCode } from "./signaling-error-code.js";

/** Bounds enforced by the schema itself, independent of the configurable message-size limit. */
export const SCHEMA_BOUNDS = {
  roomChars: 128,
  peerIdChars: 64,
  nameChars: 128,
  requestIdChars: 64,
  tokenChars: 512,
  /** An SDP is opaque; the message-size limit (default 64 KiB) usually binds first. */
  sdpChars: 262_144,
  candidateChars: 2048,
  sdpMidChars: 64,
  reasonChars: 256,
} as const;

const room = z.string().min(1).max(SCHEMA_BOUNDS.roomChars);
const peerId = z.string().min(1).max(SCHEMA_BOUNDS.peerIdChars);
const name = z.string().max(SCHEMA_BOUNDS.nameChars);
const requestId = z.string().min(1).max(SCHEMA_BOUNDS.requestIdChars).optional();
const sdp = z.string().max(SCHEMA_BOUNDS.sdpChars);
const reason = z.string().max(SCHEMA_BOUNDS.reasonChars);
/** A relayed message's place in its recipient's backlog: a Redis stream entry id, `<ms>-<n>`. */
const seq = z.string().regex(/^\d{1,20}-\d{1,20}$/);

/**
 * W3C webrtc-pc `RTCIceCandidateInit`: a `candidate-attribute` line (RFC 8839 §5.1; "" means
 * end-of-candidates) with the media section it belongs to. At least one of `sdpMid`/`sdpMLineIndex` must be
 * set (webrtc-pc: the `RTCIceCandidate` constructor throws a TypeError otherwise).
 */
export const iceCandidateInitSchema = z
  .object({
    candidate: z.string().max(SCHEMA_BOUNDS.candidateChars),
    sdpMid: z.string().max(SCHEMA_BOUNDS.sdpMidChars).nullable().optional(),
    sdpMLineIndex: z.number().int().min(0).max(0xffff).nullable().optional(),
    usernameFragment: z.string().max(SCHEMA_BOUNDS.candidateChars).nullable().optional(),
  })
  .refine((c) => c.candidate === "" || (c.sdpMid ?? null) !== null || (c.sdpMLineIndex ?? null) !== null, {
    message: "sdpMid and sdpMLineIndex are both null",
    path: ["sdpMid"],
  });

/** A candidate as sent (W3C `RTCIceCandidateInit`). `null` as a whole is end-of-candidates. */
export interface IceCandidateInit {
  readonly candidate: string;
  readonly sdpMid?: string | null;
  readonly sdpMLineIndex?: number | null;
  readonly usernameFragment?: string | null;
}

/** A candidate as relayed: the missing optional fields of the sender's are null. */
export interface RelayedIceCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
  readonly usernameFragment?: string | null;
}

export const clientMessageSchemas = {
  hello: z.object({
    type: z.literal("hello"),
    id: requestId,
    token: z.string().max(SCHEMA_BOUNDS.tokenChars).optional(),
    name: name.optional(),
    /** Ask for the peer id of an earlier session (given in its `welcome`). */
    resume: z
      .object({
        peerId,
        secret: z.string().min(1).max(128),
        /** The `seq` of the last relayed message received: what was sent to the peer after it comes again. */
        lastSeq: seq.optional(),
      })
      .optional(),
  }),
  join: z.object({ type: z.literal("join"), id: requestId, room, name: name.optional() }),
  leave: z.object({ type: z.literal("leave"), id: requestId, room }),
  offer: z.object({ type: z.literal("offer"), id: requestId, room, to: peerId, sdp }),
  answer: z.object({ type: z.literal("answer"), id: requestId, room, to: peerId, sdp }),
  candidate: z.object({
    type: z.literal("candidate"),
    id: requestId,
    room,
    to: peerId,
    candidate: iceCandidateInitSchema.nullable(),
  }),
  "end-of-candidates": z.object({ type: z.literal("end-of-candidates"), id: requestId, room, to: peerId }),
  bye: z.object({ type: z.literal("bye"), id: requestId, room, to: peerId, reason: reason.optional() }),
} as const;

export type ClientMessageType = keyof typeof clientMessageSchemas;
export const CLIENT_MESSAGE_TYPES = Object.keys(clientMessageSchemas) as readonly ClientMessageType[];

export const clientMessageSchema = z.discriminatedUnion("type", [
  clientMessageSchemas.hello,
  clientMessageSchemas.join,
  clientMessageSchemas.leave,
  clientMessageSchemas.offer,
  clientMessageSchemas.answer,
  clientMessageSchemas.candidate,
  clientMessageSchemas["end-of-candidates"],
  clientMessageSchemas.bye,
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type HelloMessage = z.infer<typeof clientMessageSchemas.hello>;
export type JoinMessage = z.infer<typeof clientMessageSchemas.join>;

/** The peer messages a client sends, addressed `to` one peer of `room`. */
export type PeerMessage =
  | { readonly type: "offer" | "answer"; readonly room: string; readonly to: string; readonly sdp: string }
  | {
      readonly type: "candidate";
      readonly room: string;
      readonly to: string;
      readonly candidate: IceCandidateInit | null;
    }
  | { readonly type: "end-of-candidates"; readonly room: string; readonly to: string }
  | { readonly type: "bye"; readonly room: string; readonly to: string; readonly reason?: string };

export type PeerMessageType = PeerMessage["type"];
export const PEER_MESSAGE_TYPES: readonly PeerMessageType[] = [
  "offer",
  "answer",
  "candidate",
  "end-of-candidates",
  "bye",
];

/**
 * A peer message as delivered: `from` the sending peer, in `room`. With a shared (Redis) directory it
 * carries `seq`, its place in the recipient's backlog: a client resuming elsewhere names the last one it
 * got (`hello.resume.lastSeq`) and receives what came after, once.
 */
export type RelayedMessage = (
  | { readonly type: "offer" | "answer"; readonly room: string; readonly from: string; readonly sdp: string }
  | {
      readonly type: "candidate";
      readonly room: string;
      readonly from: string;
      readonly candidate: RelayedIceCandidate | null;
    }
  | { readonly type: "end-of-candidates"; readonly room: string; readonly from: string }
  | { readonly type: "bye"; readonly room: string; readonly from: string; readonly reason?: string }
) & { readonly seq?: string };

export interface PeerInfo {
  readonly peerId: string;
  readonly name: string | null;
}

/** Why a peer left a room: it said so, its socket closed, it missed heartbeats, or the server dropped it. */
export type PeerLeftReason = "left" | "disconnected" | "timeout" | "dropped";

export interface WelcomeMessage {
  readonly type: "welcome";
  readonly id?: string;
  readonly peerId: string;
  /** Present this (with `peerId`) in a later `hello.resume` to get the same peer id back. */
  readonly resumeSecret: string;
  readonly resumed: boolean;
  readonly authenticated: boolean;
  /** 0 when the server sends no pings. */
  readonly heartbeatMs: number;
  readonly maxMessageBytes: number;
}

export interface JoinedMessage {
  readonly type: "joined";
  readonly id?: string;
  readonly room: string;
  readonly peerId: string;
  /** The other peers already in the room. */
  readonly peers: readonly PeerInfo[];
}

export interface LeftMessage {
  readonly type: "left";
  readonly id?: string;
  readonly room: string;
}

export interface PeerJoinedMessage {
  readonly type: "peer-joined";
  readonly room: string;
  readonly peer: PeerInfo;
}

export interface PeerLeftMessage {
  readonly type: "peer-left";
  readonly room: string;
  readonly peerId: string;
  readonly reason: PeerLeftReason;
}

export interface ErrorMessage {
  readonly type: "error";
  /** The `id` of the rejected message, when it had a readable one. */
  readonly id?: string;
  readonly code: SignalingErrorCode;
  readonly message: string;
  /** The rejected message's `type`, when it had one. */
  readonly offendingType?: string;
}

export type ServerMessage =
  | WelcomeMessage
  | JoinedMessage
  | LeftMessage
  | PeerJoinedMessage
  | PeerLeftMessage
  | ErrorMessage
  | RelayedMessage;

const peerInfo = z.object({ peerId, name: name.nullable() });
const relayedCandidate = z.object({
  candidate: z.string().max(SCHEMA_BOUNDS.candidateChars),
  sdpMid: z.string().max(SCHEMA_BOUNDS.sdpMidChars).nullable(),
  sdpMLineIndex: z.number().int().min(0).max(0xffff).nullable(),
  usernameFragment: z.string().max(SCHEMA_BOUNDS.candidateChars).nullable().optional(),
});

const relayedMessageSchemas = [
  z.object({ type: z.enum(["offer", "answer"]), room, from: peerId, sdp, seq: seq.optional() }),
  z.object({
    type: z.literal("candidate"),
    room,
    from: peerId,
    candidate: relayedCandidate.nullable(),
    seq: seq.optional(),
  }),
  z.object({ type: z.literal("end-of-candidates"), room, from: peerId, seq: seq.optional() }),
  z.object({ type: z.literal("bye"), room, from: peerId, reason: reason.optional(), seq: seq.optional() }),
] as const;

/** A relayed peer message (what the Redis bus carries between instances is checked against it too). */
export const relayedMessageSchema: z.ZodType<RelayedMessage> = z.union(relayedMessageSchemas);

/** `peer-left` reasons. */
export const peerLeftReasonSchema = z.enum(["left", "disconnected", "timeout", "dropped"]);

export { peerInfo as peerInfoSchema, room as roomSchema, seq as seqSchema };

/** What a client accepts from the server (the Node client validates every message against it). */
export const serverMessageSchema: z.ZodType<ServerMessage> = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("welcome"),
    id: requestId,
    peerId,
    resumeSecret: z.string().min(1).max(128),
    resumed: z.boolean(),
    authenticated: z.boolean(),
    heartbeatMs: z.number().int().min(0),
    maxMessageBytes: z.number().int().min(0),
  }),
  z.object({ type: z.literal("joined"), id: requestId, room, peerId, peers: z.array(peerInfo).max(65_536) }),
  z.object({ type: z.literal("left"), id: requestId, room }),
  z.object({ type: z.literal("peer-joined"), room, peer: peerInfo }),
  z.object({
    type: z.literal("peer-left"),
    room,
    peerId,
    reason: peerLeftReasonSchema,
  }),
  z.object({
    type: z.literal("error"),
    id: requestId,
    code: z.enum(SIGNALING_ERROR_CODES as [SignalingErrorCode, ...SignalingErrorCode[]]),
    message: z.string().max(1024),
    offendingType: z.string().max(64).optional(),
  }),
  ...relayedMessageSchemas,
]);

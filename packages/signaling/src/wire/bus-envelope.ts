/**
 * What instances say to each other through Redis pub/sub: JSON envelopes on an instance's channel
 * (messages for its peers, the results of its joins and resumes, "your peer resumed elsewhere") and on a
 * room's channel (peer joined, peer left). Most are written by the Lua scripts in `redis-scripts.ts`.
 * Decoded like any untrusted input — bounded shape first, then a schema — and never thrown from.
 *
 * Lua's cjson writes an empty array as `{}`, so list fields accept an empty object as an empty list.
 */
import { z } from "zod";
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { checkJsonShape } from "./json-shape.js";
import {
  type PeerInfo,
  type PeerLeftReason,
  peerInfoSchema,
  peerLeftReasonSchema,
  type RelayedMessage,
  relayedMessageSchema,
  roomSchema,
  seqSchema,
} from "./signaling-message.js";

/** A Redis-side request id (join and resume results come back tagged with it). */
const req = z.string().min(1).max(32);
const peerId = z.string().regex(/^[0-9a-f]{16}$/);
const version = z.number().int().min(0);

function list<T extends z.ZodType>(item: T, max: number) {
  return z.union([
    z.array(item).max(max),
    z
      .object({})
      .strict()
      .transform((): z.infer<T>[] => []),
  ]);
}

const backlogEntry = z.tuple([seqSchema, z.tuple([z.literal("m"), z.string().max(1_048_576)])]);

const busEnvelopeSchema = z.discriminatedUnion("t", [
  z.object({ t: z.literal("j"), room: roomSchema, peer: peerInfoSchema, v: version }),
  z.object({ t: z.literal("l"), room: roomSchema, peerId, reason: peerLeftReasonSchema, v: version }),
  z.object({ t: z.literal("m"), to: peerId, seq: seqSchema, msg: relayedMessageSchema }),
  z.object({ t: z.literal("x"), peerId }),
  z.object({
    t: z.literal("jr"),
    req,
    r: z.enum(["ok", "already", "full", "many"]),
    peers: list(peerInfoSchema, 65_536).optional(),
  }),
  z.object({
    t: z.literal("cr"),
    req,
    r: z.enum(["resumed", "refused"]),
    rooms: list(roomSchema, 1024).optional(),
    backlog: list(backlogEntry, 65_536).optional(),
  }),
]);

export type BusEnvelope =
  | { readonly t: "j"; readonly room: string; readonly peer: PeerInfo; readonly v: number }
  | {
      readonly t: "l";
      readonly room: string;
      readonly peerId: string;
      readonly reason: PeerLeftReason;
      readonly v: number;
    }
  | { readonly t: "m"; readonly to: string; readonly seq: string; readonly msg: RelayedMessage }
  | { readonly t: "x"; readonly peerId: string }
  | {
      readonly t: "jr";
      readonly req: string;
      readonly r: "ok" | "already" | "full" | "many";
      readonly peers?: readonly PeerInfo[];
    }
  | {
      readonly t: "cr";
      readonly req: string;
      readonly r: "resumed" | "refused";
      readonly rooms?: readonly string[];
      readonly backlog?: readonly (readonly [string, readonly ["m", string]])[];
    };

/** Deep enough for a backlog entry inside a resume result; wide enough for a full room's peer list. */
const BUS_SHAPE = { maxDepth: 6, maxMembers: 1_000_000 };

export function decodeBusEnvelope(text: string): Decoded<BusEnvelope, string> {
  if (!checkJsonShape(text, BUS_SHAPE).ok) return decodeFail("envelope too deep");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return decodeFail("envelope is not JSON");
  }
  const result = busEnvelopeSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    return decodeFail(
      `envelope ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`.slice(0, 256),
    );
  }
  return decodeOk(result.data as BusEnvelope);
}

/** A relayed message kept in a peer's backlog (the `m` field of its stream entry). */
export function decodeBacklogMessage(text: string): Decoded<RelayedMessage, string> {
  if (!checkJsonShape(text, BUS_SHAPE).ok) return decodeFail("message too deep");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return decodeFail("message is not JSON");
  }
  const result = relayedMessageSchema.safeParse(value);
  return result.success ? decodeOk(result.data) : decodeFail("message outside its schema");
}

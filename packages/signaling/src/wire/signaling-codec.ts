/**
 * Decoding untrusted signaling frames (never throws) and encoding server messages.
 *
 * Order of checks, each answered with its own error code: size (before any parsing), UTF-8, the JSON shape
 * (nesting depth and member count, by one linear pass: see json-shape.ts), JSON, a JSON object, a string
 * `type`, a known `type`, then that type's schema.
 */
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { checkJsonShape, type JsonShapeBounds } from "./json-shape.js";
import { SignalingErrorCode } from "./signaling-error-code.js";
import {
  CLIENT_MESSAGE_TYPES,
  type ClientMessage,
  type ClientMessageType,
  clientMessageSchemas,
  type ServerMessage,
  serverMessageSchema,
} from "./signaling-message.js";

export type SignalingDecodeErrorCode =
  | typeof SignalingErrorCode.MalformedJson
  | typeof SignalingErrorCode.BinaryFrame
  | typeof SignalingErrorCode.MessageTooLarge
  | typeof SignalingErrorCode.UnknownType
  | typeof SignalingErrorCode.InvalidMessage;

export interface SignalingDecodeError {
  readonly code: SignalingDecodeErrorCode;
  /** Human-readable: for a schema violation, the field path and what was expected. */
  readonly message: string;
  /** The message's `type`, when it had a string one (cut to 64 characters). */
  readonly offendingType?: string;
  /** The message's `id`, when it had a readable one, so the sender can match the error to its request. */
  readonly id?: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const knownTypes = new Set<string>(CLIENT_MESSAGE_TYPES);

function fail(
  code: SignalingDecodeErrorCode,
  message: string,
  offendingType?: string,
  id?: string,
): { readonly ok: false; readonly error: SignalingDecodeError } {
  const error: { code: SignalingDecodeErrorCode; message: string; offendingType?: string; id?: string } = {
    code,
    message,
  };
  if (offendingType !== undefined) error.offendingType = offendingType;
  if (id !== undefined) error.id = id;
  return decodeFail(error);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses JSON text; `undefined` for anything that is not valid JSON. */
function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/**
 * Decodes one frame from a client. `bytes` is the frame's payload; `isBinary` whether it came in a binary
 * frame. Frames over `maxBytes` are refused before they are decoded.
 */
export function decodeClientMessage(
  bytes: Uint8Array,
  isBinary: boolean,
  maxBytes: number,
): Decoded<ClientMessage, SignalingDecodeError> {
  if (bytes.byteLength > maxBytes) {
    return fail(
      SignalingErrorCode.MessageTooLarge,
      `message of ${bytes.byteLength} bytes exceeds the limit of ${maxBytes}`,
    );
  }
  if (isBinary) return fail(SignalingErrorCode.BinaryFrame, "binary frames are not accepted: send JSON text");
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail(SignalingErrorCode.MalformedJson, "frame is not valid UTF-8");
  }
  return decodeClientText(text);
}

/**
 * Twice what a client message needs: `candidate` is the deepest (message → candidate: 2 levels) and the
 * widest (9 members: 17 separators). Anything past these is refused before `JSON.parse` runs.
 */
export const CLIENT_JSON_SHAPE: JsonShapeBounds = { maxDepth: 4, maxMembers: 64 };

/** A server message's peers list can be long, but nothing a server sends is deep. */
export const SERVER_JSON_SHAPE: JsonShapeBounds = { maxDepth: 4, maxMembers: 4 * 65_536 };

/** Decodes a client message already known to be within the size limit and valid text. */
export function decodeClientText(text: string): Decoded<ClientMessage, SignalingDecodeError> {
  const shape = checkJsonShape(text, CLIENT_JSON_SHAPE);
  if (!shape.ok) {
    return fail(
      SignalingErrorCode.InvalidMessage,
      shape.reason === "too-deep"
        ? `message: JSON nested deeper than ${CLIENT_JSON_SHAPE.maxDepth} levels`
        : `message: more than ${CLIENT_JSON_SHAPE.maxMembers} JSON members`,
    );
  }
  const parsed = parseJson(text);
  if (parsed === undefined) return fail(SignalingErrorCode.MalformedJson, "frame is not valid JSON");
  const obj = parsed.value;
  if (!isRecord(obj)) return fail(SignalingErrorCode.InvalidMessage, "a message must be a JSON object");
  const id = typeof obj.id === "string" && obj.id.length > 0 && obj.id.length <= 64 ? obj.id : undefined;
  const type = obj.type;
  if (typeof type !== "string") {
    return fail(SignalingErrorCode.InvalidMessage, "type: expected a string", undefined, id);
  }
  const shownType = type.slice(0, 64);
  if (!knownTypes.has(type)) {
    return fail(SignalingErrorCode.UnknownType, `unknown message type "${shownType}"`, shownType, id);
  }
  const result = clientMessageSchemas[type as ClientMessageType].safeParse(obj);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? "message" : issue.path.join(".");
    return fail(
      SignalingErrorCode.InvalidMessage,
      `${where}: ${issue?.message ?? "invalid"}`.slice(0, 512),
      shownType,
      id,
    );
  }
  return decodeOk(result.data);
}

export type ServerDecodeErrorCode = "malformed-json" | "invalid-message";

/** Decodes one message from the server (clients do not trust it either). */
export function decodeServerMessage(
  text: string,
): Decoded<ServerMessage, { readonly code: ServerDecodeErrorCode; readonly message: string }> {
  if (!checkJsonShape(text, SERVER_JSON_SHAPE).ok) {
    return decodeFail({ code: "invalid-message", message: "JSON too deep or too wide" });
  }
  const parsed = parseJson(text);
  if (parsed === undefined) return decodeFail({ code: "malformed-json", message: "not valid JSON" });
  const result = serverMessageSchema.safeParse(parsed.value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? "message" : issue.path.join(".");
    return decodeFail({ code: "invalid-message", message: `${where}: ${issue?.message ?? "invalid"}` });
  }
  return decodeOk(result.data);
}

/** JSON text of a server message. */
export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}

/** JSON text of a client message. */
export function encodeClientMessage(message: ClientMessage): string {
  return JSON.stringify(message);
}

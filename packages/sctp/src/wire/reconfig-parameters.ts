import type { SctpDecodeErrorCode } from "./chunk-header.js";
import { type Decoded, decodeFail, decodeOk, UsageError } from "./decoded.js";
import { ParameterType, type UnknownParameter, unknownParameter, writeRawTlv } from "./init-parameters.js";
import { readU16, readU32, writeU16, writeU32 } from "./network-order.js";
import { PARAMETER_HEADER_LENGTH, writeTlvHeader } from "./parameter-format.js";

/**
 * Outgoing SSN Reset Request Parameter, RFC 6525 §4.1 (type 13):
 *
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Parameter Type = 13       | Parameter Length = 16 + 2 * N |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Re-configuration Request Sequence Number            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Re-configuration Response Sequence Number           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Sender's Last Assigned TSN                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Stream Number 1 (optional)   |    Stream Number 2 (optional) |
 * /                            ......                             /
 * ```
 * No stream numbers means all streams.
 */
export interface OutgoingSsnResetRequestParameter {
  readonly type: "outgoing-ssn-reset-request";
  readonly requestSequenceNumber: number;
  readonly responseSequenceNumber: number;
  readonly sendersLastAssignedTsn: number;
  readonly streamIds: readonly number[];
}

/** Incoming SSN Reset Request Parameter, RFC 6525 §4.2 (type 14, length 8 + 2 * N). */
export interface IncomingSsnResetRequestParameter {
  readonly type: "incoming-ssn-reset-request";
  readonly requestSequenceNumber: number;
  readonly streamIds: readonly number[];
}

/** SSN/TSN Reset Request Parameter, RFC 6525 §4.3 (type 15, length 8). */
export interface SsnTsnResetRequestParameter {
  readonly type: "ssn-tsn-reset-request";
  readonly requestSequenceNumber: number;
}

/** Re-configuration Response Parameter result codes, RFC 6525 §4.4. */
export const ReconfigurationResult = {
  SuccessNothingToDo: 0,
  SuccessPerformed: 1,
  Denied: 2,
  ErrorWrongSsn: 3,
  ErrorRequestAlreadyInProgress: 4,
  ErrorBadSequenceNumber: 5,
  InProgress: 6,
} as const;

/**
 * Re-configuration Response Parameter, RFC 6525 §4.4 (type 16, length 12, or 20 with the optional
 * Sender's Next TSN and Receiver's Next TSN, which answer an SSN/TSN Reset Request).
 */
export interface ReconfigurationResponseParameter {
  readonly type: "reconfiguration-response";
  readonly responseSequenceNumber: number;
  readonly result: number;
  readonly sendersNextTsn?: number;
  readonly receiversNextTsn?: number;
}

/** Add Outgoing Streams Request Parameter, RFC 6525 §4.5 (type 17, length 12). */
export interface AddOutgoingStreamsRequestParameter {
  readonly type: "add-outgoing-streams-request";
  readonly requestSequenceNumber: number;
  readonly numberOfNewStreams: number;
}

/** Add Incoming Streams Request Parameter, RFC 6525 §4.6 (type 18, length 12). */
export interface AddIncomingStreamsRequestParameter {
  readonly type: "add-incoming-streams-request";
  readonly requestSequenceNumber: number;
  readonly numberOfNewStreams: number;
}

/** The parameters of a RE-CONFIG chunk (RFC 6525 §3.1); others kept raw. */
export type ReconfigParameter =
  | OutgoingSsnResetRequestParameter
  | IncomingSsnResetRequestParameter
  | SsnTsnResetRequestParameter
  | ReconfigurationResponseParameter
  | AddOutgoingStreamsRequestParameter
  | AddIncomingStreamsRequestParameter
  | UnknownParameter;

function streamList(b: Uint8Array, from: number, to: number): number[] {
  const ids: number[] = [];
  for (let i = from; i + 2 <= to; i += 2) ids.push(readU16(b, i));
  return ids;
}

export function decodeReconfigParameter(
  b: Uint8Array,
  at: number,
  length: number,
  type: number,
): Decoded<ReconfigParameter, SctpDecodeErrorCode> {
  const v = at + PARAMETER_HEADER_LENGTH;
  const end = at + length;
  switch (type) {
    case ParameterType.OutgoingSsnResetRequest:
      if (length < 16 || length % 2 !== 0) return decodeFail("parameter-length-invalid", at + 2);
      return decodeOk({
        type: "outgoing-ssn-reset-request",
        requestSequenceNumber: readU32(b, v),
        responseSequenceNumber: readU32(b, v + 4),
        sendersLastAssignedTsn: readU32(b, v + 8),
        streamIds: streamList(b, v + 12, end),
      });
    case ParameterType.IncomingSsnResetRequest:
      if (length < 8 || length % 2 !== 0) return decodeFail("parameter-length-invalid", at + 2);
      return decodeOk({
        type: "incoming-ssn-reset-request",
        requestSequenceNumber: readU32(b, v),
        streamIds: streamList(b, v + 4, end),
      });
    case ParameterType.SsnTsnResetRequest:
      if (length !== 8) return decodeFail("parameter-length-invalid", at + 2);
      return decodeOk({ type: "ssn-tsn-reset-request", requestSequenceNumber: readU32(b, v) });
    case ParameterType.ReconfigurationResponse:
      if (length === 12) {
        return decodeOk({
          type: "reconfiguration-response",
          responseSequenceNumber: readU32(b, v),
          result: readU32(b, v + 4),
        });
      }
      if (length !== 20) return decodeFail("parameter-length-invalid", at + 2);
      return decodeOk({
        type: "reconfiguration-response",
        responseSequenceNumber: readU32(b, v),
        result: readU32(b, v + 4),
        sendersNextTsn: readU32(b, v + 8),
        receiversNextTsn: readU32(b, v + 12),
      });
    case ParameterType.AddOutgoingStreamsRequest:
    case ParameterType.AddIncomingStreamsRequest:
      if (length !== 12) return decodeFail("parameter-length-invalid", at + 2);
      return decodeOk({
        type:
          type === ParameterType.AddOutgoingStreamsRequest
            ? "add-outgoing-streams-request"
            : "add-incoming-streams-request",
        requestSequenceNumber: readU32(b, v),
        numberOfNewStreams: readU16(b, v + 4),
      });
    default:
      return decodeOk(unknownParameter(b, at, length, type));
  }
}

export function reconfigParameterLength(p: ReconfigParameter): number {
  switch (p.type) {
    case "outgoing-ssn-reset-request":
      return 16 + 2 * p.streamIds.length;
    case "incoming-ssn-reset-request":
      return 8 + 2 * p.streamIds.length;
    case "ssn-tsn-reset-request":
      return 8;
    case "reconfiguration-response":
      return p.sendersNextTsn === undefined && p.receiversNextTsn === undefined ? 12 : 20;
    case "add-outgoing-streams-request":
    case "add-incoming-streams-request":
      return 12;
    case "unknown":
      return p.raw.length;
  }
}

export function encodeReconfigParameterInto(out: Uint8Array, at: number, p: ReconfigParameter): void {
  const length = reconfigParameterLength(p);
  if (length > 0xffff) throw new UsageError(`${p.type} parameter longer than 65535 octets`);
  const v = at + PARAMETER_HEADER_LENGTH;
  switch (p.type) {
    case "outgoing-ssn-reset-request":
      writeTlvHeader(out, at, ParameterType.OutgoingSsnResetRequest, length);
      writeU32(out, v, p.requestSequenceNumber);
      writeU32(out, v + 4, p.responseSequenceNumber);
      writeU32(out, v + 8, p.sendersLastAssignedTsn);
      for (let i = 0; i < p.streamIds.length; i++) writeU16(out, v + 12 + 2 * i, p.streamIds[i] as number);
      return;
    case "incoming-ssn-reset-request":
      writeTlvHeader(out, at, ParameterType.IncomingSsnResetRequest, length);
      writeU32(out, v, p.requestSequenceNumber);
      for (let i = 0; i < p.streamIds.length; i++) writeU16(out, v + 4 + 2 * i, p.streamIds[i] as number);
      return;
    case "ssn-tsn-reset-request":
      writeTlvHeader(out, at, ParameterType.SsnTsnResetRequest, length);
      writeU32(out, v, p.requestSequenceNumber);
      return;
    case "reconfiguration-response":
      writeTlvHeader(out, at, ParameterType.ReconfigurationResponse, length);
      writeU32(out, v, p.responseSequenceNumber);
      writeU32(out, v + 4, p.result);
      if (length === 20) {
        if (p.sendersNextTsn === undefined || p.receiversNextTsn === undefined) {
          throw new UsageError("Sender's Next TSN and Receiver's Next TSN go together (RFC 6525 §4.4)");
        }
        writeU32(out, v + 8, p.sendersNextTsn);
        writeU32(out, v + 12, p.receiversNextTsn);
      }
      return;
    case "add-outgoing-streams-request":
    case "add-incoming-streams-request":
      writeTlvHeader(
        out,
        at,
        p.type === "add-outgoing-streams-request"
          ? ParameterType.AddOutgoingStreamsRequest
          : ParameterType.AddIncomingStreamsRequest,
        length,
      );
      writeU32(out, v, p.requestSequenceNumber);
      writeU16(out, v + 4, p.numberOfNewStreams);
      writeU16(out, v + 6, 0);
      return;
    case "unknown":
      writeRawTlv(out, at, p.parameterType, p.raw);
      return;
  }
}

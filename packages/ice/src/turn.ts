/** The public TURN surface of @tern/ice (RFC 8656 client, RFC 7064/7065 URIs), re-exported by the package index. */
export { MAX_TURN_PAYLOAD, TurnAllocation } from "./machine/turn-allocation.js";
export type {
  TurnAllocationConfig,
  TurnAllocationState,
  TurnEvent,
  TurnTransmit,
} from "./machine/turn-allocation-config.js";
export { type TurnCounter, type TurnCounters, TurnError, type TurnErrorCode } from "./machine/turn-error.js";
export { TurnStreamFramer } from "./machine/turn-stream-framer.js";
export { type ConnectTurnOptions, connectTurn } from "./node/connect-turn.js";
export { TurnClient, type TurnClientEvents } from "./node/turn-client.js";
export {
  CHANNEL_NUMBER_MAX,
  CHANNEL_NUMBER_MIN,
  type ChannelData,
  type ChannelDataDecodeErrorCode,
  decodeChannelData,
  encodeChannelData,
  isChannelData,
} from "./wire/channel-data.js";
export {
  type IceServerScheme,
  type IceServerUrl,
  type IceServerUrlErrorCode,
  parseIceServerUrl,
} from "./wire/ice-server-url.js";
export { type TurnFrameErrorCode, turnFrameLength } from "./wire/turn-stream-framing.js";

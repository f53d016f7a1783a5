/**
 * @tern/demo — `pnpm demo`: a sender and a receiver (separate Node processes) that meet through a Tern
 * signaling server and stream a VP8 + Opus clip over Tern peer connections, with live stats and a
 * byte-for-byte check of every frame; `--browser` serves a page that receives the same stream.
 */

export { type DemoOptions, type DemoOptionsParsed, parseDemoOptions, USAGE } from "./demo-options.js";
export { ClipCursor, framesInWindow, type ScheduledFrame, scheduledFrame } from "./media/clip-schedule.js";
export {
  checkFrames,
  type IntegrityInput,
  type IntegrityReport,
  type ReceivedFrame,
} from "./media/frame-integrity.js";
export { type ClipFrame, type ClipTrack, loadMediaClip, type MediaClip } from "./media/media-clip.js";
export { classifyDatagram, type DatagramClass, RtpLossFilter } from "./media/rtp-loss-filter.js";
export { decodeStreamWindow, encodeStreamWindow, type StreamWindow } from "./media/stream-window.js";
export type { ReceiverResult } from "./node/demo-messages.js";
export { type DemoIo, runDemo } from "./node/demo-run.js";
export { type PeerStatus, peerStatus } from "./stats/peer-status.js";
export { formatStatusLine } from "./stats/status-line.js";

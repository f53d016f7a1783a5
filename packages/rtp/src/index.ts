/**
 * @tern/rtp — RTP and RTCP (RFC 3550), feedback (RFC 4585, RFC 5104, REMB), RTX (RFC 4588), payload
 * formats for Opus (RFC 7587), VP8 (RFC 7741) and H.264 (RFC 6184), sans-IO receive/send machines
 * (jitter buffer, NACK generator, retransmission history, RFC 3550 statistics) and IVF / Ogg Opus
 * files. No I/O, no timers: every machine takes `now` from the caller.
 */

export * from "./container/ivf.js";
export * from "./container/ogg.js";
export * from "./container/ogg-page.js";
export * from "./machine/jitter-buffer.js";
export * from "./machine/nack-generator.js";
export * from "./machine/receiver-stats.js";
export * from "./machine/retransmission-history.js";
export * from "./machine/sender-stats.js";
export * from "./machine/sequence-unwrapper.js";
export * from "./machine/transport-feedback-generator.js";
export * from "./machine/transport-send-history.js";
export * from "./payload/h264.js";
export * from "./payload/h264-nal.js";
export * from "./payload/opus.js";
export * from "./payload/payload-format.js";
export * from "./payload/vp8.js";
export * from "./wire/decoded.js";
export * from "./wire/header-extension.js";
export * from "./wire/rtcp-app.js";
export * from "./wire/rtcp-bye.js";
export * from "./wire/rtcp-compound.js";
export * from "./wire/rtcp-fir.js";
export * from "./wire/rtcp-header.js";
export * from "./wire/rtcp-nack.js";
export * from "./wire/rtcp-pli.js";
export * from "./wire/rtcp-receiver-report.js";
export * from "./wire/rtcp-remb.js";
export * from "./wire/rtcp-report-block.js";
export * from "./wire/rtcp-sdes.js";
export * from "./wire/rtcp-sender-report.js";
export * from "./wire/rtcp-transport-feedback.js";
export * from "./wire/rtp-clock.js";
export * from "./wire/rtp-header.js";
export * from "./wire/rtx.js";
export * from "./wire/sequence-number.js";
export * from "./wire/transport-sequence-number.js";

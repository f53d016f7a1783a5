import type { SdpType } from "../sdp/index.js";

/** W3C webrtc-pc §4.6.2 RTCSessionDescriptionInit. */
export interface RTCSessionDescriptionInit {
  readonly type: SdpType;
  readonly sdp?: string;
}

/** W3C webrtc-pc §4.6.1 RTCSessionDescription. */
export class RTCSessionDescription {
  readonly type: SdpType;
  readonly sdp: string;

  constructor(init: RTCSessionDescriptionInit) {
    if (init === null || typeof init !== "object") throw new TypeError("RTCSessionDescription needs an init");
    if (!["offer", "answer", "pranswer", "rollback"].includes(init.type))
      throw new TypeError(`not an RTCSdpType: ${String(init.type)}`);
    this.type = init.type;
    this.sdp = init.sdp ?? "";
  }

  toJSON(): { type: SdpType; sdp: string } {
    return { type: this.type, sdp: this.sdp };
  }
}

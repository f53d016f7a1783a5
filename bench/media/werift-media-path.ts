/** werift's media path for peer-media (apart, so the Tern paths load without werift). */
import type { RTCRtpTransceiver } from "werift";
import type { SrtpProfileName } from "../peers/pair-options.js";
import { weriftPair } from "../peers/werift.js";
import { InputPacket, type MediaPath, pairOptions } from "./media-path.js";

/** The parts of werift's RtpPacket read here. */
interface WeriftRtp {
  readonly header: { readonly extensions: readonly { id: number }[] };
  serialize(): Buffer;
}

/** werift: the input bytes → RTCRtpSender.sendRtp (it parses the Buffer and rewrites SSRC, PT, seq) → onReceiveRtp. */
export async function weriftPath(profile: SrtpProfileName, stunUrl: string): Promise<MediaPath> {
  const received = { count: 0, lastAt: 0 };
  let first: WeriftRtp | undefined;
  const pair = await weriftPair({ ...pairOptions(profile), stunUrl }, (_, b) => {
    b.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp: WeriftRtp) => {
        first ??= rtp;
        received.count++;
        received.lastAt = performance.now();
      }),
    );
  });
  const transceiver = pair.aTransceivers.get("video") as RTCRtpTransceiver;
  const input = new InputPacket(96, 1);
  return {
    config: () => ({
      ...pair.config,
      ...(first
        ? {
            rtpBytes: first.serialize().length,
            extension:
              first.header.extensions.length === 0
                ? "none"
                : first.header.extensions.map((e) => e.id).join(","),
          }
        : {}),
    }),
    send: () => void transceiver.sender.sendRtp(input.next()).catch(() => undefined),
    received,
    close: () => pair.close(),
  };
}

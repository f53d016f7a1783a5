/**
 * The `--loss` test hook, installed in the receiver's process only: every UDP datagram this process's
 * sockets receive passes `RtpLossFilter` before any `message` listener (the ICE transport) sees it,
 * so dropped RTP is lost exactly as on a lossy link, and repair has to come from NACK + RTX.
 * Nothing in @tern/peer knows about it.
 */
import { Socket } from "node:dgram";
import { RtpLossFilter } from "../media/rtp-loss-filter.js";

export function installReceiveLoss(lossPercent: number, seed: number): RtpLossFilter {
  const filter = new RtpLossFilter(lossPercent, seed);
  const original = Socket.prototype.emit as (
    this: Socket,
    event: string | symbol,
    ...args: unknown[]
  ) => boolean;
  const patched = function (this: Socket, event: string | symbol, ...args: unknown[]): boolean {
    const msg = args[0];
    if (event === "message" && msg instanceof Uint8Array && filter.shouldDrop(msg)) return true;
    return original.call(this, event, ...args);
  };
  Socket.prototype.emit = patched as typeof Socket.prototype.emit;
  return filter;
}

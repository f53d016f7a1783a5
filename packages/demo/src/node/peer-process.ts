/**
 * One demo peer, as its own process (forked by the CLI with an IPC channel): connects to the signaling
 * server, joins the room, and runs the sender or the receiver. Logs pino JSON lines on stdout (the CLI
 * prettifies them); status and results go to the CLI over IPC. SIGINT is the CLI's to handle: it sends
 * `stop`. If the CLI goes away, so do we.
 */
import { SignalingClient } from "@tern/signaling";
import pino from "pino";
import { loadMediaClip } from "../media/media-clip.js";
import type { ChildMessage, ParentMessage, PeerProcessConfig } from "./demo-messages.js";
import { MediaReceiver } from "./media-receiver.js";
import { MediaSender } from "./media-sender.js";
import { installReceiveLoss } from "./receive-loss.js";

const cfg = JSON.parse(process.argv[2] ?? "{}") as PeerProcessConfig;
const log = pino({ level: cfg.logLevel, base: { peer: cfg.name } });

function report(m: ChildMessage): void {
  if (process.connected) process.send?.(m);
}

function fail(message: string, err?: unknown): void {
  log.error({ err }, message);
  report({ type: "failed", message });
  setTimeout(() => process.exit(1), 50);
}

process.on("SIGINT", () => {
  // the CLI decides; it will send "stop"
});
process.on("uncaughtException", (err) => fail(`bug: ${err.message}`, err));
process.on("unhandledRejection", (err) => fail(`bug: ${String(err)}`, err));
process.on("disconnect", () => process.exit(0));

async function main(): Promise<void> {
  const filter =
    cfg.role === "receiver" && cfg.lossPercent > 0
      ? installReceiveLoss(cfg.lossPercent, cfg.lossSeed)
      : undefined;
  if (filter)
    log.info({ lossPercent: cfg.lossPercent, seed: cfg.lossSeed }, "dropping incoming RTP on purpose");
  const clip = loadMediaClip();
  const client = new SignalingClient(cfg.signalingUrl, {
    name: cfg.name,
    logger: log.child({ layer: "signaling" }),
  });
  await client.connect();
  const role =
    cfg.role === "sender"
      ? new MediaSender(cfg, clip, client, log, report)
      : new MediaReceiver(cfg, clip, client, log, report, () => filter?.counters.rtpDropped ?? 0);
  role.listen(); // before join: room messages can arrive together with the join's answer
  const joined = await client.join(cfg.room, { name: cfg.name });
  log.info({ room: cfg.room, peerId: joined.peerId, peers: joined.peers.length }, "joined the room");
  if (role instanceof MediaSender) role.start(joined.peers);
  else role.start();
  process.on("message", (m: ParentMessage) => {
    if (m.type !== "stop") return;
    void (async () => {
      await role.stop();
      await client.close();
      log.flush();
      process.exit(0);
    })();
  });
  report({ type: "ready", peerId: joined.peerId });
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err), err));

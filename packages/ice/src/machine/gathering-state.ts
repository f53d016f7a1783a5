import type { IceEvent, IceGatheringState } from "./ice-types.js";

/**
 * The agent's gathering state (webrtc-pc RTCIceGatheringState): "gathering" from `gather` on, "complete"
 * once server-reflexive gathering is done and every hold is released (an adapter obtaining candidates the
 * agent cannot see, a TURN allocation); each change is a `gathering-state` event. An ICE restart makes it
 * "new" again, silently, until the new generation gathers.
 */
export class GatheringState {
  state: IceGatheringState = "new";
  private holds = 0;

  constructor(private readonly events: IceEvent[]) {}

  begin(): void {
    this.set("gathering");
  }

  restart(): void {
    this.state = "new";
  }

  hold(): void {
    this.holds++;
  }

  release(): void {
    this.holds--;
  }

  /** Completes when gathering, with no hold left and `serverReflexiveDone`. */
  update(serverReflexiveDone: boolean): void {
    if (this.state === "gathering" && this.holds === 0 && serverReflexiveDone) this.set("complete");
  }

  private set(s: IceGatheringState): void {
    if (this.state === s) return;
    this.state = s;
    this.events.push({ kind: "gathering-state", state: s });
  }
}

/**
 * A `joined` reply and the room's first messages (a peer's offer, a peer-joined) can arrive in one read:
 * emitted at once, they would reach no one who writes `await join(); client.on("signal", …)`, since the
 * code after `await` runs only once this read is handled. So after a join resolves, room events are held
 * until the next macrotask — after the joiner's continuation — and then emitted in order.
 */
export class RoomEventHold {
  private held: (() => void)[] | undefined;

  constructor(private readonly live: () => boolean) {}

  /** Starts holding (a join just resolved). */
  hold(): void {
    if (this.held !== undefined) return;
    this.held = [];
    setImmediate(() => {
      const held = this.held ?? [];
      this.held = undefined;
      for (const emit of held) if (this.live()) emit();
    });
  }

  /** Emits now, or after the hold. */
  deliver(emit: () => void): void {
    if (this.held !== undefined) this.held.push(emit);
    else emit();
  }
}

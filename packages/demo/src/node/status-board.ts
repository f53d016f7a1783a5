/**
 * The CLI's output: log lines and the peers' live status. On a terminal the status is a block of lines
 * kept at the bottom and redrawn in place (log lines scroll above it); piped, each peer's status is a
 * plain line at most once per `plainIntervalMs`.
 */
import type { PeerStatus } from "../stats/peer-status.js";
import { formatStatusBlock, formatStatusLine } from "../stats/status-line.js";

export interface StatusBoardOptions {
  readonly out: NodeJS.WriteStream;
  readonly err: NodeJS.WriteStream;
  readonly live: boolean;
  readonly plainIntervalMs?: number;
}

export class StatusBoard {
  private readonly statuses = new Map<string, PeerStatus>();
  private readonly printedAt = new Map<string, number>();
  private drawnLines = 0;
  private dirty = false;
  private closed = false;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: StatusBoardOptions) {
    if (o.live) this.timer = setInterval(() => this.redraw(), 200);
  }

  /** A log line (already formatted, ending in a newline or not). */
  log(text: string): void {
    const line = text.endsWith("\n") ? text : `${text}\n`;
    if (!this.o.live || this.closed) {
      this.o.err.write(line);
      return;
    }
    this.erase();
    this.o.err.write(line);
    this.draw();
  }

  /** A line for stdout (results, the summary). */
  print(text: string): void {
    const live = this.o.live && !this.closed;
    if (live) this.erase();
    this.o.out.write(text.endsWith("\n") ? text : `${text}\n`);
    if (live) this.draw();
  }

  update(s: PeerStatus): void {
    this.statuses.set(s.label, s);
    if (this.o.live) {
      this.dirty = true;
      return;
    }
    const now = performance.now();
    const at = this.printedAt.get(s.label);
    if (at !== undefined && now - at < (this.o.plainIntervalMs ?? 1000)) return;
    this.printedAt.set(s.label, now);
    this.o.out.write(`${formatStatusLine(s)}\n`);
  }

  get all(): readonly PeerStatus[] {
    return [...this.statuses.values()];
  }

  /** Stops redrawing; the last block stays on screen. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.o.live && !this.closed) {
      this.erase();
      this.draw();
    }
    this.closed = true;
    this.drawnLines = 0;
  }

  private redraw(): void {
    if (!this.dirty && this.drawnLines > 0) return;
    this.erase();
    this.draw();
  }

  private erase(): void {
    if (this.drawnLines === 0) return;
    // Cursor to the start of the block's first line, clear to the end of the screen.
    this.o.out.write(`\x1b[${this.drawnLines}F\x1b[J`);
    this.drawnLines = 0;
  }

  private draw(): void {
    this.dirty = false;
    const width = Math.max(40, (this.o.out.columns || Number(process.env.COLUMNS) || 160) - 1);
    const lines: string[] = [];
    for (const s of this.statuses.values()) lines.push(...formatStatusBlock(s));
    for (const l of lines) this.o.out.write(`${l.length > width ? `${l.slice(0, width - 1)}…` : l}\n`);
    this.drawnLines = lines.length;
  }
}

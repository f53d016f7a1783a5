import type { CandidatePair, CheckList } from "./check-list.js";
import type { IceRole, Millis } from "./ice-types.js";

/**
 * Regular nomination (RFC 8445 §8.1): the controlling agent nominates the best valid pair with a check
 * carrying USE-CANDIDATE once no better pair can still succeed, or `delayMs` after the first pair became
 * valid; the controlled agent takes a pair a USE-CANDIDATE check validated. The nominated pair is the
 * selected one; a higher-priority pair nominated later replaces it.
 */
export class RegularNomination {
  /** Controlling: the pair a nominating check is in flight on. */
  nominating: CandidatePair | undefined;
  /** The selected pair. */
  nominated: CandidatePair | undefined;
  private firstValidAt: Millis | undefined;

  constructor(
    private readonly checkList: CheckList,
    private readonly delayMs: Millis,
  ) {}

  /** A check succeeded: the nomination delay runs from the first. */
  validated(now: Millis): void {
    this.firstValidAt ??= now;
  }

  /**
   * The answer to a check on `pair` settles a nomination in flight on it: an error, or the nominating
   * check's own answer (a nominating check that failed is retried on the next `next`).
   */
  answered(pair: CandidatePair, error: boolean, useCandidate: boolean): void {
    if (this.nominating === pair && (error || useCandidate)) this.nominating = undefined;
  }

  /**
   * The nominating check itself timed out (every try or answer lost): nominate again, the pair is still
   * valid (RFC 8445 §8.1.1 leaves the retry to the controlling agent).
   */
  timedOut(pair: CandidatePair): void {
    if (this.nominating === pair) this.nominating = undefined;
  }

  /** Takes `pair` as nominated; true when it becomes the selected pair. */
  accept(pair: CandidatePair): boolean {
    pair.nominated = true;
    if (this.nominated && this.nominated.priority >= pair.priority) return false;
    this.nominated = pair;
    this.nominating = undefined;
    return true;
  }

  /** Controlling: the pair to nominate now, if it is time (it is then `nominating`). */
  next(now: Millis, role: IceRole): CandidatePair | undefined {
    if (role !== "controlling" || this.nominated || this.nominating) return undefined;
    const best = this.checkList.bestValid();
    if (!best || this.firstValidAt === undefined) return undefined;
    const betterPending = this.checkList.pairs.some(
      (p) =>
        p.priority > best.priority &&
        (p.state === "waiting" || p.state === "in-progress" || p.state === "frozen"),
    );
    if (betterPending && now < this.firstValidAt + this.delayMs) return undefined;
    this.nominating = best;
    return best;
  }

  /** When `next` may have a pair for a waiting controlling agent. */
  deadline(role: IceRole): Millis | undefined {
    if (role !== "controlling" || this.nominated || this.nominating || this.firstValidAt === undefined)
      return undefined;
    return this.firstValidAt + this.delayMs;
  }
}

/**
 * Where the m= sections of the next offer go (RFC 8829 §5.2.2): every m= section of the session keeps its
 * place; a transceiver not yet in one takes the first recyclable m= section — one rejected in both current
 * descriptions whose transceiver is gone or stopped (§5.2.2, "recycled") — or a new one appended at the end,
 * with a mid unused in the whole session. Pure: the caller applies the result when the offer is set.
 */

/** One m= section of the session so far, with whoever owns it. */
export interface MLineSlot<O> {
  readonly mid: string;
  /** The transceiver (or data section) in it; undefined once the owner is gone. */
  readonly owner: O | undefined;
  /** Rejected in both the current local and remote descriptions, and its owner gone or stopped. */
  readonly recyclable: boolean;
}

export interface OfferLine<O> {
  readonly mid: string;
  /** undefined: an m= section nobody owns, written rejected with its old mid. */
  readonly owner: O | undefined;
}

export interface OfferLayout<O> {
  readonly lines: readonly OfferLine<O>[];
  /** The newcomers' places: a new mid and an m= line index each. */
  readonly assigned: ReadonlyMap<O, { readonly mid: string; readonly index: number }>;
}

/** The smallest decimal mid not in use ("0", "1", … as browsers write them). */
export function nextMid(used: ReadonlySet<string>): string {
  for (let i = 0; ; i++) if (!used.has(String(i))) return String(i);
}

/**
 * The offer's m= lines: the existing ones in place (a recyclable one taken by a newcomer gets its new mid),
 * then the remaining newcomers appended, in the order given. `used` holds every mid of the session
 * (transceivers and both descriptions, current and pending).
 */
export function layoutOffer<O>(
  slots: readonly MLineSlot<O>[],
  newcomers: readonly O[],
  used: ReadonlySet<string>,
): OfferLayout<O> {
  const taken = new Set(used);
  const assigned = new Map<O, { mid: string; index: number }>();
  const waiting = [...newcomers];
  const lines: OfferLine<O>[] = slots.map((slot, index) => {
    if (!slot.recyclable || waiting.length === 0) return { mid: slot.mid, owner: slot.owner };
    const owner = waiting.shift() as O;
    const mid = nextMid(taken);
    taken.add(mid);
    assigned.set(owner, { mid, index });
    return { mid, owner };
  });
  for (const owner of waiting) {
    const mid = nextMid(taken);
    taken.add(mid);
    assigned.set(owner, { mid, index: lines.length });
    lines.push({ mid, owner });
  }
  return { lines, assigned };
}

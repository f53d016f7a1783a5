/**
 * SRTP packet index determination, RFC 3711 §3.3.1 and Appendix A: from the highest index seen so far
 * (ROC * 2^16 + s_l) and a packet's 16-bit SEQ, guess the ROC v the sender used, taking the candidate
 * closest to s_l:
 *
 * ```
 * if (s_l < 32,768)
 *    if (SEQ - s_l > 32,768) set v to (ROC-1) mod 2^32  else set v to ROC
 * else
 *    if (s_l - 32,768 > SEQ) set v to (ROC+1) mod 2^32  else set v to ROC
 * return SEQ + v*65,536
 * ```
 *
 * Unlike the pseudo-code this does not wrap v modulo 2^32: a v of -1 (a packet from before ROC 0) gives
 * a negative index, which the replay window treats as too old; v = 2^32 gives an index past 2^48, which
 * means the keys are exhausted.
 */
export function estimateIndex(highestIndex: number, seq: number): number {
  const roc = Math.floor(highestIndex / 65536);
  const sl = highestIndex - roc * 65536;
  let v = roc;
  if (sl < 32768) {
    if (seq - sl > 32768) v = roc - 1;
  } else if (sl - 32768 > seq) {
    v = roc + 1;
  }
  return v * 65536 + seq;
}

/** 2^48: SRTP indices must stay below it (RFC 3711 §3.3.1); re-key before. */
export const SRTP_INDEX_LIMIT = 2 ** 48;
/** 2^31: SRTCP indices must stay below it (RFC 3711 §3.4). */
export const SRTCP_INDEX_LIMIT = 2 ** 31;

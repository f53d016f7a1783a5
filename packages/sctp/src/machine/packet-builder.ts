import { type Chunk, paddedChunkLength } from "../wire/chunk.js";
import { SCTP_COMMON_HEADER_LENGTH } from "../wire/sctp-packet.js";

/**
 * Gathers the chunks of one outgoing packet up to the MTU (RFC 9260 §6.10 bundling). One per
 * association, reused for every packet: the chunk list is the only array, and it is cleared, not
 * reallocated.
 */
export class PacketBuilder {
  readonly chunks: Chunk[] = [];
  #size = SCTP_COMMON_HEADER_LENGTH;

  constructor(readonly mtu: number) {}

  reset(): void {
    this.chunks.length = 0;
    this.#size = SCTP_COMMON_HEADER_LENGTH;
  }

  get empty(): boolean {
    return this.chunks.length === 0;
  }

  /** Octets still free in the packet. */
  get room(): number {
    return this.mtu - this.#size;
  }

  /** Adds `c` if it fits (its padded length is `bytes`, or computed); returns whether it did. */
  add(c: Chunk, bytes: number = paddedChunkLength(c)): boolean {
    if (bytes > this.mtu - this.#size) return false;
    this.chunks.push(c);
    this.#size += bytes;
    return true;
  }
}

/**
 * SCTP stream ids of data channels (RFC 8832 §6): the side that opens a channel picks an id whose
 * streams are unused both ways — even when it is the DTLS client, odd when it is the DTLS server. An id
 * is used from the channel's creation until its closing has reset the stream both ways (RFC 8831 §6.7).
 */
export class DataChannelIds<T> {
  readonly #used = new Map<number, T>();
  /** Ids below this exist (W3C [[MaxChannels]]: the association's streams; 65535 before it is known). */
  maxChannels = 65535;

  get(id: number): T | undefined {
    return this.#used.get(id);
  }

  has(id: number): boolean {
    return this.#used.has(id);
  }

  get size(): number {
    return this.#used.size;
  }

  values(): IterableIterator<T> {
    return this.#used.values();
  }

  take(id: number, owner: T): void {
    this.#used.set(id, owner);
  }

  release(id: number, owner: T): void {
    if (this.#used.get(id) === owner) this.#used.delete(id);
  }

  /** The lowest free id of our parity, or undefined when there is none below `maxChannels`. */
  allocate(role: "client" | "server", owner: T): number | undefined {
    for (let id = role === "client" ? 0 : 1; id < this.maxChannels; id += 2) {
      if (!this.#used.has(id)) {
        this.#used.set(id, owner);
        return id;
      }
    }
    return undefined;
  }

  /** The peer's ids have the other parity (RFC 8832 §6). */
  static isPeers(role: "client" | "server", id: number): boolean {
    return role === "client" ? id % 2 === 1 : id % 2 === 0;
  }
}

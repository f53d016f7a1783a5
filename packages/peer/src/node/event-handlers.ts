/**
 * The DOM event plumbing the W3C shapes need (WHATWG DOM §2, HTML §8.1.8 event handlers), on Node's own
 * `EventTarget` and `Event`: `on…` event handler attributes, and an EventTarget that an EventEmitter-based
 * object (a track) owns so that it can offer `addEventListener` beside its Node-style events.
 */

export type EventHandler<E extends Event = Event> = ((ev: E) => unknown) | null;

/** A listener as `EventTarget.addEventListener` takes it (a function or an object with handleEvent). */
export type EventListenerLike = Parameters<EventTarget["addEventListener"]>[1];
export type AddListenerOptions = Parameters<EventTarget["addEventListener"]>[2];

/**
 * The `on…` attributes of one EventTarget: setting one adds a listener (once, in the order of the first
 * set), replacing it keeps that place, null removes it (HTML §8.1.8.1).
 */
export class EventHandlerAttributes {
  readonly #target: EventTarget;
  readonly #handlers = new Map<string, { fn: (ev: Event) => unknown; listener: (ev: Event) => void }>();

  constructor(target: EventTarget) {
    this.#target = target;
  }

  get(type: string): EventHandler {
    return this.#handlers.get(type)?.fn ?? null;
  }

  set(type: string, fn: EventHandler<never> | undefined): void {
    const existing = this.#handlers.get(type);
    if (typeof fn !== "function") {
      if (existing) this.#target.removeEventListener(type, existing.listener);
      this.#handlers.delete(type);
      return;
    }
    const handler = fn as (ev: Event) => unknown;
    if (existing) {
      existing.fn = handler;
      return;
    }
    const entry = {
      fn: handler,
      listener: (ev: Event): void => {
        const r = entry.fn.call(this.#target, ev);
        if (r === false) ev.preventDefault();
      },
    };
    this.#handlers.set(type, entry);
    this.#target.addEventListener(type, entry.listener);
  }
}

/**
 * An EventTarget owned by another object (an EventEmitter-based track): events dispatched through it
 * report the owner as their `target`, and the owner's `on…` attributes live here.
 */
export class OwnedEventTarget extends EventTarget {
  readonly #owner: object;
  readonly #handlers = new EventHandlerAttributes(this);

  constructor(owner: object) {
    super();
    this.#owner = owner;
  }

  handler(type: string): EventHandler {
    return this.#handlers.get(type);
  }
  setHandler(type: string, fn: EventHandler<never>): void {
    this.#handlers.set(type, fn);
  }
  add(type: string, listener: EventListenerLike | null, options?: AddListenerOptions): void {
    if (listener) this.addEventListener(type, listener, options);
  }
  remove(type: string, listener: EventListenerLike | null): void {
    if (listener) this.removeEventListener(type, listener);
  }
  dispatch(event: Event): boolean {
    Object.defineProperty(event, "target", { value: this.#owner, configurable: true });
    Object.defineProperty(event, "srcElement", { value: this.#owner, configurable: true });
    return this.dispatchEvent(event);
  }
  fire(type: string): void {
    this.dispatch(new Event(type));
  }
}

import pino, { type Logger } from "pino";

let silent: Logger | undefined;

/**
 * The logger a component uses when none is given: one silent pino instance per process, made on first use
 * (a pino instance per connection costs a stdout destination, level tables and ~10 µs to build).
 */
export function silentLogger(): Logger {
  silent ??= pino({ level: "silent" });
  return silent;
}

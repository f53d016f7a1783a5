/**
 * The simulated network of @tern/ice's tests, for other packages' simulations (`@tern/ice/testing`,
 * source-only: resolved through the `tern-source` condition inside the monorepo, not published in dist).
 */
export { Bottleneck, type BottleneckOptions, type CrossTraffic } from "./bottleneck.js";
export { runFor, runUntil, SimStallError } from "./driver.js";
export type { SimNatOptions } from "./nat.js";
export { Prng } from "./prng.js";
export {
  type LinkRule,
  type SimEndpoint,
  SimNetwork,
  type SimNetworkOptions,
  type SimTraceEvent,
  type SimTransmit,
} from "./sim-network.js";

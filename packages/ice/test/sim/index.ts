/**
 * The simulated network of @tern/ice's tests, for other packages' simulations (`@tern/ice/testing`,
 * source-only: resolved through the `tern-source` condition inside the monorepo, not published in dist).
 */
export { runFor, runUntil, SimStallError } from "./driver.js";
export type { SimNatOptions } from "./nat.js";
export { Prng } from "./prng.js";
export { type SimEndpoint, SimNetwork, type SimNetworkOptions, type SimTransmit } from "./sim-network.js";

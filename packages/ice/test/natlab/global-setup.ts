/**
 * vitest globalSetup of the NAT suite (vitest.nat.config.ts): checks root and tools — failing the run
 * with the reason, never skipping — brings the lab up once, and tears it down after the last test.
 */
import { labDown, labUp, requireLab } from "./lab.js";

export default function setup(): () => void {
  requireLab();
  labUp("cone", "cone");
  return () => {
    labDown();
  };
}

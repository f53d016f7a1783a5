/** Clears the last run's matrix before the suite; renders, writes and prints the matrix after it. */
import { clearMatrix, writeMatrix } from "./browser-matrix.js";

export function setup(): void {
  clearMatrix();
}

export function teardown(): void {
  const text = writeMatrix();
  console.log(`\n${text}\n(written to test-results/browser-matrix.md)`);
}

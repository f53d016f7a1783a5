/**
 * Reads test vectors kept in an RFC's own layout (test/vectors/*.txt): numbered sections, `Label: hex`
 * fields wrapped onto bare continuation lines, and hex blocks after an introductory sentence.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const vectorsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "vectors");

export function readVectorFile(name: string): string {
  return readFileSync(join(vectorsDir, name), "utf8");
}

const isHeading = (line: string): boolean => /^(\d+\.)+\s|^[A-Z]\.\d+\.\s/.test(line);
const isBareHex = (line: string): boolean => /^[0-9a-fA-F ]+$/.test(line.trim()) && line.trim().length > 0;

/** The lines of the section whose heading starts with `heading`, up to the next heading. */
export function section(text: string, heading: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) throw new Error(`no section ${heading}`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex(isHeading);
  return [lines[start] as string, ...(end < 0 ? rest : rest.slice(0, end))];
}

export function unhex(text: string): Uint8Array {
  const digits = text.replace(/[^0-9a-fA-F]/g, "");
  if (digits.length === 0 || digits.length % 2 !== 0) throw new Error(`bad hex: ${text}`);
  return Uint8Array.from(Buffer.from(digits, "hex"));
}

/** The hex after `Label:` on its line (up to a parenthesised remark) and on bare-hex lines below it. */
export function field(lines: readonly string[], label: string): Uint8Array {
  const at = lines.findIndex((l) => l.trim().startsWith(`${label}:`));
  if (at < 0) throw new Error(`no field ${label}`);
  let hex = (lines[at] as string)
    .trim()
    .slice(label.length + 1)
    .replace(/\(.*$/, "");
  for (const l of lines.slice(at + 1)) {
    if (!isBareHex(l)) break;
    hex += l;
  }
  return unhex(hex);
}

/** The hex block following the line that contains `after`. */
export function block(lines: readonly string[], after: string): Uint8Array {
  const at = lines.findIndex((l) => l.includes(after));
  if (at < 0) throw new Error(`no line with ${after}`);
  let hex = "";
  for (const l of lines.slice(at + 1)) {
    if (l.trim() === "" && hex === "") continue;
    if (!isBareHex(l)) break;
    hex += l;
  }
  return unhex(hex);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

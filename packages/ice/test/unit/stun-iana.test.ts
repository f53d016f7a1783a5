import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { StunErrorCode, StunErrorReason } from "../../src/wire/error-code.js";
import { StunAttrType, StunMethod } from "../../src/wire/stun-message-types.js";

/** Reads one of the IANA registry CSVs copied into test/vectors/iana (see test/vectors/README.md). */
function registry(file: string): Map<number, string> {
  const text = readFileSync(new URL(`../vectors/iana/${file}`, import.meta.url), "utf8");
  const rows = new Map<number, string>();
  for (const line of text.trim().split("\n").slice(1)) {
    const [value, name] = line.split(",");
    rows.set(Number(value), name ?? "");
  }
  return rows;
}

/** Our identifier for an IANA name: MESSAGE-INTEGRITY-SHA256 -> MessageIntegritySha256. */
function pascal(ianaName: string): string {
  return ianaName
    .toLowerCase()
    .split(/[-_ ]/)
    .map((w) => (w[0] ?? "").toUpperCase() + w.slice(1))
    .join("");
}

describe("registries match IANA STUN Parameters", () => {
  it("StunMethod", () => {
    const iana = registry("stun-methods.csv");
    for (const [name, value] of Object.entries(StunMethod)) {
      expect(iana.get(value), `${name}=0x${value.toString(16)}`).toBe(name);
    }
    expect(Object.keys(StunMethod).length).toBeGreaterThanOrEqual(7);
  });

  it("StunAttrType", () => {
    const iana = registry("stun-attributes.csv");
    for (const [name, value] of Object.entries(StunAttrType)) {
      const ianaName = iana.get(value);
      expect(ianaName, `${name}=0x${value.toString(16)} is registered`).toBeDefined();
      expect(pascal(ianaName ?? ""), `${name}=0x${value.toString(16)}`).toBe(name);
    }
  });

  it("StunErrorCode and reason phrases", () => {
    const iana = registry("stun-error-codes.csv");
    for (const [name, code] of Object.entries(StunErrorCode)) {
      const ianaName = iana.get(code) ?? "";
      expect(pascal(ianaName), `${name}=${code}`).toBe(name);
      expect(StunErrorReason[code], `${code}`).toBe(ianaName);
    }
    expect(Object.keys(StunErrorCode).length).toBe(iana.size);
  });
});

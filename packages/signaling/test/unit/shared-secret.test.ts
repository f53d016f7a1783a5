import { describe, expect, it } from "vitest";
import { constantTimeEqual, tokenVerifier } from "../../src/crypto/shared-secret.js";

describe("shared-secret comparison", () => {
  it("compares any lengths (hashed first), equal only when equal", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
    const verify = tokenVerifier("s3cret");
    expect(verify("s3cret")).toBe(true);
    expect(verify("s3cre")).toBe(false);
    expect(verify("S3cret")).toBe(false);
    expect(verify("s3cret".repeat(100))).toBe(false);
  });
});

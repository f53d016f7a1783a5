import { describe, expect, it } from "vitest";
import { readmeBlocks } from "../readme-blocks.js";

describe("readmeBlocks (the doc-test's extractor)", () => {
  it("takes ts, js and `js browser` blocks as written, and nothing else", () => {
    const md = [
      "# Title",
      "```sh",
      "pnpm test",
      "```",
      "```ts",
      'import { x } from "@tern/ice";',
      "",
      "console.log(x);",
      "```",
      "text",
      "```js browser",
      'import { SignalingClient } from "/signaling-client.js";',
      "```",
      "````typescript",
      "```not a fence end",
      "````",
      "```",
      "plain",
      "```",
    ].join("\n");
    expect(readmeBlocks(md)).toEqual([
      { kind: "ts", line: 5, code: 'import { x } from "@tern/ice";\n\nconsole.log(x);\n' },
      { kind: "browser", line: 11, code: 'import { SignalingClient } from "/signaling-client.js";\n' },
      { kind: "ts", line: 14, code: "```not a fence end\n" },
    ]);
  });

  it("refuses an unclosed fence instead of dropping the block", () => {
    expect(() => readmeBlocks("```ts\nconst a = 1;\n")).toThrow(/unclosed code fence opened at line 1/);
  });
});

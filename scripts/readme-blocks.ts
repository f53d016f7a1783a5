/**
 * The doc-test's extractor: the fenced code blocks of a README that are examples to run. Pure (text in,
 * blocks out), so it is tested on its own (scripts/test/readme-blocks.test.ts).
 *
 * Which blocks run, by the fence's info string:
 *   ```ts / ```typescript   a program: type-checked (strict, skipLibCheck false) and run with Node
 *   ```js / ```javascript   a program: run with Node
 *   ```js browser           a page module: run in headless Chromium, served by @tern/signaling's server
 * Every other block (sh commands, sample output, tables) is text, not an example.
 */

export type BlockKind = "ts" | "js" | "browser";

export interface ReadmeBlock {
  readonly kind: BlockKind;
  /** 1-based line of the opening fence, for messages. */
  readonly line: number;
  readonly code: string;
}

const KINDS: Record<string, BlockKind> = { ts: "ts", typescript: "ts", js: "js", javascript: "js" };

export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const out: ReadmeBlock[] = [];
  const lines = markdown.split(/\r?\n/);
  let open: { fence: string; kind: BlockKind | undefined; line: number; body: string[] } | undefined;
  lines.forEach((text, i) => {
    if (open) {
      if (text.trimEnd() === open.fence) {
        if (open.kind) out.push({ kind: open.kind, line: open.line, code: `${open.body.join("\n")}\n` });
        open = undefined;
      } else open.body.push(text);
      return;
    }
    const m = /^(`{3,}|~{3,})\s*([\w-]*)\s*(.*)$/.exec(text);
    if (!m) return;
    const [, fence = "```", lang = "", rest = ""] = m;
    const base = KINDS[lang.toLowerCase()];
    const kind = base === "js" && rest.trim() === "browser" ? "browser" : base;
    open = { fence, kind, line: i + 1, body: [] };
  });
  if (open) throw new Error(`unclosed code fence opened at line ${open.line}`);
  return out;
}

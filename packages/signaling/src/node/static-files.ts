/**
 * A small read-only static file handler for the signaling server's HTTP side (the demo page, the browser
 * client). GET and HEAD only; paths are confined to the root (no `..`, no symlink escaping it).
 */
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, resolve, sep } from "node:path";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/** Sends one file with its content type (HEAD: headers only). */
export function sendFile(req: IncomingMessage, res: ServerResponse, path: string, size: number): void {
  res.writeHead(200, {
    "content-type": contentTypeOf(path),
    "content-length": size,
    "x-content-type-options": "nosniff",
    "cache-control": "no-cache",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const stream = createReadStream(path);
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

/**
 * Serves `pathname` from `root` if it names a file there (a directory serves its index.html). Returns
 * false when there is no such file, leaving the response to the caller.
 */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  pathname: string,
): Promise<boolean> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  if (decoded.includes("\0")) return false;
  const rootReal = await realpath(root).catch(() => undefined);
  if (rootReal === undefined) return false;
  let path = resolve(rootReal, `.${decoded.startsWith("/") ? decoded : `/${decoded}`}`);
  if (path !== rootReal && !path.startsWith(rootReal + sep)) return false;
  const real = await realpath(path).catch(() => undefined);
  if (real === undefined || (real !== rootReal && !real.startsWith(rootReal + sep))) return false;
  path = real;
  let st = await stat(path).catch(() => undefined);
  if (st?.isDirectory() === true) {
    path = resolve(path, "index.html");
    st = await stat(path).catch(() => undefined);
  }
  if (st === undefined || !st.isFile()) return false;
  sendFile(req, res, path, st.size);
  return true;
}

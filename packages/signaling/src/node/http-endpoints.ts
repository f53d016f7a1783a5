/**
 * The signaling server's plain HTTP side (GET/HEAD only): `/healthz` and `/metrics`, the browser client
 * module at `/signaling-client.js` and, optionally, a static directory. Everything else is 404.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { healthBody, type MetricsSource, metricsText } from "./server-metrics.js";
import { serveStatic } from "./static-files.js";

/** Where the browser client is served. */
export const BROWSER_CLIENT_PATH = "/signaling-client.js";

/** The browser client module's file: beside this adapter's directory, in `src/` or (built) in `dist/`. */
export const BROWSER_CLIENT_URL = new URL("../browser/signaling-client.js", import.meta.url);

export interface HttpEndpointsOptions {
  /** The browser client module's bytes (read once at start). */
  readonly browserClient: Buffer;
  /** A directory served over HTTP (GET/HEAD), e.g. a demo page. */
  readonly staticDir: string | undefined;
  /** Read on every `/healthz` and `/metrics` request. */
  readonly metricsSource: () => MetricsSource;
  readonly log: Logger;
  /** A static file failed to be served: our bug, counted by the server. */
  readonly onInternalError: () => void;
}

/** The `node:http` request listener of the signaling server. */
export function httpEndpoints(o: HttpEndpointsOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { browserClient, staticDir, metricsSource, log } = o;
  return (req, res) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (pathname === "/healthz" || pathname === "/metrics") {
      const health = healthBody(metricsSource());
      const [status, type, body] =
        pathname === "/healthz"
          ? [health.status, "application/json", health.body]
          : [200, "text/plain; version=0.0.4; charset=utf-8", metricsText(metricsSource())];
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    if (pathname === BROWSER_CLIENT_PATH) {
      res.writeHead(200, {
        "content-type": "text/javascript; charset=utf-8",
        "content-length": browserClient.byteLength,
        "x-content-type-options": "nosniff",
      });
      res.end(req.method === "HEAD" ? undefined : browserClient);
      return;
    }
    const notFound = (): void => {
      if (!res.headersSent) res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    };
    if (staticDir === undefined) {
      notFound();
      return;
    }
    serveStatic(req, res, staticDir, pathname).then(
      (served) => {
        if (!served) notFound();
      },
      (err: unknown) => {
        o.onInternalError();
        log.error({ err, pathname }, "static file error");
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  };
}

/**
 * `/metrics` in the Prometheus text exposition format (version 0.0.4) and `/healthz` as JSON: what one
 * instance holds and has done. Counters only grow; gauges are read when scraped.
 */
import type { SignalingRelay } from "../machine/signaling-relay.js";
import type { SignalingRelayCounter } from "../machine/signaling-relay-types.js";
import { SIGNALING_ERROR_CODES } from "../wire/signaling-error-code.js";

export interface MetricsSource {
  readonly relay: SignalingRelay;
  readonly adapter: Readonly<Record<"internal-error" | "slow-consumer", number>>;
  /** `undefined` without Redis. */
  readonly redis: { readonly up: boolean; readonly rttMs: number } | undefined;
  readonly draining: boolean;
}

export function healthBody(s: MetricsSource): { status: number; body: string } {
  const state = s.draining ? "draining" : s.redis !== undefined && !s.redis.up ? "degraded" : "ok";
  const body = {
    status: state,
    directory: s.redis === undefined ? "memory" : s.redis.up ? "redis" : "redis-unreachable",
    sockets: s.relay.connectionCount,
    rooms: s.relay.roomCount,
  };
  // Degraded still serves its own peers: 200, with the state in the body. Draining takes no one new: 503.
  return { status: s.draining ? 503 : 200, body: `${JSON.stringify(body)}\n` };
}

export function metricsText(s: MetricsSource): string {
  const lines: string[] = [];
  const metric = (name: string, type: "gauge" | "counter", help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  const c = s.relay.counters;
  metric("tern_signaling_sockets", "gauge", "Open WebSocket connections.", [["", s.relay.connectionCount]]);
  metric("tern_signaling_rooms", "gauge", "Rooms with a peer on this instance.", [["", s.relay.roomCount]]);
  metric("tern_signaling_relayed_total", "counter", "Peer messages relayed.", [["", c.relayed]]);
  metric("tern_signaling_joins_total", "counter", "Room joins.", [["", c.joins]]);
  metric("tern_signaling_resumed_total", "counter", "Sessions resumed.", [["", c.resumed]]);
  metric(
    "tern_signaling_rejections_total",
    "counter",
    "Messages refused, by reason.",
    SIGNALING_ERROR_CODES.map((code) => [`{reason="${code}"}`, c[code]]),
  );
  metric("tern_signaling_dropped_total", "counter", "Connections cut or refused, by reason.", [
    ['{reason="slow-consumer"}', s.adapter["slow-consumer"]],
    ['{reason="heartbeat-timeout"}', c["heartbeat-timeouts"]],
    ['{reason="server-full"}', c["connections-refused"]],
  ]);
  metric("tern_signaling_internal_errors_total", "counter", "Bugs caught by the guard.", [
    ["", s.adapter["internal-error"]],
  ]);
  if (s.redis !== undefined) {
    metric("tern_signaling_redis_up", "gauge", "1 while Redis is reachable.", [["", s.redis.up ? 1 : 0]]);
    metric("tern_signaling_redis_rtt_seconds", "gauge", "Round trip of the last Redis heartbeat.", [
      ["", s.redis.rttMs / 1000],
    ]);
  }
  return `${lines.join("\n")}\n`;
}

/** The server's counters: the relay machine's and the adapter's own, read live. */
export type SignalingServerCounters = Readonly<
  Record<SignalingRelayCounter | "internal-error" | "slow-consumer", number>
>;

/** One live view over both counter records (no copy: each key reads its source when read). */
export function liveCounters(
  machine: Readonly<Record<SignalingRelayCounter, number>>,
  adapter: Readonly<Record<"internal-error" | "slow-consumer", number>>,
): SignalingServerCounters {
  const view = {};
  for (const source of [machine, adapter] as const) {
    for (const key of Object.keys(source)) {
      Object.defineProperty(view, key, {
        enumerable: true,
        get: () => (source as Readonly<Record<string, number>>)[key],
      });
    }
  }
  return view as SignalingServerCounters;
}

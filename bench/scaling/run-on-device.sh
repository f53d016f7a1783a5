#!/bin/sh
# The media-scaling bench on a bigger machine (16 cores, say) that has this checkout but no
# node_modules and no network.
#
#   here, once:     sh bench/scaling/run-on-device.sh prepare [--node]
#                   (bundles into .tern-tmp/scaling-bundle/; --node adds this Node binary, gzipped,
#                    for a machine without Node 20+; carry .tern-tmp/scaling-bundle to the machine)
#   on the machine: sh bench/scaling/run-on-device.sh [max-workers]
#                   (default: every core; the result JSON goes to $OUT if set, else bench/results)
#
# Environment: TERN_SCALING_ROUNDS (4), TERN_SCALING_SECONDS (2), TERN_SCALING_CONNECTIONS_PER_WORKER (2).
set -eu
cd "$(dirname "$0")/../.."
BUNDLE=.tern-tmp/scaling-bundle

if [ "${1:-}" = prepare ]; then
  shift
  exec node --conditions=tern-source --import tsx bench/scaling/bundle.ts "$@"
fi

[ -f "$BUNDLE/media-scaling.mjs" ] || { echo "no $BUNDLE: run 'sh bench/scaling/run-on-device.sh prepare' where node_modules is" >&2; exit 2; }
NODE=node
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 20 ]; then
  [ -f "$BUNDLE/node.gz" ] || { echo "no Node 20+ here and none in $BUNDLE (prepare --node)" >&2; exit 2; }
  mkdir -p "${TMPDIR:-/tmp}/tern-node"
  NODE="${TMPDIR:-/tmp}/tern-node/node"
  [ -x "$NODE" ] || { gzip -dc "$BUNDLE/node.gz" >"$NODE" && chmod +x "$NODE"; }
fi
RESULTS="${OUT:-bench/results}"
mkdir -p "$RESULTS"
echo "node $("$NODE" --version), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), bundle of $(cat "$BUNDLE/COMMIT")"
TERN_BENCH_COMMIT="$(cut -d' ' -f1 "$BUNDLE/COMMIT")" \
TERN_BENCH_MACHINE="${TERN_BENCH_MACHINE:-device run, $(nproc) cores}" \
TERN_BENCH_RESULTS_DIR="$RESULTS" \
TERN_SCALING_WORKER="$BUNDLE/forwarding-worker.mjs" \
TERN_SCALING_MAX_WORKERS="${1:-$(nproc)}" \
  "$NODE" "$BUNDLE/media-scaling.mjs"

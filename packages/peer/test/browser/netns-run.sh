#!/bin/sh
# Runs a command (the browser suite) in a private network namespace, so every packet stays on this machine
# and captures hold only the suite's traffic. Inside: `lo`, plus a veth pair tern0/tern1 whose only
# address is 198.18.0.1/24 (RFC 2544 benchmarking range), the default route and the multicast route on
# tern0. Browsers without the media permission gather only on the default-route interface and hide it
# behind a `<uuid>.local` mDNS name: with no interface but lo they gather nothing at all. tern1 has no
# address and leads nowhere: nothing can leave the namespace.
# Needs root (unshare -n, ip); otherwise runs the command as is and the mDNS cells fail saying why.
# Usage: netns-run.sh <command> [args…]
set -eu
if [ "${TERN_NETNS:-}" = "1" ]; then
  ip link set lo up
  ip link add tern0 type veth peer name tern1
  ip addr add 198.18.0.1/24 dev tern0
  ip link set tern0 up
  ip link set tern1 up
  ip route add 224.0.0.0/4 dev tern0
  ip route add default dev tern0
  exec "$@"
fi
if [ "$(id -u)" = "0" ] && command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1; then
  TERN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
echo "netns-run: not root or no unshare/ip: running outside a network namespace" >&2
exec "$@"

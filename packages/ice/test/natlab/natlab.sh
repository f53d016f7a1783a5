#!/usr/bin/env bash
# natlab.sh - the NAT traversal lab of @tern/ice's NAT tests, in Linux network namespaces (root needed).
#
# Adapted from the team's shared lab (shared/natlab/natlab.sh, notes in shared/notes/natlab.md), which the
# repository cannot read. Changes: namespace names carry the prefix "tern-" (NATLAB_PREFIX) so they cannot
# clash with another lab; `up` first tears down what a crashed earlier run left; no signaling server (the
# test runner relays signaling over the peers' stdin/stdout); a `check` command that names the apt
# package of every missing tool; impairment always both ways on a router's WAN side.
#
#   tern-pub    : the "public internet", bridge br0, 100.64.0.10/24 (coturn :3478 UDP+TCP, STUN too)
#   tern-nat-a  : NAT router  wan0 100.64.0.2/24  <-> lan0 10.0.1.1/24   (default mode: cone)
#   tern-nat-b  : NAT router  wan0 100.64.0.3/24  <-> lan0 10.0.2.1/24   (default mode: cone)
#   tern-host-a : eth0 10.0.1.2/24, default via 10.0.1.1
#   tern-host-b : eth0 10.0.2.2/24, default via 10.0.2.1
#
# Nothing is connected to the root namespace: every veth pair is created with both ends inside lab
# namespaces, and the root namespace's interfaces, routes and firewall are never touched. pub's default
# route points into a black-hole veth whose both ends are in pub, so nothing can leave the lab.
#
# NAT modes (per router):
#   cone      : plain MASQUERADE (source port preserved => endpoint-independent mapping), conntrack
#               filtering (address+port dependent): a "port-restricted cone" NAT. Unsolicited inbound is
#               dropped in INPUT before conntrack confirmation, so a peer's early packet cannot steal the
#               port mapping.
#   fullcone  : cone + DMZ-style DNAT of every new inbound UDP flow to the LAN host => endpoint-independent
#               mapping AND filtering (full cone).
#   symmetric : MASQUERADE --random-fully (new random external port for every new 5-tuple =>
#               endpoint-dependent mapping) + conntrack filtering.
#
# Usage (logical names nat-a, nat-b, pub, host-a, host-b; the prefix is added):
#   natlab.sh check                                root + every tool present? (prints what to install)
#   natlab.sh up [--nat-a MODE] [--nat-b MODE]     (env NAT_A / NAT_B also work); tears down leftovers first
#   natlab.sh down
#   natlab.sh nat nat-a|nat-b MODE                 switch NAT behaviour + flush conntrack
#   natlab.sh impair nat-a|nat-b DELAY_MS [LOSS_PCT] [JITTER_MS]
#                                                  WAN impairment both ways: sch_netem if present, else
#                                                  NFQUEUE + nfq-delay.py (this kernel has no sch_netem)
#   natlab.sh loss NS DEV PCT                      random egress loss via nftables numgen
#   natlab.sh rate NS DEV RATE                     tbf rate limit, e.g. 1mbit (tbf is in this kernel)
#   natlab.sh clear-impair NS [DEV]
#   natlab.sh status
#   natlab.sh conntrack nat-a|nat-b                show the router's UDP mappings
#   natlab.sh udp-timeout nat-a|nat-b SECONDS      NAT binding lifetime (conntrack UDP timeouts, per netns)
#   natlab.sh exec NS CMD...                       = ip netns exec tern-NS CMD...
#
# Env: NATLAB_STATE (default /tmp/tern-natlab) holds logs, pids, coturn config.
#      NATLAB_PREFIX (default "tern-").
#      TURN_USER/TURN_PASS/TURN_REALM (default tern/ternpass/natlab.tern.test).
#      NATLAB_LIFETIME: seconds after which coturn and nfq-delay exit on their own (default 900).
set -euo pipefail

HERE="$(cd "${BASH_SOURCE[0]%/*}" && pwd)"
STATE="${NATLAB_STATE:-/tmp/tern-natlab}"
PREFIX="${NATLAB_PREFIX:-tern-}"
TURN_USER="${TURN_USER:-tern}"
TURN_PASS="${TURN_PASS:-ternpass}"
TURN_REALM="${TURN_REALM:-natlab.tern.test}"
LIFETIME="${NATLAB_LIFETIME:-900}"
PYTHON="${PYTHON:-$(command -v /usr/bin/python3 || command -v python3 || true)}"

NAMES=(pub nat-a nat-b host-a host-b)
PUB_IP=100.64.0.10
SINK_GW=100.64.0.254   # fake next hop inside pub, swallows everything
NATA_WAN=100.64.0.2
NATB_WAN=100.64.0.3
LAN_A=10.0.1
LAN_B=10.0.2
TURN_PORT=3478
RELAY_MIN=49152
RELAY_MAX=49999

log() { printf '[natlab %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
ns() { printf '%s%s' "$PREFIX" "$1"; }
nsx() { local n; n=$(ns "$1"); shift; ip netns exec "$n" "$@"; }

# command -> Debian package that provides it
declare -A PKG=(
  [ip]=iproute2 [tc]=iproute2 [ss]=iproute2 [iptables]=iptables [iptables-restore]=iptables
  [nft]=nftables [conntrack]=conntrack [turnserver]=coturn [stdbuf]=coreutils [timeout]=coreutils
  [python3]=python3 [node]=nodejs
)

cmd_check() {
  local missing=() c
  local -A pkgs=()
  for c in ip tc ss iptables iptables-restore nft conntrack turnserver stdbuf timeout python3 node; do
    if [[ $c == python3 ]]; then [[ -n $PYTHON ]] && continue; fi
    command -v "$c" >/dev/null || { missing+=("$c"); pkgs[${PKG[$c]}]=1; }
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    die "missing tools: ${missing[*]}; install them with: apt-get install -y ${!pkgs[*]}"
  fi
  [[ $EUID -eq 0 ]] || die "must run as root: the lab creates network namespaces, veth links and netfilter rules (CAP_NET_ADMIN/CAP_SYS_ADMIN); run the NAT tests as root, e.g. sudo pnpm test:nat"
  log "check ok: root, and every tool present"
}

# Address sanity: every address we configure must be in 100.64.0.0/10 (public segment) or 10.0.0.0/8
# (only inside our LAN namespaces).
check_addr() {
  local ip=$1 kind=$2
  case "$kind" in
    public) [[ $ip =~ ^100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\. ]] || die "public address $ip not in 100.64.0.0/10" ;;
    lan)    [[ $ip =~ ^10\. ]] || die "lan address $ip not in 10.0.0.0/8" ;;
  esac
}

pid_alive_is() { # pid expected-substring-of-cmdline
  local pid=$1 want=$2
  [[ -n "$pid" && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' </proc/"$pid"/cmdline | grep -q -- "$want"
}

set_nat_mode() {
  local r=$1 mode=$2 lanhost
  case "$r" in
    nat-a) lanhost=$LAN_A.2 ;;
    nat-b) lanhost=$LAN_B.2 ;;
    *) die "router must be nat-a or nat-b" ;;
  esac
  case "$mode" in cone|fullcone|symmetric) ;; *) die "mode must be cone|fullcone|symmetric" ;; esac
  # One atomic iptables-restore per router. filter: a stateful router that silently drops unsolicited
  # inbound.
  local nat_rules fwd_extra=""
  case "$mode" in
    cone)      nat_rules="-A POSTROUTING -o wan0 -j MASQUERADE" ;;
    fullcone)  nat_rules=$'-A PREROUTING -i wan0 -p udp -j DNAT --to-destination '"$lanhost"$'\n-A POSTROUTING -o wan0 -j MASQUERADE'
               fwd_extra="-A FORWARD -i wan0 -o lan0 -p udp -m conntrack --ctstate DNAT -j ACCEPT" ;;
    symmetric) nat_rules="-A POSTROUTING -o wan0 -j MASQUERADE --random-fully" ;;
  esac
  nsx "$r" iptables-restore <<EOF
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -i lan0 -j ACCEPT
-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A FORWARD -i lan0 -o wan0 -j ACCEPT
-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
$fwd_extra
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
$nat_rules
COMMIT
EOF
  # forget old mappings so the new behaviour applies to every flow
  nsx "$r" conntrack -F >/dev/null 2>&1 || true
  echo "$mode" >"$STATE/$r.mode"
  log "$r mode=$mode"
}

mk_ns() {
  local n; n=$(ns "$1")
  ip netns add "$n"
  ip -n "$n" link set lo up
  nsx "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

write_turn_conf() {
  cat >"$STATE/turnserver.conf" <<EOF
# generated by natlab.sh - coturn for the lab's public segment only
listening-ip=$PUB_IP
relay-ip=$PUB_IP
listening-port=$TURN_PORT
min-port=$RELAY_MIN
max-port=$RELAY_MAX
realm=$TURN_REALM
server-name=tern-natlab-turn
lt-cred-mech
user=$TURN_USER:$TURN_PASS
userdb=$STATE/turndb
fingerprint
no-tls
no-dtls
no-cli
no-rfc5780
no-multicast-peers
no-software-attribute
log-file=stdout
simple-log
pidfile=$STATE/turnserver.pid
EOF
  if [[ -n "${NATLAB_TURN_VERBOSE:-}" ]]; then echo "verbose" >>"$STATE/turnserver.conf"; fi
  # explicit checks: no external-ip mapping, and every IP in the config is on the lab segment
  if grep -Eq '^[[:space:]]*(external-ip|X)[[:space:]]*=' "$STATE/turnserver.conf"; then die "turnserver.conf has external-ip"; fi
  local ip
  for ip in $(grep -Eo '([0-9]{1,3}\.){3}[0-9]{1,3}' "$STATE/turnserver.conf" | sort -u); do
    check_addr "$ip" public
  done
}

turn_listening() { # udp|tcp
  local flag=-lnu; [[ $1 == tcp ]] && flag=-lnt
  nsx pub ss -H "$flag" "sport = :$TURN_PORT" | grep -q "$PUB_IP:$TURN_PORT"
}

start_coturn() {
  write_turn_conf
  rm -f "$STATE/turndb"
  # -c: the config file. `timeout` bounds its lifetime; stdbuf keeps its log line-buffered.
  ip netns exec "$(ns pub)" timeout "$LIFETIME" stdbuf -oL -eL turnserver -c "$STATE/turnserver.conf" >"$STATE/turnserver.log" 2>&1 &
  echo $! >"$STATE/turnserver.tpid"   # pid of `timeout` (ip netns exec execs into it)
  local i
  for i in $(seq 1 100); do
    if turn_listening udp && turn_listening tcp; then break; fi
    sleep 0.05
  done
  turn_listening udp && turn_listening tcp || { tail -30 "$STATE/turnserver.log" >&2; die "coturn did not start"; }
  # verify coturn only listens on the lab address
  local bad
  bad=$(nsx pub ss -H -lntup | awk '{print $5}' | grep -v -E "^($PUB_IP|127\.0\.0\.1):" || true)
  [[ -z "$bad" ]] || die "unexpected listeners in pub: $bad"
  log "coturn up on $PUB_IP:$TURN_PORT udp+tcp (relay $PUB_IP:$RELAY_MIN-$RELAY_MAX, user $TURN_USER realm $TURN_REALM)"
}

# Every address inside the lab must be 100.64/10, 10/8 or loopback, and the root namespace must not have
# gained any interface.
self_check() {
  local n a
  for n in "${NAMES[@]}"; do
    for a in $(nsx "$n" ip -4 -o addr show | awk '{print $4}' | cut -d/ -f1); do
      case "$a" in
        127.*) ;;
        10.*) [[ $n == host-* || $n == nat-* ]] || die "$n has LAN address $a" ;;
        *) check_addr "$a" public ;;
      esac
    done
  done
  local now; now=$(ip -o link show | wc -l)
  [[ -z "${ROOT_LINKS:-}" || "$now" == "$ROOT_LINKS" ]] || die "root namespace link count changed ($ROOT_LINKS -> $now)"
}

cmd_up() {
  local mode_a=${NAT_A:-cone} mode_b=${NAT_B:-cone}
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --nat-a) mode_a=$2; shift 2 ;;
      --nat-b) mode_b=$2; shift 2 ;;
      *) die "unknown option $1" ;;
    esac
  done
  cmd_check
  mkdir -p "$STATE"
  # a crashed earlier run may have left namespaces and processes: they carry our prefix, so they are ours
  local n leftovers=0
  for n in "${NAMES[@]}"; do [[ -e /run/netns/$(ns "$n") ]] && leftovers=1; done
  if [[ $leftovers -eq 1 ]]; then log "tearing down leftovers of an earlier run"; cmd_down; fi
  # from here on a failed `up` removes what it created
  trap '[[ -n ${UP_OK:-} ]] || { log "up failed - tearing down"; cmd_down; }' EXIT
  local ip
  for ip in $PUB_IP $NATA_WAN $NATB_WAN $SINK_GW; do check_addr $ip public; done
  for ip in $LAN_A.1 $LAN_A.2 $LAN_B.1 $LAN_B.2; do check_addr $ip lan; done
  local t0; t0=$(date +%s.%N)
  ROOT_LINKS=$(ip -o link show | wc -l)

  for n in "${NAMES[@]}"; do mk_ns "$n"; done
  local pub nata natb hosta hostb
  pub=$(ns pub); nata=$(ns nat-a); natb=$(ns nat-b); hosta=$(ns host-a); hostb=$(ns host-b)

  # public segment: bridge in pub
  ip -n "$pub" link add br0 type bridge
  ip -n "$pub" link set br0 up
  ip -n "$pub" addr add $PUB_IP/24 dev br0
  # "Rest of the internet" = a black hole inside pub: a veth pair with BOTH ends in pub and a permanent
  # fake neighbour. Without a default route coturn gets ENETUNREACH when it relays an ICE check to a
  # peer's private host candidate (10.x) and tears the whole allocation down ("closed (2nd stage)
  # reason: general"). (No `dummy` module in this kernel, hence the veth.) Nothing leaves the namespace.
  ip -n "$pub" link add sink0 type veth peer name sink1
  ip -n "$pub" link set sink0 up
  ip -n "$pub" link set sink1 up
  ip -n "$pub" neigh add $SINK_GW lladdr 02:00:00:00:00:fe dev sink0 nud permanent
  ip -n "$pub" route add default via $SINK_GW dev sink0 onlink

  # WAN links: veth with one end in nat-X, the other in pub (enslaved to br0)
  ip link add wan0 netns "$nata" type veth peer name pa netns "$pub"
  ip link add wan0 netns "$natb" type veth peer name pb netns "$pub"
  for p in pa pb; do ip -n "$pub" link set $p master br0; ip -n "$pub" link set $p up; done
  ip -n "$nata" addr add $NATA_WAN/24 dev wan0
  ip -n "$natb" addr add $NATB_WAN/24 dev wan0

  # LAN links
  ip link add lan0 netns "$nata" type veth peer name eth0 netns "$hosta"
  ip link add lan0 netns "$natb" type veth peer name eth0 netns "$hostb"
  ip -n "$nata" addr add $LAN_A.1/24 dev lan0
  ip -n "$natb" addr add $LAN_B.1/24 dev lan0
  ip -n "$hosta" addr add $LAN_A.2/24 dev eth0
  ip -n "$hostb" addr add $LAN_B.2/24 dev eth0
  local r
  for r in "$nata" "$natb"; do
    ip -n "$r" link set wan0 up; ip -n "$r" link set lan0 up
    ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
    # no default route on the routers: only the /24 public segment exists.
  done
  ip -n "$hosta" link set eth0 up; ip -n "$hosta" route add default via $LAN_A.1
  ip -n "$hostb" link set eth0 up; ip -n "$hostb" route add default via $LAN_B.1

  self_check
  set_nat_mode nat-a "$mode_a"
  set_nat_mode nat-b "$mode_b"
  local t1; t1=$(date +%s.%N)
  start_coturn
  local t2; t2=$(date +%s.%N)
  UP_OK=1
  log "$(printf 'up: namespaces+links+nat %.2fs, coturn %.2fs' "$(awk "BEGIN{print $t1-$t0}")" "$(awk "BEGIN{print $t2-$t1}")")"
}

kill_tracked() { # statefile expected-cmdline
  local f=$STATE/$1 want=$2 pid
  [[ -f $f ]] || return 0
  pid=$(cat "$f")
  if pid_alive_is "$pid" "$want"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do pid_alive_is "$pid" "$want" || break; sleep 0.1; done
    if pid_alive_is "$pid" "$want"; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$f"
}

cmd_down() {
  local t0; t0=$(date +%s.%N)
  mkdir -p "$STATE"
  kill_tracked turnserver.tpid turnserver
  kill_tracked nat-a.nfq.tpid nfq-delay.py
  kill_tracked nat-b.nfq.tpid nfq-delay.py
  local n full pid mine=()
  # the namespaces carry this lab's prefix: anything named so is this lab's (a crashed run's included)
  for n in "${NAMES[@]}"; do
    full=$(ns "$n")
    [[ -e /run/netns/$full ]] && mine+=("$full")
  done
  for full in "${mine[@]}"; do
    # anything still running inside our namespaces was started by this lab (or its tests)
    for pid in $(ip netns pids "$full" 2>/dev/null); do
      log "killing leftover pid $pid in $full: $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | cut -c1-80)"
      kill "$pid" 2>/dev/null || true
    done
  done
  if [[ ${#mine[@]} -gt 0 ]]; then sleep 0.2; fi
  for full in "${mine[@]}"; do
    for pid in $(ip netns pids "$full" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$full" || true
  done
  rm -f "$STATE"/*.mode "$STATE"/*.netem "$STATE"/turnserver.pid
  local t1; t1=$(date +%s.%N)
  log "$(printf 'down: %d namespaces removed in %.2fs' "${#mine[@]}" "$(awk "BEGIN{print $t1-$t0}")")"
}

cmd_status() {
  local n
  ip netns list | grep -- "^$PREFIX" || true
  for n in "${NAMES[@]}"; do
    [[ -e /run/netns/$(ns "$n") ]] || { echo "== $n: absent"; continue; }
    echo "== $n"
    nsx "$n" ip -br addr | grep -v '^lo ' | sed 's/^/   /'
    nsx "$n" ip route | sed 's/^/   route: /'
    [[ -f $STATE/$n.mode ]] && echo "   nat mode: $(cat "$STATE/$n.mode")"
  done
  echo "== pub listeners"; nsx pub ss -H -lntup 2>/dev/null | sed 's/^/   /' || true
}

cmd_loss() {
  local n=$1 dev=$2 pct=$3
  [[ $pct =~ ^[0-9]+$ && $pct -le 100 ]] || die "pct must be 0..100"
  nsx "$n" nft delete table inet natlab_impair 2>/dev/null || true
  nsx "$n" nft -f - <<EOF
table inet natlab_impair {
  chain egress {
    type filter hook postrouting priority 100; policy accept;
    oifname "$dev" numgen random mod 100 < $pct counter drop
  }
}
EOF
  log "$n/$dev: ${pct}% random egress loss (nft numgen)"
}

cmd_rate() {
  local n=$1 dev=$2 rate=$3
  nsx "$n" tc qdisc replace dev "$dev" root tbf rate "$rate" burst 32kbit latency 200ms
  log "$n/$dev: tbf rate $rate"
}

# impair ROUTER DELAY_MS [LOSS_PCT] [JITTER_MS]: impair the router's traffic in both directions (each
# direction gets DELAY, so RTT grows by 2*DELAY; each direction loses LOSS_PCT). Uses sch_netem when the
# kernel has it, else a userspace NFQUEUE delayer (nfq-delay.py) fed from the raw table, i.e. BEFORE
# conntrack/NAT so queued packets cannot create duplicate NAT mappings.
cmd_impair() {
  local r=$1 delay=$2 loss=${3:-0} jitter=${4:-0}
  [[ $r == nat-a || $r == nat-b ]] || die "impair: router must be nat-a or nat-b"
  [[ $delay =~ ^[0-9]+$ && $loss =~ ^[0-9]+$ && $loss -le 100 && $jitter =~ ^[0-9]+$ ]] || die "impair: DELAY_MS LOSS_PCT JITTER_MS are integers"
  cmd_clear_impair "$r" >/dev/null 2>&1 || true
  if nsx "$r" tc qdisc replace dev wan0 root netem delay "${delay}ms" "${jitter}ms" loss "${loss}%" 2>/dev/null; then
    nsx "$r" tc qdisc replace dev lan0 root netem delay "${delay}ms" "${jitter}ms" loss "${loss}%"
    echo tc >"$STATE/$r.netem"
    log "$r: sch_netem delay ${delay}ms±${jitter} loss ${loss}% on wan0+lan0 egress"
    return
  fi
  [[ -n $PYTHON ]] || die "python3 missing; install it with: apt-get install -y python3"
  nsx "$r" iptables -t raw -A PREROUTING -i lan0 -j NFQUEUE --queue-num 1 --queue-bypass -m comment --comment natlab-netem
  nsx "$r" iptables -t raw -A PREROUTING -i wan0 -j NFQUEUE --queue-num 1 --queue-bypass -m comment --comment natlab-netem
  : >"$STATE/$r.nfq.log" # emptied here, not by the background redirect: the wait below reads it
  ip netns exec "$(ns "$r")" timeout "$LIFETIME" "$PYTHON" "$HERE/nfq-delay.py" --queue 1 --delay-ms "$delay" \
    --jitter-ms "$jitter" --loss "$(awk "BEGIN{print $loss/100}")" --seconds "$LIFETIME" >>"$STATE/$r.nfq.log" 2>&1 &
  echo $! >"$STATE/$r.nfq.tpid"
  echo nfq >"$STATE/$r.netem"
  local i
  for i in $(seq 1 60); do grep -q 'nfq-delay: queue' "$STATE/$r.nfq.log" 2>/dev/null && break; sleep 0.05; done
  grep -q 'nfq-delay: queue' "$STATE/$r.nfq.log" || { cat "$STATE/$r.nfq.log" >&2; die "nfq-delay did not start"; }
  log "$r: NFQUEUE delay ${delay}ms±${jitter} loss ${loss}% both directions (no sch_netem in this kernel)"
}

cmd_clear_impair() {
  local n=$1 dev=${2:-} d
  nsx "$n" nft delete table inet natlab_impair 2>/dev/null || true
  for d in ${dev:-$(nsx "$n" ls /sys/class/net)}; do
    [[ $d == lo ]] && continue
    nsx "$n" tc qdisc del dev "$d" root 2>/dev/null || true
  done
  if [[ -f $STATE/$n.nfq.tpid ]]; then
    kill_tracked "$n.nfq.tpid" nfq-delay.py
    tail -1 "$STATE/$n.nfq.log" 2>/dev/null | sed "s/^/[$n] /" >&2 || true
  fi
  local rule
  while nsx "$n" iptables -t raw -S PREROUTING 2>/dev/null | grep -q natlab-netem; do
    rule=$(nsx "$n" iptables -t raw -S PREROUTING | grep natlab-netem | head -1 | sed 's/^-A //')
    # shellcheck disable=SC2086 # the rule is a list of iptables words
    nsx "$n" iptables -t raw -D $rule
  done
  rm -f "$STATE/$n.netem"
  log "$n${dev:+/$dev}: impairments cleared"
}

main() {
  local c=${1:-}; shift || true
  case "$c" in
    check) cmd_check; return ;;
    ""|help|-h|--help) awk 'NR>1 && /^#/ {sub(/^# ?/, ""); print; next} NR>1 {exit}' "$0"; exit 2 ;;
  esac
  [[ $EUID -eq 0 ]] || die "must run as root: the lab creates network namespaces, veth links and netfilter rules (CAP_NET_ADMIN/CAP_SYS_ADMIN)"
  case "$c" in
    up) cmd_up "$@" ;;
    down) cmd_down ;;
    nat) [[ $# -eq 2 ]] || die "usage: nat nat-a|nat-b MODE"; set_nat_mode "$1" "$2" ;;
    impair) cmd_impair "$@" ;;
    loss) cmd_loss "$@" ;;
    rate) cmd_rate "$@" ;;
    clear-impair) cmd_clear_impair "$@" ;;
    status) cmd_status ;;
    conntrack) nsx "$1" conntrack -L -p udp 2>/dev/null ;;
    udp-timeout) # ROUTER SECONDS: NAT binding lifetime for unreplied/replied UDP flows
      nsx "$1" sysctl -qw net.netfilter.nf_conntrack_udp_timeout="$2" net.netfilter.nf_conntrack_udp_timeout_stream="$2"
      log "$1: UDP NAT binding timeout ${2}s" ;;
    exec) local n=$1; shift; nsx "$n" "$@" ;;
    *) die "unknown command $c (natlab.sh help)" ;;
  esac
}
main "$@"

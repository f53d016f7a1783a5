#!/usr/bin/env bash
# The fresh-machine proof: the README's two commands, as written, on bare Debian bookworm with only Node.
#
#   scripts/fresh-machine.sh <empty dir>        (root; Debian host with apt; a few GB free; ~20 min)
#
# 1. debootstrap --variant=minbase bookworm into <dir>/bookworm (no python3, openssl, git, compiler,
#    browsers, coturn, iproute2, …), with Debian's usual sources (main, updates, security).
# 2. Copies in this machine's Node (the `node` binary, npm and npx) and nothing else of it, plus its local
#    CA certificates (/usr/local/share/ca-certificates, kept when apt regenerates the bundle), the bundle
#    and /etc/npmrc, so npm trusts this network's TLS proxy the way every machine here does.
# 3. Puts a `git archive HEAD` of this repository in /root/tern (what a clone holds, without .git).
# 4. In the chroot, as root, with a clean environment: `npm install -g pnpm@… && pnpm install && pnpm demo`,
#    checks the bins, then `pnpm test` (which installs the system peers with apt-get and runs every tier).
# The log is <dir>/fresh.log; the exit code is pnpm test's.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
dir=$(realpath "${1:?usage: scripts/fresh-machine.sh <empty dir>}")
repo=$(cd "$(dirname "$0")/.." && pwd)
C="$dir/bookworm"
command -v debootstrap >/dev/null || apt-get install -y debootstrap
mkdir -p "$dir"
[ -e "$C" ] && { echo "$C exists: give an empty directory" >&2; exit 1; }
debootstrap --variant=minbase bookworm "$C" http://deb.debian.org/debian

cat >"$C/etc/apt/sources.list" <<'EOF'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
node_bin=$(command -v node)
npm_dir=$(dirname "$(dirname "$(realpath "$(command -v npm)")")")
mkdir -p "$C/usr/local/bin" "$C/usr/local/lib/node_modules" "$C/etc/ssl/certs"
cp "$node_bin" "$C/usr/local/bin/node"
cp -a "$npm_dir" "$C/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$C/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$C/usr/local/bin/npx"
cp /etc/resolv.conf "$C/etc/resolv.conf"
[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$C/etc/ssl/certs/"
if [ -d /usr/local/share/ca-certificates ]; then
  mkdir -p "$C/usr/local/share/ca-certificates"
  cp -a /usr/local/share/ca-certificates/. "$C/usr/local/share/ca-certificates/"
fi
[ -f /etc/npmrc ] && cp /etc/npmrc "$C/etc/npmrc"
mkdir -p "$C/root/tern"
git -C "$repo" archive HEAD | tar -x -C "$C/root/tern"

pnpm_version=$(node -p "require('$repo/package.json').packageManager.split('@')[1]")
cat >"$C/root/fresh.sh" <<EOF
#!/bin/bash
cd /root/tern
echo "== machine: \$(. /etc/os-release; echo \$PRETTY_NAME), node \$(node --version), \$(id -un)"
for c in pnpm python3 openssl turnserver chromium firefox-esr tshark redis-server ip iptables nft conntrack gcc git; do
  command -v \$c >/dev/null && echo "present: \$c" || echo "absent: \$c"
done
echo "== command 1: npm install -g pnpm@${pnpm_version} && pnpm install && pnpm demo"; date
npm install -g pnpm@${pnpm_version} && pnpm install && pnpm demo
echo "== command 1 exit \$?"; date
pnpm exec tern-signaling --help && pnpm exec tern-stun-server --help
echo "== bins exit \$?"
echo "== command 2: pnpm test"; date
pnpm test
code=\$?
echo "== command 2 exit \$code"; date
exit \$code
EOF
chmod +x "$C/root/fresh.sh"

# ip netns needs the chroot's / to be a mount point; browsers need /dev/shm; the NAT lab needs /sys and /run.
mount --bind "$C" "$C"
mount -t proc proc "$C/proc"
mount --rbind /sys "$C/sys" && mount --make-rslave "$C/sys"
mount --rbind /dev "$C/dev" && mount --make-rslave "$C/dev"
mount -t tmpfs tmpfs "$C/run"
cleanup() { umount -R "$C" 2>/dev/null || umount -lR "$C" 2>/dev/null || true; }
trap cleanup EXIT
set +e
chroot "$C" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
  /bin/bash /root/fresh.sh 2>&1 | tee "$dir/fresh.log"
exit "${PIPESTATUS[0]}"

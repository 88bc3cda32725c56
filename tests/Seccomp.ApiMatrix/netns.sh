#!/bin/sh
# Usage: netns.sh MATRIX.dll COMMAND...
# Runs COMMAND (a client case, or the recorder running one) in a network and mount namespace of its own: only loopback,
# /etc/resolv.conf bind-mounted to a file naming 127.0.0.1, and `Seccomp.ApiMatrix serve` (Servers.cs: HTTP, HTTPS and
# a DNS responder for matrix.test) started first, unfiltered. Nothing can leave the machine from inside, and the
# machine's own resolver is never asked. Needs root (unshare -mn). COMMAND's exit status is the script's.
set -eu
matrix=$1; shift
exec unshare -mn -- sh -eu -c '
matrix=$1; shift
ip link set lo up
dir=$(mktemp -d)
echo "nameserver 127.0.0.1" > "$dir/resolv.conf"
echo "options attempts:1 timeout:2" >> "$dir/resolv.conf"
mount --bind "$dir/resolv.conf" /etc/resolv.conf
env --default-signal=INT,QUIT dotnet "$matrix" serve > "$dir/serve.out" 2>&1 &
server=$!
i=0
until grep -q "^serving" "$dir/serve.out"; do
  i=$((i + 1)); [ $i -lt 600 ] || { echo "netns.sh: the servers did not start" >&2; cat "$dir/serve.out" >&2; exit 1; }
  kill -0 $server 2>/dev/null || { echo "netns.sh: the servers ended" >&2; cat "$dir/serve.out" >&2; exit 1; }
  sleep 0.05
done
status=0
env --default-signal=INT,QUIT "$@" || status=$?
kill $server 2>/dev/null || true
wait $server 2>/dev/null || true
rm -rf "$dir"
exit $status
' netns "$matrix" "$@"

#!/usr/bin/env bash
# Counts the system calls of a minimal ASP.NET Core (Kestrel) service under load, for
# data/aspnetcore-mix-x86_64.tsv: the weights of the compiler's built-in hot-call profile.
#
# Builds Program.cs + MixApp.csproj in a temporary directory (Release), starts it on 127.0.0.1:5087, waits until it
# answers, then counts the calls of every thread of the service (steady state: start-up is not counted) while a
# bounded load runs: ROUNDS x (one curl process making 2 x REQS keep-alive GETs of / and /json, one making REQS
# keep-alive POSTs of 200 bytes to /echo). Counted twice, over two runs of the same load:
#   perf    `perf record -e raw_syscalls:sys_enter -p PID` (the kernel's tracepoint; no ptrace stops)
#   strace  `strace -f -c -p PID` (ptrace slows every call, so the runtime spins more: sched_yield is inflated)
# Then the service is stopped with SIGTERM.
#
# Usage: eng/aspnetcore-mix/measure.sh [OUT.tsv]   (default: stdout)
# Environment: ROUNDS (default 100), REQS (default 10), DOTNET_LOCK (default /tmp/dotnet-build.lock)
# Needs: dotnet (SDK 10), curl, strace, perf (linux-perf) with tracefs, python3; run as root.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROUNDS=${ROUNDS:-100}
REQS=${REQS:-10}
LOCK=${DOTNET_LOCK:-/tmp/dotnet-build.lock}
WORK=$(mktemp -d /tmp/aspnetcore-mix.XXXXXX)
trap 'kill -TERM "${APP:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cp "$HERE/Program.cs" "$HERE/MixApp.csproj" "$WORK/"
# An empty Directory.Build.props keeps the repository's settings out of the throwaway build.
echo '<Project />' > "$WORK/Directory.Build.props"
flock "$LOCK" dotnet build -c Release -nologo -v q -p:UseSharedCompilation=false "$WORK/MixApp.csproj" >&2
# Background jobs of a script ignore SIGINT; the service is stopped with SIGTERM.
dotnet "$WORK/bin/Release/net10.0/MixApp.dll" >/dev/null 2>&1 &
APP=$!
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:5087/ && break; sleep 0.2; done
load() {
  for _ in $(seq "$ROUNDS"); do
    curl -s "${URLS[@]}" >/dev/null
    curl -s -X POST -H 'Content-Type: text/plain' --data "$BODY" "${POSTS[@]}" >/dev/null
  done
}
URLS=(); POSTS=()
for _ in $(seq "$REQS"); do
  URLS+=(http://127.0.0.1:5087/ http://127.0.0.1:5087/json)
  POSTS+=(http://127.0.0.1:5087/echo)
done
BODY=$(printf 'x%.0s' $(seq 200))
# A warm-up load: the JIT's tiering and the thread pool's growth are start-up, not steady state.
load
sleep 1

# 1. perf: the raw_syscalls:sys_enter tracepoint of every thread of the service (low overhead, no ptrace stops).
if [[ -d /sys/kernel/tracing/events/raw_syscalls ]] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; then
  perf record -q -e raw_syscalls:sys_enter -p "$APP" -o "$WORK/perf.data" &
  PERF=$!
  sleep 2
  load
  sleep 1
  kill -INT "$PERF"; wait "$PERF" || true
  perf script -i "$WORK/perf.data" -F trace 2>/dev/null | sed -n 's/^NR \([0-9]*\).*/\1/p' | sort -n | uniq -c \
    | awk '{print $2 "\t" $1}' > "$WORK/perf.tsv"
fi

# 2. strace -f -c over the same load (ptrace: slower, so the runtime spins more).
strace -f -c -U name,calls -o "$WORK/strace.txt" -p "$APP" 2>/dev/null &
STRACE=$!
sleep 2
load
sleep 1
kill -INT "$STRACE"; wait "$STRACE" || true
kill -TERM "$APP"; wait "$APP" || true
APP=

# One row per call: name, perf count, strace count (0 where a method saw none), by the perf count.
python3 - "$WORK" > "${1:-/dev/stdout}" <<'PY'
import re, sys, os
work = sys.argv[1]
names = {}
for line in open('/usr/include/x86_64-linux-gnu/asm/unistd_64.h'):
    m = re.match(r'#define __NR_(\w+)\s+(\d+)', line)
    if m: names[int(m.group(2))] = m.group(1)
perf, strace = {}, {}
if os.path.exists(f'{work}/perf.tsv'):
    for line in open(f'{work}/perf.tsv'):
        nr, n = line.split()
        perf[names.get(int(nr), f'nr{nr}')] = int(n)
sep = 0
for line in open(f'{work}/strace.txt'):
    if line.startswith('---'): sep += 1; continue
    f = line.split()
    if sep == 1 and len(f) == 2: strace[f[0]] = int(f[1])
print('syscall\tperf\tstrace')
for k in sorted(set(perf) | set(strace), key=lambda k: (-perf.get(k, 0), -strace.get(k, 0), k)):
    print(f'{k}\t{perf.get(k, 0)}\t{strace.get(k, 0)}')
PY

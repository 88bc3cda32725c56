#!/usr/bin/env bash
# Measures @dotnet-runtime on aarch64 (issue 19, item 1) where there is no aarch64 machine: the matrix of
# tests/Seccomp.RuntimeMatrix, published for linux-arm64 (self-contained, the runtime pack NuGet serves), run under
# qemu-user with -strace, which logs every call the guest makes, by the guest's own table, with its arguments.
# The same rows as eng/measure-runtime-matrix.sh (x86_64): every case under the default conditions, and the cases
# that end normally ("all") under each condition that changes what the runtime does.
# qemu-user cannot install a seccomp filter for its guest (it refuses PR_SET_SECCOMP), so nothing is enforced here:
# each run is recorded, and every call made after the program's mark (where Main would Apply() its policy) is
# evaluated against the aarch64 program the compiler makes of the case's policy (KillProcess + @dotnet-runtime, with
# @process for children), asked of the x86_64 build of the same program (--evaluate aarch64).
# Needs: qemu-user-static and mmdebstrap (installed if missing), the network for Debian's arm64 packages and NuGet.
# Output: the body of data/dotnet-runtime-matrix-aarch64.tsv on stdout; progress on stderr.
#   eng/measure-runtime-matrix-qemu.sh > data/dotnet-runtime-matrix-aarch64.tsv
# DOTNET overrides the command that builds and publishes (a wrapper that serializes builds, for instance).
set -euo pipefail
arch=${1:-aarch64}
case $arch in
  aarch64) rid=linux-arm64 debarch=arm64 qemu=qemu-aarch64-static ;;
  riscv64)
    # No runtime to run: NuGet serves no Microsoft.NETCore.App.Runtime.linux-riscv64 (the runtime's riscv64 port
    # is built by the community, not published there) and Debian ships no .NET. See the README of the aarch64 data.
    echo "riscv64: no .NET runtime for linux-riscv64 can be had here (no runtime pack on NuGet, no Debian package)" >&2
    exit 3 ;;
  *) echo "usage: $0 [aarch64]" >&2; exit 2 ;;
esac
repo=$(cd "$(dirname "$0")/.." && pwd)
export MSBUILDDISABLENODEREUSE=1
command -v "$qemu" >/dev/null && command -v mmdebstrap >/dev/null \
  || DEBIAN_FRONTEND=noninteractive apt-get install -y -q qemu-user-static mmdebstrap >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The guest's C and C++ libraries and ICU: a Debian 12 tree of the guest's architecture, given to qemu with -L
# (qemu looks a path up there first, then on the host). tzdata is the same on every architecture.
echo "  a Debian $debarch tree" >&2
mmdebstrap --quiet --arch="$debarch" --variant=extract \
  --include=libc6,libstdc++6,libgcc-s1,libicu72,zlib1g,tzdata bookworm "$work/root" >&2
echo "  publishing for $rid" >&2
${DOTNET:-dotnet} publish "$repo/tests/Seccomp.RuntimeMatrix" -r "$rid" --self-contained -c Release -o "$work/pub" -v q -nologo >/dev/null
# The evaluator: the host's build of the same program (the generated class holds every architecture's program).
${DOTNET:-dotnet} build "$repo/tests/Seccomp.RuntimeMatrix" -c Release -v q -nologo >/dev/null
matrix=$(ls "$repo"/tests/Seccomp.RuntimeMatrix/bin/Release/net*/Seccomp.RuntimeMatrix.dll | head -1)
guest=("$qemu" -L "$work/root" -strace)

# The signals a driven case gets once it prints "ready PID" (the qemu process: its signals go to the guest).
drive() {
  local case=$1 out=$2 pid=""
  case $case in signals|interrupt|terminate) ;; *) return 0 ;; esac
  for _ in $(seq 600); do pid=$(awk '/^ready /{print $2; exit}' "$out" 2>/dev/null); [ -n "$pid" ] && break; sleep 0.05; done
  [ -n "$pid" ] || return 0
  case $case in
    signals)
      for s in WINCH HUP CHLD INT; do kill -$s "$pid" 2>/dev/null || true; sleep 0.2; done
      for _ in 1 2 3; do kill -STOP "$pid" 2>/dev/null || true; sleep 0.3; kill -CONT "$pid" 2>/dev/null || true; sleep 0.3; done
      kill -TERM "$pid" 2>/dev/null || true ;;
    interrupt) kill -INT "$pid" 2>/dev/null || true ;;
    terminate) kill -TERM "$pid" 2>/dev/null || true ;;
  esac
}

# once LABEL CASE [TERMINAL] ENV... : runs the case once under qemu -strace; the exit status.
once() {
  local label=$1 case=$2; shift 2
  local log="$work/$label.strace" out="$work/$label.out" status=0
  : > "$out"
  if [ "${1:-}" = "TERMINAL" ]; then
    shift
    env "$@" script -qfec "${guest[*]} -D $log $work/pub/Seccomp.RuntimeMatrix $case --mark" /dev/null < /dev/null > "$out" 2>&1 &
  else
    env "$@" "${guest[@]}" -D "$log" "$work/pub/Seccomp.RuntimeMatrix" "$case" --mark < /dev/null > "$out" 2>&1 &
  fi
  local bg=$!; drive "$case" "$out"; wait $bg || status=$?
  return $status
}

# run LABEL CASE [TERMINAL] ENV... : prints "exit-status<TAB>crashed runs<TAB>calls after the mark<TAB>outside<TAB>start outside"
# A run that qemu-user ends with SIGSEGV ("uncaught target signal 11" in the gc part of "all": 2 runs in 6 with server
# GC, now and then under other conditions; never on the x86_64 kernel) is run again, up to 5 times; the data counts
# them. The last run's trace is the row's.
run() {
  local label=$1 case=$2 status=0 crashes=0; shift 2
  for attempt in 1 2 3 4 5; do
    status=0; once "$label" "$case" "$@" || status=$?
    [ "$status" = 139 ] && [ "$attempt" -lt 5 ] || break
    crashes=$((crashes + 1)); echo "    qemu-user crashed (SIGSEGV), again" >&2
  done
  local who=""; [ "$case" = children ] && who=children
  printf '%s\t%s\t%s\n' "$status" "$crashes" "$(python3 "$repo/eng/qemu-strace-calls.py" "$work/$label.strace" "$matrix" "$arch" $who)"
}

runtime=$(sed -n 's/.*"runtimepack.Microsoft.NETCore.App.Runtime.'"$rid"'\/\([0-9.]*\)".*/\1/p' "$work/pub/Seccomp.RuntimeMatrix.deps.json" | head -1)
glibc=$(LC_ALL=C "$qemu" -L "$work/root" "$work/root/lib/ld-linux-aarch64.so.1" --version 2>/dev/null | sed -n '1s/.*release version \([0-9]*\.[0-9]*\).*/\1/p')
echo "# What the .NET runtime calls by itself on $arch, against @dotnet-runtime: tests/Seccomp.RuntimeMatrix published for"
echo "# $rid, one case per run under qemu-user -strace (no enforcement: qemu-user installs no filter for its guest)."
echo "# Columns: the exit status under qemu; the runs before it that qemu-user ended with SIGSEGV (run again); the calls"
echo "# after the program's mark (where Main applies its policy), with the values of the arguments @dotnet-runtime narrows;"
echo "# those the case's policy for $arch does not allow (KillProcess + @dotnet-runtime, + @process for children); the calls"
echo "# of the runtime's start, before the mark, it does not allow."
echo "# Microsoft.NETCore.App.Runtime.$rid $runtime, $($qemu --version | head -1 | cut -d' ' -f1-3) (Debian $(dpkg-query -W -f '${Version}' qemu-user-static 2>/dev/null)), glibc $glibc (Debian 12 $debarch), host Linux $(uname -r | cut -d- -f1); regenerate with eng/measure-runtime-matrix-qemu.sh."
printf 'case\tcondition\texit\texpected\tqemu crashes\tcalls after the mark\toutside @dotnet-runtime\tstart outside @dotnet-runtime\n'
declare -A expected=([unhandled]=134 [failfast]=134 [exit]=3 [interrupt]=130 [terminate]=143)
row() { # CASE CONDITION ENV...
  local c=$1 cond=$2; shift 2
  echo "  $c under $cond" >&2
  printf '%s\t%s\t' "$c" "$cond"
  local r; r=$(run "$c-$cond" "$c" "$@")
  printf '%s\t%s\t%s\n' "$(cut -f1 <<<"$r")" "${expected[$c]:-0}" "$(cut -f2- <<<"$r")"
}
for c in threads jit gc globalization timezones console signals children interrupt terminate unhandled failfast exit; do
  row "$c" default
done
row console terminal TERMINAL
row all gc-server DOTNET_gcServer=1
row all gc-server-small-gen0 DOTNET_gcServer=1 DOTNET_GCgen0size=0x100000
row all gc-segments DOTNET_GCName=libclrgc.so
row all gc-hard-limit DOTNET_GCHeapHardLimit=0x10000000
row all gc-conserve DOTNET_GCConserveMemory=5
row all wx-off DOTNET_EnableWriteXorExecute=0
row all tiering-off DOTNET_TieredCompilation=0
row all osr-forced DOTNET_TC_OnStackReplacement_InitialCounter=1 DOTNET_OSR_HitLimit=1
row all pgo-off DOTNET_TieredPGO=0
row all invariant DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
row all time-zone TZ=Asia/Kolkata
row all terminal TERMINAL

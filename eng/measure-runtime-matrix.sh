#!/usr/bin/env bash
# Measures @dotnet-runtime (issue 19, item 1) with the matrix of tests/Seccomp.RuntimeMatrix: every case under the
# default conditions, and the cases that end normally ("all") under each condition that changes what the runtime
# does (GC flavour, regions or segments, a hard limit, W^X, tiering, OSR, globalization, a time zone, a terminal).
# Each run is recorded twice over:
#   - with dotnet-seccomp record, whose filter lets @dotnet-runtime (with its conditions) run unrecorded: every call
#     it records is one the group does not allow with those arguments;
#   - enforced: the case applies KillProcess + @dotnet-runtime (+ @process for the children case) and must end
#     with its own status, never SIGSYS's 159.
# RUNTIME (the first argument) is the target framework the matrix runs on: net10.0 (the default: the SDK's shared
# framework, started as `dotnet Seccomp.RuntimeMatrix.dll`) or net8.0 (the self-contained publish of the project's
# net8.0 target, on the 8.0 runtime pack from NuGet: no 8.0 shared framework needs to be installed).
# Output: the body of the runtime's table on stdout; progress on stderr.
#   eng/measure-runtime-matrix.sh > data/dotnet-runtime-matrix-x86_64.tsv
#   eng/measure-runtime-matrix.sh net8.0 > data/dotnet-runtime-matrix-net8-x86_64.tsv
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runtime=${1:-net10.0}
export MSBUILDDISABLENODEREUSE=1
dotnet build "$repo/src/Seccomp.Tool" -c Release -v q -nologo >/dev/null
tool=$(ls "$repo"/src/Seccomp.Tool/bin/Release/net*/Seccomp.Tool.dll | head -1)
case $runtime in
  net10.0)
    dotnet build "$repo/tests/Seccomp.RuntimeMatrix" -c Release -f net10.0 -v q -nologo >/dev/null
    launch=(dotnet "$repo/tests/Seccomp.RuntimeMatrix/bin/Release/net10.0/Seccomp.RuntimeMatrix.dll")
    version="$(dotnet --list-runtimes | grep NETCore.App | tail -1 | cut -d' ' -f1-2)" ;;
  net8.0)
    dotnet publish "$repo/tests/Seccomp.RuntimeMatrix" -c Release -f net8.0 -v q -nologo >/dev/null
    published=$(ls -d "$repo"/tests/Seccomp.RuntimeMatrix/bin/Release/net8.0/linux-*/publish | head -1)
    launch=("$published/Seccomp.RuntimeMatrix")
    version="Microsoft.NETCore.App $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["runtimeOptions"]["includedFrameworks"][0]["version"])' "$published/Seccomp.RuntimeMatrix.runtimeconfig.json") (self-contained, the runtime pack from NuGet)" ;;
  *) echo "usage: $0 [net10.0|net8.0]" >&2; exit 2 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The signals a driven case gets once it prints "ready PID"; the others need nothing.
drive() {
  local case=$1 out=$2 pid=""
  case $case in signals|interrupt|terminate) ;; *) return 0 ;; esac
  for _ in $(seq 300); do pid=$(awk '/^ready /{print $2; exit}' "$out" 2>/dev/null); [ -n "$pid" ] && break; sleep 0.05; done
  [ -n "$pid" ] || return 0
  case $case in
    signals)
      for s in WINCH HUP CHLD INT; do kill -$s "$pid" 2>/dev/null || true; sleep 0.1; done
      for _ in 1 2 3; do kill -STOP "$pid" 2>/dev/null || true; sleep 0.2; kill -CONT "$pid" 2>/dev/null || true; sleep 0.2; done
      kill -TERM "$pid" 2>/dev/null || true ;;
    interrupt) kill -INT "$pid" 2>/dev/null || true ;;
    terminate) kill -TERM "$pid" 2>/dev/null || true ;;
  esac
}

# run LABEL CASE ENV... : prints "exit-status<TAB>calls outside the group"
run() {
  local label=$1 case=$2; shift 2
  local cmd=("${launch[@]}" "$case")
  local wrap=()
  if [ "${1:-}" = "TERMINAL" ]; then shift; wrap=(script -qfec); fi
  local rec="$work/$label.json" out="$work/$label.out"
  : > "$out"
  if [ ${#wrap[@]} -gt 0 ]; then
    env "$@" script -qfec "dotnet $tool record -o $rec -- ${cmd[*]}" /dev/null < /dev/null > "$out" 2>&1 &
  else
    env "$@" dotnet "$tool" record -o "$rec" -- "${cmd[@]}" < /dev/null > "$out" 2>&1 &
  fi
  local bg=$!; drive "$case" "$out"; wait $bg || true
  : > "$out"
  if [ ${#wrap[@]} -gt 0 ]; then
    env "$@" script -qfec "${cmd[*]} --enforce" /dev/null < /dev/null > "$out" 2>&1 &
  else
    env "$@" "${cmd[@]}" --enforce < /dev/null > "$out" 2>&1 &
  fi
  bg=$!; drive "$case" "$out"; local status=0; wait $bg || status=$?
  local calls
  calls=$(python3 -c '
import json, sys
rec = json.load(open(sys.argv[1]))
out = []
for arch, calls in rec.get("architectures", {}).items():
    for name, call in sorted(calls.items()):
        # Process ids differ from run to run: counted, not listed.
        show = lambda a, v: f"{len(v)} pids" if a in ("pid", "tgid", "upid") else "|".join(hex(x) for x in v)
        args = ",".join(a + "=" + show(a, d["values"]) for a, d in call.get("args", {}).items() if d.get("values"))
        out.append(name + ("(" + args + ")" if args else ""))
print(" ".join(out) or "-")' "$rec" 2>/dev/null || echo "no recording")
  printf '%s\t%s\n' "$status" "$calls"
}

echo "# What the .NET runtime does by itself that @dotnet-runtime does not allow: tests/Seccomp.RuntimeMatrix, one case"
echo "# per run, recorded with dotnet-seccomp record (calls outside the group with their argument values) and run"
echo "# enforced under KillProcess + @dotnet-runtime (+ @process for children): the exit status, 159 being SIGSYS."
echo "# $version, $(uname -m), Linux $(uname -r | cut -d- -f1); regenerate with eng/measure-runtime-matrix.sh $runtime."
printf 'case\tcondition\tenforced exit\texpected\toutside @dotnet-runtime\n'
declare -A expected=([unhandled]=134 [failfast]=134 [exit]=3 [interrupt]=130 [terminate]=143)
row() { # CASE CONDITION ENV...
  local c=$1 cond=$2; shift 2
  echo "  $c under $cond" >&2
  local r; r=$(run "$c-$cond" "$c" "$@")
  printf '%s\t%s\t%s\t%s\t%s\n' "$c" "$cond" "$(cut -f1 <<<"$r")" "${expected[$c]:-0}" "$(cut -f2 <<<"$r")"
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

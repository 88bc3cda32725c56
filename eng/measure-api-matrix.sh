#!/usr/bin/env bash
# Measures the capability groups of issue 19, item 2 (@file-system, @sqlite, @aspnetcore, @http-client) with the
# matrix of tests/Seccomp.ApiMatrix: one case per run, each an API area's calls under the conditions that change them
# (success and error paths, small and large payloads, journal modes, protocols, shutdown signals...).
# Each case is run twice:
#   - recorded with dotnet-seccomp record, whose filter lets @dotnet-runtime (with its conditions) run unrecorded:
#     every call it records is one the runtime group does not allow with those arguments, i.e. what the area needs;
#   - enforced: the case applies KillProcess + @dotnet-runtime + its area's group(s) and must end with status 0,
#     never SIGSYS's 159.
# A case that prints "ready ARGS..." is driven from outside by `Seccomp.ApiMatrix drive CASE ARGS...` (unfiltered):
# requests to a server case, signals, the servers of a client case.
# Output: data/dotnet-api-groups-x86_64.tsv on stdout; progress on stderr.
#   tools/measure-api-matrix.sh > data/dotnet-api-groups-x86_64.tsv
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export MSBUILDDISABLENODEREUSE=1
dotnet build "$repo/tests/Seccomp.ApiMatrix" -c Release -v q -nologo -nodeReuse:false >/dev/null
dotnet build "$repo/tools/Seccomp.Tool" -c Release -v q -nologo -nodeReuse:false >/dev/null
matrix=$(ls "$repo"/tests/Seccomp.ApiMatrix/bin/Release/net*/Seccomp.ApiMatrix.dll | head -1)
tool=$(ls "$repo"/tools/Seccomp.Tool/bin/Release/net*/Seccomp.Tool.dll | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The cases, by area: AREA CASE (the groups each area's enforced run allows are in tests/Seccomp.ApiMatrix/Policies.cs).
cases=(
  "file-system fs-readwrite" "file-system fs-directories" "file-system fs-rename-delete" "file-system fs-copy"
  "file-system fs-watch" "file-system fs-locks" "file-system fs-errors"
  "sqlite sqlite-journal" "sqlite sqlite-wal" "sqlite sqlite-locking" "sqlite sqlite-errors"
  "aspnetcore web-http1" "aspnetcore web-http2" "aspnetcore web-unix" "aspnetcore web-reload" "aspnetcore web-https"
  "http-client client-http" "http-client client-errors" "http-client client-sockets" "http-client client-names"
)
netns="$repo/tests/Seccomp.ApiMatrix/netns.sh"

# drive CASE OUT: once the case prints "ready ARGS...", run the driver with those arguments.
drive() {
  local case=$1 out=$2 line=""
  for _ in $(seq 600); do
    line=$(grep -m1 '^ready ' "$out" 2>/dev/null || true)
    [ -n "$line" ] && break
    if ! kill -0 "$3" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  [ -n "$line" ] || return 0
  # shellcheck disable=SC2086
  dotnet "$matrix" drive "$case" ${line#ready } >>"$work/driver.log" 2>&1 || echo "  driver of $case failed: $(tail -3 "$work/driver.log")" >&2
}

# run CASE: prints "exit-status<TAB>calls outside @dotnet-runtime". The client cases run inside netns.sh's network
# namespace, with its servers and DNS responder.
run() {
  local case=$1 rec="$work/$1.json" out="$work/$1.out" wrap=()
  case $case in client-*) wrap=("$netns" "$matrix") ;; esac
  : > "$out"
  # A background job of a shell without job control starts with SIGINT and SIGQUIT ignored, and the runtime leaves an
  # ignored signal alone; a service gets them with their default disposition (web-http2 ends with SIGINT).
  env --default-signal=INT,QUIT ${wrap[@]+"${wrap[@]}"} dotnet "$tool" record -o "$rec" -- dotnet "$matrix" "$case" < /dev/null > "$out" 2>&1 &
  local bg=$!; drive "$case" "$out" $bg; wait $bg || true
  : > "$out"
  env --default-signal=INT,QUIT ${wrap[@]+"${wrap[@]}"} dotnet "$matrix" "$case" --enforce < /dev/null > "$out" 2>&1 &
  bg=$!; drive "$case" "$out" $bg; local status=0; wait $bg || status=$?
  grep -q "^case $case passed" "$out" || [ "$status" != 0 ] || status="0 (did not pass)"
  local calls
  calls=$(python3 -c '
import json, sys
rec = json.load(open(sys.argv[1]))
out = []
for arch, calls in rec.get("architectures", {}).items():
    for name, call in sorted(calls.items()):
        args = ",".join(a + "=" + "|".join(hex(v) for v in d["values"]) for a, d in call.get("args", {}).items() if d.get("values"))
        out.append(name + ("(" + args + ")" if args else ""))
print(" ".join(out) or "-")' "$rec" 2>/dev/null || echo "no recording")
  printf '%s\t%s\n' "$status" "$calls"
}

echo "# What .NET API areas call that @dotnet-runtime does not allow: tests/Seccomp.ApiMatrix, one case per run, recorded"
echo "# with dotnet-seccomp record (calls outside @dotnet-runtime with their argument values; rmdir in the file and SQLite"
echo "# cases is their scratch folder's removal; tgkill(tgid=PID) of the runtime's signal 34 to its own threads shows because"
echo "# the recorder's filter does not know the recorded pid) and run enforced under KillProcess + @dotnet-runtime + the"
echo "# area's group(s) (tests/Seccomp.ApiMatrix/Policies.cs): the exit status, 159 being SIGSYS. Web cases are driven over"
echo "# 127.0.0.1, [::1] and a Unix socket by an unfiltered \`Seccomp.ApiMatrix drive\` and end with SIGTERM (web-http2: SIGINT)."
echo "# Client cases run in a network namespace of their own (tests/Seccomp.ApiMatrix/netns.sh: loopback only, resolv.conf"
echo "# naming 127.0.0.1, where an unfiltered \`Seccomp.ApiMatrix serve\` answers DNS over UDP and TCP and serves HTTP/HTTPS)."
echo "# $(dotnet --list-runtimes | grep NETCore.App | tail -1 | cut -d' ' -f1-2), Microsoft.Data.Sqlite 10.0.15, $(uname -m), Linux $(uname -r | cut -d- -f1); regenerate with tools/measure-api-matrix.sh."
printf 'area\tcase\tenforced exit\texpected\toutside @dotnet-runtime\n'
for entry in "${cases[@]}"; do
  read -r area c <<<"$entry"
  echo "  $area $c" >&2
  r=$(run "$c")
  printf '%s\t%s\t%s\t%s\t%s\n' "$area" "$c" "$(cut -f1 <<<"$r")" 0 "$(cut -f2 <<<"$r")"
done

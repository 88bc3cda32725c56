#!/usr/bin/env bash
# In-process reports (docs/reports.md), measured: the cost of an allowed call (getppid) and of a denied one (getpgid)
# with no filter, with the policy alone, with ReportViolations, with Complain through the supervisor, and with Complain
# by LOG (what kernels without USER_NOTIF do). Each configuration runs in a process of its own, ROUNDS times; the table
# gives the median of each and the ratio to the policy alone. Usage: eng/bench-reports.sh [ROUNDS] [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
iterations=${2:-2000000}
dotnet build tests/Seccomp.TestChild -c Release -nologo -v q -nodeReuse:false >/dev/null
child=tests/Seccomp.TestChild/bin/Release/net10.0/Seccomp.TestChild.dll
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
declare -A allowed denied
for mode in none plain report complain complain-log; do
  a=(); d=()
  for _ in $(seq "$rounds"); do
    out=$(DOTNET_DbgEnableMiniDump=0 dotnet "$child" report-bench "$mode" "$iterations")
    a+=("$(grep '^allowed_ns=' <<<"$out" | cut -d= -f2)")
    d+=("$(grep '^denied_ns=' <<<"$out" | cut -d= -f2)")
  done
  allowed[$mode]=$(printf '%s\n' "${a[@]}" | median)
  denied[$mode]=$(printf '%s\n' "${d[@]}" | median)
  echo "  $mode: allowed ${a[*]} | denied ${d[*]}" >&2
done
printf '%-13s %14s %10s %14s %10s\n' mode "allowed ns" "x plain" "denied ns" "x plain"
for mode in none plain report complain complain-log; do
  printf '%-13s %14s %10.2f %14s %10.2f\n' "$mode" "${allowed[$mode]}" "$(echo "${allowed[$mode]} / ${allowed[plain]}" | bc -l)" \
    "${denied[$mode]}" "$(echo "${denied[$mode]} / ${denied[plain]}" | bc -l)"
done

#!/bin/sh
# What the recorder costs a program: times N calls of getpid (in @dotnet-runtime, so the recorder's filter allows it
# in the kernel) and N calls of getpgrp (outside it, so every call is a USER_NOTIF round trip to the tool), first
# without the recorder, then under `dotnet-seccomp record`, and prints the extra ns per call.
#
#   eng/recorder-cost.sh [N]      (default 200000; build tests/Seccomp.Tool.Tests first, which builds both programs)
set -eu
n=${1:-200000}
here=$(cd "$(dirname "$0")" && pwd)
tool=${SECCOMP_TOOL:-$here/Seccomp.Tool/bin/Debug/net8.0/Seccomp.Tool.dll}
app=${RECORDED_APP:-$here/../tests/Seccomp.Tool.Tests/RecordedApp/bin/Debug/net10.0/RecordedApp.dll}
rec=$(mktemp /tmp/recorder-cost.XXXXXX.json)

export DOTNET_EnableDiagnostics=0
plain=$(dotnet "$app" bench "$n")
recorded=$(dotnet "$tool" record -o "$rec" -- dotnet "$app" bench "$n" 2>/dev/null)
rm -f "$rec"
ns() { echo "$1" | awk -v c="$2" '$1 == c { print $2 }'; }
a0=$(ns "$plain" getpid); a1=$(ns "$recorded" getpid)
r0=$(ns "$plain" getpgrp); r1=$(ns "$recorded" getpgrp)
echo "calls: $n each, best of 5 runs"
echo "allowed call  (getpid):  $a0 ns without the recorder, $a1 ns under it: +$((a1 - a0)) ns/call"
echo "recorded call (getpgrp): $r0 ns without the recorder, $r1 ns under it: +$((r1 - r0)) ns/call"

#!/usr/bin/env bash
# Measures the arguments the .NET runtime passes to the @dotnet-runtime calls that can name a process (prlimit64,
# setpriority, sched_*, prctl, tgkill): builds eng/process-arguments, runs it under strace with workstation and
# server GC, and prints one line per distinct (call, argument shape), pids folded to SELF, TID or OTHER.
# Output: the body of data/dotnet-process-arguments-x86_64.tsv.
set -euo pipefail
cd "$(dirname "$0")/process-arguments"
dotnet build -c Release -v q -nologo >/dev/null
calls=prctl,prlimit64,setpriority,getpriority,sched_setscheduler,sched_setaffinity,sched_getaffinity,sched_getparam,sched_getscheduler,sched_setparam,tgkill,tkill,kill
# The conditions that change what the runtime does: GC flavour and limits, W^X, tiering and OSR, globalization.
i=0
for envs in "DOTNET_gcServer=0" "DOTNET_gcServer=1" "DOTNET_EnableWriteXorExecute=0" "DOTNET_GCHeapHardLimit=0x10000000" \
    "DOTNET_TieredCompilation=0" "DOTNET_TC_OnStackReplacement_InitialCounter=1 DOTNET_OSR_HitLimit=1" \
    "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1" "DOTNET_gcServer=1 DOTNET_GCgen0size=0x100000"; do
  env $envs strace -f -qq -e trace=$calls -o "/tmp/process-arguments-$i.strace" dotnet bin/Release/net10.0/process-arguments.dll >/dev/null
  i=$((i + 1))
done
cat /tmp/process-arguments-*.strace | python3 -c '
import re, sys, collections
lines = [l.split(None, 1) for l in sys.stdin if re.match(r"^\d+ +[a-z_0-9]+\(", l)]
pids = {int(p) for p, _ in lines}
seen = collections.Counter()
for pid, call in lines:
    m = re.match(r"([a-z_0-9]+)\((.*?)\)\s*=", call)
    if not m: continue  # an <unfinished ...> half; its resumed half has no arguments to read
    name, args = m.groups()
    first = args.split(",")[0].strip()
    shape = args
    if name in ("tgkill",): shape = re.sub(r"^\d+, \d+", "SELF, TID", args)
    elif name in ("setpriority", "getpriority"): shape = re.sub(r"^(\w+), (\d+)", lambda m: m.group(1) + ", " + ("0" if m.group(2) == "0" else "TID" if int(m.group(2)) in pids else "OTHER"), args)
    elif first.isdigit() and name != "prctl":
        v = int(first); shape = ("0" if v == 0 else "TID" if v in pids else "OTHER") + args[len(first):]
    shape = re.sub(r"0x[0-9a-f]{6,}", "PTR", shape); shape = re.sub(r"\[[0-9 ]+\]", "[...]", shape)
    seen[(name, shape.split(",")[0] + ("," + ",".join(shape.split(",")[1:2]) if "," in shape else ""))] += 1
for (n, s), c in sorted(seen.items()): print(f"{n}\t{s}\t{c}")
'

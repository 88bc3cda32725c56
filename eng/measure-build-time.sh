#!/usr/bin/env bash
# Build-time check of issue 9, item 3: in an app holding Docker's default profile as a policy (default
# architectures) plus one [GeneratedRegex] method, how long do Seccomp.Generators' generator and analyzers take
# beside the Regex generator, in the same `dotnet build -p:ReportAnalyzer=true`? Target: at most 2x.
#
# Usage: eng/measure-build-time.sh [REPO] [BUILDS]
#   REPO    the repository to measure (default: the one this script is in)
#   BUILDS  how many measured builds (default 3; the median is reported)
# Environment:
#   KEEP_APP=1         keep the throwaway app (its path is printed) instead of deleting it
#   SHARED_COMPILER=1  (default) compile in the compiler server (VBCSCompiler), as `dotnet build` does by default
#                      for a user: the warm-up build loads and JIT-compiles the analyzers, the measured builds reuse
#                      them (warm figures). The server is the SDK's own; it exits by itself when idle.
#   SHARED_COMPILER=0  a fresh csc process per build (-p:UseSharedCompilation=false): every measured build pays
#                      assembly loading, JIT and one-time table set-up again (cold figures). The value is passed
#                      explicitly either way, because an environment variable UseSharedCompilation (set on some CI
#                      machines) would otherwise decide it silently.
#   MARGINAL=N         afterwards, N rounds of a second measure that does not rest on how the report splits the
#                      compiler's shared costs between generators: the wall clock of the build's own csc command
#                      run directly (a fresh process each time) three ways, interleaved: as is; without this
#                      package's analyzers; without them and without the Regex generator (a stub Patterns.cs).
#                      The differences of the medians are what each adds to a cold compile.
#   DOTNET_LOCK        lock file every dotnet command is run under (default /tmp/dotnet-build.lock), so this
#                      script never builds at the same time as another build on the machine
#
# Prints each build's figures, then:
#   seccomp generator+analyzers: X s, regex generator: Y s, ratio: Z
set -euo pipefail

REPO=$(cd "${1:-$(dirname "$0")/..}" && pwd)
BUILDS=${2:-3}
LOCK=${DOTNET_LOCK:-/tmp/dotnet-build.lock}
SHARED_COMPILER=${SHARED_COMPILER:-1}

# Every dotnet command goes through flock: timing a build while another one runs on a 2-core machine
# would measure the other build as much as ours.
dn() { flock "$LOCK" dotnet "$@"; }

POLICY_SRC="$REPO/tests/Seccomp.TestChild/Policies/DockerDefaultPolicy.g.cs"
[[ -f "$POLICY_SRC" ]] || { echo "no $POLICY_SRC" >&2; exit 1; }
# The package's version is the repository's <Version>.
VERSION=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$REPO/Directory.Build.props" | head -n1)
[[ -n "$VERSION" ]] || { echo "no <Version> in $REPO/Directory.Build.props" >&2; exit 1; }

WORK=$(mktemp -d /tmp/seccomp-buildtime.XXXXXX)
if [[ "${KEEP_APP:-0}" == 1 ]]; then
  echo "app kept in $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi
FEED="$WORK/feed"; APP="$WORK/app"; LOGS="$WORK/logs"
mkdir -p "$FEED" "$APP" "$LOGS"

# 1. Pack the repository the way it ships: one package, Seccomp.Generators, whose analyzers/dotnet/cs holds the
#    generator, the analyzers and the compiler core. The app then uses it as a user does, from a package source.
echo "== packing $REPO (Seccomp.Generators $VERSION)"
dn pack "$REPO/src/Seccomp/Seccomp.csproj" -c Release -o "$FEED" -nologo -v:q >"$LOGS/pack.log" 2>&1 \
  || { cat "$LOGS/pack.log" >&2; exit 1; }
ls "$FEED"/Seccomp.Generators."$VERSION".nupkg >/dev/null

# 2. The app. Its nuget.config puts the local feed first and uses a packages folder of its own: the version
#    number does not change between commits, so the machine-wide cache may hold an older Seccomp.Generators
#    of the same version, which restore would take instead of the package just packed.
cat >"$APP/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config>
    <add key="globalPackagesFolder" value="$WORK/packages" />
  </config>
  <packageSources>
    <clear />
    <add key="local" value="$FEED" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
EOF

# No Directory.Build.props of the repository applies here (the app lives in /tmp), so the project is what
# `dotnet new console` gives plus the package.
cat >"$APP/BuildTimeApp.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Seccomp.Generators" Version="$VERSION" />
  </ItemGroup>
</Project>
EOF

# Docker's default profile as the repository's tests declare it, with two changes:
# - less its `Architectures = new[] { X86_64 }`: the issue asks for the default architectures (every supported
#   one), so the generator builds one program per architecture, and the x86_64-only names draw SECC0002 warnings
#   for the others, as in a user's build;
# - less its `// <auto-generated>` tags (and not named *.g.cs): the compiler runs no analyzer on a file it takes
#   for generated code, so with them the analyzers' time would be that of skipping the policy. A user's policy
#   is hand-written.
sed -e 's/, *Architectures *= *new\[\] *{[^}]*}//' \
    -e '/<\/\{0,1\}auto-generated>/d' \
    -e 's/^namespace Seccomp\.Tests\.Policies;/namespace BuildTimeApp;/' \
    "$POLICY_SRC" >"$APP/DockerDefaultPolicy.cs"
if grep -q 'auto-generated' "$APP/DockerDefaultPolicy.cs"; then
  echo "could not remove the <auto-generated> tags from $POLICY_SRC" >&2; exit 1
fi
if grep -q 'Architectures' "$APP/DockerDefaultPolicy.cs"; then
  echo "could not remove the Architectures restriction from $POLICY_SRC" >&2; exit 1
fi

# One [GeneratedRegex] method: what the Regex generator is timed on.
cat >"$APP/Patterns.cs" <<'EOF'
using System.Text.RegularExpressions;

namespace BuildTimeApp;

internal static partial class Patterns
{
    [GeneratedRegex(@"^(?<key>[a-z_]+)=(?<value>\d+)$", RegexOptions.IgnoreCase)]
    internal static partial Regex KeyValue();
}
EOF

# Apply() is called as a service's first statement would, so the app is what a user writes (and the usage
# analyzer has a call to look at). The app is never run.
cat >"$APP/Program.cs" <<'EOF'
using BuildTimeApp;

if (args.Length > 0 && args[0] == "--sandbox")
    DockerDefaultPolicy.Apply();
Console.WriteLine(Patterns.KeyValue().IsMatch("answer=42"));
EOF

# -v:d: the Csc task logs the compiler's ReportAnalyzer table at detailed verbosity only (not at -v:n).
BUILD_ARGS=(-nologo -p:ReportAnalyzer=true -v:d)
if [[ "$SHARED_COMPILER" == 0 ]]; then
  BUILD_ARGS+=(-p:UseSharedCompilation=false); echo "== mode: fresh csc process per build (cold)"
else
  BUILD_ARGS+=(-p:UseSharedCompilation=true); echo "== mode: compiler server (warm, dotnet build's default)"
fi

# 3. Restore and a warm-up build: restores the package, starts the compiler server and MSBuild nodes, and
#    loads the analyzer assemblies once, as in the issue ("median of three builds after a warm-up build").
echo "== restore + warm-up build"
dn build "$APP/BuildTimeApp.csproj" "${BUILD_ARGS[@]}" >"$LOGS/build-0.log" 2>&1 \
  || { tail -n 60 "$LOGS/build-0.log" >&2; exit 1; }
# The package must have reached the compiler: otherwise the figures below would be zero.
grep -q 'Seccomp.Generators.SeccompGenerator' "$LOGS/build-0.log" \
  || { echo "the report shows no Seccomp generator (package not used?)" >&2; tail -n 80 "$LOGS/build-0.log" >&2; exit 1; }

# The analyzers must have analyzed the policy (not skipped it): Docker's x86_64-only names draw SECC0002 for the
# other architectures. Shown, not required, so that a policy that draws no warning one day still measures.
NWARN=$(grep -o 'warning SECC[0-9]*' "$LOGS/build-0.log" | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $3, $1; sep = ", " }')
echo "warm-up build's Seccomp warnings: ${NWARN:-none}"

# Sums, in one build log, the "Total ... execution time" lines' per-assembly rows that the ReportAnalyzer
# report prints under the Csc task:
#   Total analyzer execution time: 0.512 seconds.
#                                                                      <- blank line
#     Time (s)    %   Analyzer
#        0.300   58   Seccomp.Analyzers, Version=0.1.0.0, ...          <- assembly row (counted)
#           0.200   39   Seccomp.Analyzers.PolicyAnalyzer (SECC0001, ...)  <- type row (not counted)
#   Total generator execution time: 0.123 seconds.
#     Time (s)    %   Generator
#        0.100   81   System.Text.RegularExpressions.Generator, Version=...
# Assembly rows are told from type rows by ", Version=". Times below 0.001 s print as "<0.001".
# Output: "<seccomp s> <regex s> <seccomp generator s> <seccomp analyzers s>".
parse() {
  awk '
    /Total analyzer execution time/  { sec = "a"; next }
    /Total generator execution time/ { sec = "g"; next }
    sec != "" && /, Version=/ {
      t = $1; if (t ~ /^</) t = 0
      if (t !~ /^[0-9.]+$/) next
      if ($0 ~ /Seccomp\.Generators, Version=/ || $0 ~ /Seccomp\.Analyzers, Version=/ || $0 ~ /Seccomp\.Compiler, Version=/) {
        seccomp += t
        if (sec == "g") gen += t; else ana += t
      } else if ($0 ~ /System\.Text\.RegularExpressions\.Generator, Version=/ && sec == "g") {
        regex += t
      }
    }
    # Any line that is neither blank, a header nor a row ends the table.
    sec != "" && !/^[[:space:]]*$/ && !/^[[:space:]]*(Time \(s\)|[<0-9.]+[[:space:]]+[<0-9]+[[:space:]])/ { sec = "" }
    END { printf "%.3f %.3f %.3f %.3f\n", seccomp, regex, gen, ana }
  ' "$1"
}

# 4. The measured builds. Each one first changes Program.cs (a comment): with no input changed, the CoreCompile
#    target is skipped as up to date and no analyzer runs at all. --no-restore keeps restore out of the build.
declare -a S R
for i in $(seq 1 "$BUILDS"); do
  echo "// build $i $(date +%s%N)" >>"$APP/Program.cs"
  dn build "$APP/BuildTimeApp.csproj" --no-restore "${BUILD_ARGS[@]}" >"$LOGS/build-$i.log" 2>&1 \
    || { tail -n 60 "$LOGS/build-$i.log" >&2; exit 1; }
  if ! grep -q 'Total generator execution time' "$LOGS/build-$i.log"; then
    echo "build $i: no analyzer report in the log (did CoreCompile run?)" >&2; exit 1
  fi
  read -r s r g a < <(parse "$LOGS/build-$i.log")
  S+=("$s"); R+=("$r")
  echo "build $i: seccomp $s s (generator $g s, analyzers $a s), regex generator $r s"
done

# The report's Seccomp and Regex rows (per assembly, then per analyzer/generator type) of the last build, to
# see where the time goes; the server/command-line line tells which compiler ran.
echo "== analyzer report of build $BUILDS (Seccomp and Regex rows)"
grep -m1 -o "CompilerServer: [a-z]* - [^'/]*" "$LOGS/build-$BUILDS.log" | sed 's/^/  /' || true
awk '
  /Total (analyzer|generator) execution time/ { sec = 1; sub(/^[[:space:]]+/, "  "); print; next }
  sec && /^[[:space:]]*$/ { next }
  sec && /^[[:space:]]*Time \(s\)/ { next }
  sec && /^[[:space:]]*[<0-9.]+[[:space:]]+[<0-9]+[[:space:]]/ {
    if ($0 ~ /Seccomp|RegularExpressions/) { line = $0; sub(/^[[:space:]]+/, "    ", line); print line }
    next
  }
  { sec = 0 }
' "$LOGS/build-$BUILDS.log"

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
MS=$(median "${S[@]}"); MR=$(median "${R[@]}")
RATIO=$(awk -v s="$MS" -v r="$MR" 'BEGIN { if (r > 0) printf "%.1f", s / r; else print "inf" }')
echo "seccomp generator+analyzers: $MS s, regex generator: $MR s, ratio: $RATIO"
# The report prints milliseconds: a Regex time of a few of them (the compiler server's warm builds) makes the
# ratio coarse (0.002 s vs 0.003 s is 50%).
if awk -v r="$MR" 'BEGIN { exit !(r < 0.010) }'; then
  echo "note: the regex generator's time is within a few ms of the report's 1 ms resolution; the ratio is coarse"
fi

# 5. Optional: what each generator adds to a cold compile, by wall clock (see MARGINAL above). The report charges
#    the compiler's one-time set-up of the referenced assemblies' symbols to whichever generator binds first; a
#    compile without that generator pays the same set-up in its own binding, so these differences do not depend on
#    who is charged.
MARGINAL=${MARGINAL:-0}
if [[ "$MARGINAL" -gt 0 ]]; then
  M="$WORK/marginal"; mkdir -p "$M/out"
  # Program.cs without the Apply() call, so that every variant compiles; Patterns.cs as plain code for the last one.
  sed 's/DockerDefaultPolicy\.Apply();/;/' "$APP/Program.cs" >"$M/Program.cs"
  cat >"$M/Patterns.cs" <<'EOF'
using System.Text.RegularExpressions;

namespace BuildTimeApp;

internal static partial class Patterns
{
    internal static Regex KeyValue() => new Regex(@"^(?<key>[a-z_]+)=(?<value>\d+)$", RegexOptions.IgnoreCase);
}
EOF
  python3 - "$LOGS/build-$BUILDS.log" "$M" <<'PY' || { echo "could not find the csc command line in the build log" >&2; exit 1; }
import shlex, sys
log, m = sys.argv[1], sys.argv[2]
line = next(l for l in open(log) if "/noconfig" in l and "Roslyn/bincore/csc" in l)
words = shlex.split(line.strip())
i = next(k for k, w in enumerate(words) if "Roslyn/bincore/csc" in w)
csc = words[i].replace("csc.dll", "csc")
args = words[i + 1:]
def variant(name, drop_seccomp, drop_regex):
    out = []
    for a in args:
        if a.startswith("/out:"): a = "/out:" + m + "/out/" + name + ".dll"
        elif a.startswith("/refout:"): a = "/refout:" + m + "/out/" + name + ".ref.dll"
        elif a == "Program.cs": a = m + "/Program.cs"
        elif a == "Patterns.cs" and drop_regex: a = m + "/Patterns.cs"
        elif a.startswith("/analyzer:") and drop_seccomp and "/seccomp.generators/" in a.lower(): continue
        elif a.startswith("/analyzer:") and drop_regex and "System.Text.RegularExpressions.Generator" in a: continue
        out.append(a)
    # A response file quotes with double quotes, and only what holds a space.
    open(m + "/" + name + ".rsp", "w").write("\n".join('"' + a + '"' if " " in a else a for a in out if a != "/noconfig") + "\n")
variant("both", False, False)
variant("regex", True, False)
variant("neither", True, True)
open(m + "/csc", "w").write(csc + "\n")
PY
  CSC=$(cat "$M/csc")
  declare -a TB TR TN
  echo "== marginal: $MARGINAL rounds of three csc runs (this app, cold processes)"
  for i in $(seq 1 "$MARGINAL"); do
    for v in both regex neither; do
      t0=$(date +%s%N)
      (cd "$APP" && flock "$LOCK" "$CSC" @"$M/$v.rsp" >"$M/$v.out" 2>&1) || { tail -n 20 "$M/$v.out" >&2; exit 1; }
      t=$(( ($(date +%s%N) - t0) / 1000000 ))
      case $v in both) TB+=("$t");; regex) TR+=("$t");; neither) TN+=("$t");; esac
    done
  done
  B=$(median "${TB[@]}"); Rg=$(median "${TR[@]}"); N=$(median "${TN[@]}")
  echo "csc wall clock, medians: with both ${B} ms, Regex generator only ${Rg} ms, neither ${N} ms"
  awk -v b="$B" -v r="$Rg" -v n="$N" 'BEGIN {
    s = b - r; g = r - n
    printf "marginal: Seccomp.Generators +%d ms, Regex generator +%d ms, ratio: %.1f\n", s, g, (g > 0 ? s / g : 0) }'
fi

#!/usr/bin/env bash
# Regenerates every generated table from its data and scripts:
#   src/Common/Tables/SyscallTable.*.g.cs, generator/Seccomp.Compiler/Tables/Constants.g.cs   (gen-tables.py)
#   generator/Seccomp.Compiler/Tables/Signatures.g.cs                                          (gen-signatures.py)
#   generator/Seccomp.Compiler/Tables/HotProfile.g.cs                                          (gen-hot-profile.py)
#   tests/Seccomp.TestChild/Policies/DockerDefaultPolicy.g.cs                                  (dotnet-seccomp import)
# With --check (what CI runs): regenerates, fails with one line per file that differs from the one in the tree, and
# puts the tree's files back. Header lines naming the Debian package versions of the headers read are not
# compared: they say which machine ran the script, not what the tables hold.
# Needs python3, gcc and the headers listed in eng/README.md (gen-tables.py), the .NET SDK (the Docker profile).
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
[ "${1:-}" = "--check" ] && check=1
generated=(src/Common/Tables/SyscallTable.X86_64.g.cs src/Common/Tables/SyscallTable.Aarch64.g.cs
  src/Common/Tables/SyscallTable.Riscv64.g.cs src/Common/Tables/SyscallTable.Arm.g.cs
  src/Common/Tables/SyscallTable.Ppc64le.g.cs src/Common/Tables/SyscallTable.S390x.g.cs
  src/Common/Tables/SyscallTable.Loongarch64.g.cs generator/Seccomp.Compiler/Tables/Constants.g.cs
  generator/Seccomp.Compiler/Tables/Signatures.g.cs generator/Seccomp.Compiler/Tables/HotProfile.g.cs
  tests/Seccomp.TestChild/Policies/DockerDefaultPolicy.g.cs)
# --check keeps what is there (committed or not) and puts it back afterwards: it never loses work.
backup=$(mktemp -d)
trap 'rm -rf "$backup"' EXIT
if [ $check -eq 1 ]; then
  for f in "${generated[@]}"; do mkdir -p "$backup/$(dirname "$f")"; cp "$f" "$backup/$f"; done
fi
python3 eng/gen-tables.py > /dev/null
python3 eng/gen-signatures.py > /dev/null
python3 eng/gen-hot-profile.py > /dev/null
MSBUILDDISABLENODEREUSE=1 dotnet run --project src/Seccomp.Tool -v q -- import data/corpus/docker-default.json \
  --class Seccomp.Tests.Policies.DockerDefaultPolicy --arch x86_64 --kernel 6.18 -o tests/Seccomp.TestChild/Policies/DockerDefaultPolicy.g.cs > /dev/null
[ $check -eq 1 ] || exit 0
status=0
versions='^// .*(Debian|linux-libc-dev|libc6-dev)'
for f in "${generated[@]}"; do
  if ! diff -q <(grep -Ev "$versions" "$backup/$f") <(grep -Ev "$versions" "$f") > /dev/null; then
    echo "regenerated $f differs from the file in the tree (run eng/regenerate.sh and look at git diff $f)"
    status=1
  fi
  cp "$backup/$f" "$f"
done
exit $status

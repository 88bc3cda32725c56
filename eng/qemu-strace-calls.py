#!/usr/bin/env python3
"""Reads a qemu-user -strace log of one run of tests/Seccomp.RuntimeMatrix (eng/measure-runtime-matrix-qemu.sh) and
prints two tab-separated fields: the calls made after the program's mark (where Main applies its policy), and those
of them the policy does not allow, as the x86_64 build of the matrix answers for the guest's architecture
(`--evaluate ARCH`, the generated program in the BPF interpreter); then a third field, the calls of the runtime's
start (before the mark) that the policy does not allow, which no Apply() in Main sees.

A call is written NAME, or NAME(ARG=V|V) for the arguments a member of @dotnet-runtime narrows (each value seen,
distinct): those are the ones a name alone cannot answer for. The process's own pid is SELF_PID; other pids are
OTHER_PID (they differ from run to run).

usage: qemu-strace-calls.py LOG MATRIX_DLL ARCH [children]
"""
import re
import subprocess
import sys
from pathlib import Path

MARK = "/seccomp-runtime-matrix-mark/main-starts-here"
# What Program.cs's Evaluate answers with for a pid that is SELF_PID: the compiler's placeholder, which the
# unpatched program compares with (src/Seccomp/Loader/ProcessId.cs).
SELF_PID = 0x7FFFFFFF
OTHER_PID = 1  # a pid that is not this process's, for the evaluation of OTHER_PID

# The arguments @dotnet-runtime's members narrow (generator/Seccomp.Compiler/Policy/SyscallGroups.cs), by the
# names of data/syscall-signatures.tsv and their positions. tests/Seccomp.Tests/Core/RuntimeMatrixDataTests.cs
# checks that every call the data lists without arguments has a member without a condition.
NARROWED = {
    "clone": [("clone_flags", 0)],
    "ioctl": [("cmd", 1)],
    "prctl": [("option", 0)],
    "kill": [("pid", 0)],
    "tgkill": [("tgid", 0)],
    "prlimit64": [("pid", 0)],
    "sched_setaffinity": [("pid", 0)],
    "setpriority": [("who", 1)],
    "sched_setscheduler": [("policy", 1)],
    "mknodat": [("mode", 2)],
}
PIDS = {("kill", "pid"), ("tgkill", "tgid"), ("prlimit64", "pid"), ("sched_setaffinity", "pid")}

# The symbols qemu-user 7.2 prints for the narrowed arguments (asm-generic values, the same on aarch64 and riscv64).
SYMBOLS = {
    "CLONE_VM": 0x100, "CLONE_FS": 0x200, "CLONE_FILES": 0x400, "CLONE_SIGHAND": 0x800, "CLONE_PIDFD": 0x1000,
    "CLONE_PTRACE": 0x2000, "CLONE_VFORK": 0x4000, "CLONE_PARENT": 0x8000, "CLONE_THREAD": 0x10000,
    "CLONE_NEWNS": 0x20000, "CLONE_SYSVSEM": 0x40000, "CLONE_SETTLS": 0x80000, "CLONE_PARENT_SETTID": 0x100000,
    "CLONE_CHILD_CLEARTID": 0x200000, "CLONE_DETACHED": 0x400000, "CLONE_UNTRACED": 0x800000,
    "CLONE_CHILD_SETTID": 0x1000000, "CLONE_NEWCGROUP": 0x2000000, "CLONE_NEWUTS": 0x4000000,
    "CLONE_NEWIPC": 0x8000000, "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000, "CLONE_NEWNET": 0x40000000,
    "CLONE_IO": 0x80000000,
    "TCGETS": 0x5401, "TCSETS": 0x5402, "TCSETSW": 0x5403, "TCSETSF": 0x5404, "TCGETA": 0x5405, "TCSETA": 0x5406,
    "TCSETAW": 0x5407, "TCSETAF": 0x5408, "TCSBRK": 0x5409, "TCXONC": 0x540A, "TCFLSH": 0x540B, "TIOCEXCL": 0x540C,
    "TIOCNXCL": 0x540D, "TIOCSCTTY": 0x540E, "TIOCGPGRP": 0x540F, "TIOCSPGRP": 0x5410, "TIOCOUTQ": 0x5411,
    "TIOCSTI": 0x5412, "TIOCGWINSZ": 0x5413, "TIOCSWINSZ": 0x5414, "TIOCMGET": 0x5415, "FIONREAD": 0x541B,
    "TIOCNOTTY": 0x5422, "FIONBIO": 0x5421, "TIOCGSID": 0x5429, "FIONCLEX": 0x5450, "FIOCLEX": 0x5451,
    "FIOASYNC": 0x5452,
    "S_IFIFO": 0o010000, "S_IFCHR": 0o020000, "S_IFDIR": 0o040000, "S_IFBLK": 0o060000, "S_IFREG": 0o100000,
    "S_IFLNK": 0o120000, "S_IFSOCK": 0o140000,
    "RLIMIT_NOFILE": 7, "PRIO_PROCESS": 0, "SCHED_OTHER": 0, "NULL": 0,
}

CALL = re.compile(r'(?<![\w"/.])(\d+) ([a-z_][a-z0-9_]*)\(')
UNKNOWN = re.compile(r'(?<![\w"/.])(\d+) Unknown syscall (\d+)')


def numbers_of_table():
    """Names of the generic table's numbers, for the calls qemu 7.2 does not know (it prints their number)."""
    names = {}
    table = Path(__file__).resolve().parent.parent / "data" / "kernel-tables" / "syscall.tbl"
    for line in table.read_text().splitlines():
        f = line.split()
        if len(f) >= 3 and f[0].isdigit() and f[1] in ("common", "64"):
            names.setdefault(int(f[0]), f[2])
    return names


def arguments(text, start):
    """The top-level comma-separated arguments of the call whose '(' is just before start."""
    args, depth, cur, i, quoted = [], 0, [], start, False
    while i < len(text):
        c = text[i]
        if quoted:
            cur.append(c)
            if c == "\\" and i + 1 < len(text):
                cur.append(text[i + 1]); i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True; cur.append(c)
        elif c in "({[":
            depth += 1; cur.append(c)
        elif c in ")}]":
            if depth == 0:
                args.append("".join(cur).strip())
                return args
            depth -= 1; cur.append(c)
        elif c == "," and depth == 0:
            args.append("".join(cur).strip()); cur = []
        else:
            cur.append(c)
        i += 1
    return None  # the line was cut: the call is counted, its arguments not


def value(token):
    """A printed argument as the register holds it: numbers, octal modes, symbols and their unions."""
    total = 0
    for part in token.split("|"):
        part = part.strip()
        if re.fullmatch(r"-?\d+", part):
            n = int(part, 8) if part.startswith("0") and len(part) > 1 else int(part)
        elif re.fullmatch(r"0x[0-9a-fA-F]+", part):
            n = int(part, 16)
        elif part in SYMBOLS:
            n = SYMBOLS[part]
        else:
            raise ValueError(f"argument '{token}': '{part}' is not a number or a symbol this script knows; add it to SYMBOLS")
        total |= n & 0xFFFFFFFFFFFFFFFF
    return total


def main():
    log, dll, arch = sys.argv[1], sys.argv[2], sys.argv[3]
    children = len(sys.argv) > 4 and sys.argv[4] == "children"
    table = numbers_of_table()
    first_pid = None
    after = False
    seen = [{}, {}]  # before the mark, after it: name -> {arg name -> set of values}
    for line in open(log, errors="replace"):
        if not after and MARK in line:
            after = True
        events = [(m.start(), m.group(1), m.group(2), m.end()) for m in CALL.finditer(line)]
        events += [(m.start(), m.group(1), table.get(int(m.group(2)), "#" + m.group(2)), None) for m in UNKNOWN.finditer(line)]
        for _, pid, name, end in sorted(events):
            pid = int(pid)
            if first_pid is None:
                first_pid = pid
            calls = seen[1 if after else 0]
            narrowed = calls.setdefault(name, {})
            if name in NARROWED and end is not None:
                args = arguments(line, end)
                if args is None:
                    continue
                for arg, at in NARROWED[name]:
                    if at >= len(args):
                        continue
                    v = value(args[at])
                    if (name, arg) in PIDS and v != 0:
                        v = "SELF_PID" if v == first_pid else ("pid", v)
                    narrowed.setdefault(arg, set()).add(v)

    def shown(name, narrowed):
        parts = []
        for arg, values in narrowed.items():
            pids = {v for v in values if isinstance(v, tuple)}
            plain = sorted(v for v in values if isinstance(v, int))
            words = [hex(v) for v in plain] + (["SELF_PID"] if "SELF_PID" in values else []) + (["OTHER_PID"] if pids else [])
            parts.append(arg + "=" + "|".join(words))
        return name + ("(" + ",".join(parts) + ")" if parts else "")

    def outside(calls):
        # One evaluation per value of each narrowed argument, the others 0: the group's conditions name one argument each.
        lines, owners = [], []
        for name, narrowed in sorted(calls.items()):
            if name.startswith("#"):
                owners.append(None); lines.append(None)
                continue
            vectors = [[0] * 6]
            for arg, values in narrowed.items():
                at = dict(NARROWED[name])[arg]
                for v in values:
                    vec = [0] * 6
                    vec[at] = SELF_PID if v == "SELF_PID" else (OTHER_PID if isinstance(v, tuple) else v)
                    vectors.append(vec)
            for vec in (vectors[1:] or vectors):
                lines.append(name + " " + " ".join(hex(x) for x in vec)); owners.append(name)
        query = [l for l in lines if l is not None]
        cmd = ["dotnet", dll, "--evaluate", arch] + (["children"] if children else [])
        answers = subprocess.run(cmd, input="\n".join(query) + "\n", capture_output=True, text=True, check=True).stdout.splitlines()
        denied = {name for name in calls if name.startswith("#")}
        for answer in answers:
            if not answer.endswith(" ALLOW"):
                denied.add(answer.split(" ", 1)[0])
        return " ".join(shown(n, calls[n]) for n in sorted(denied)) or "-"

    print("\t".join([
        " ".join(shown(n, seen[1][n]) for n in sorted(seen[1])) or "-",
        outside(seen[1]) if seen[1] else "no mark",
        outside(seen[0]) if seen[0] else "-",
    ]))


if __name__ == "__main__":
    main()

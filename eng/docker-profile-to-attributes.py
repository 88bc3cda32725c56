#!/usr/bin/env python3
"""Translate Docker's default seccomp profile into Seccomp.Generators attributes.

Reads  data/corpus/docker-default.json
Writes tests/Seccomp.TestChild/Policies/DockerDefaultPolicy.g.cs

The profile is resolved the way Docker (moby's profiles/seccomp setupSeccomp) resolves it for one
container: x86_64 ("amd64"), Docker's default capability set, and a given kernel version. Per rule:
  - excludes.arches: skip the rule if the arch is listed
  - excludes.caps:   skip the rule if ANY listed cap is in the container's set
  - excludes.minKernel: skip the rule if the kernel is >= minKernel
  - includes.arches: skip the rule unless the arch is listed
  - includes.caps:   skip the rule unless ALL listed caps are in the container's set
  - includes.minKernel: skip the rule if the kernel is < minKernel
Rule args are translated the way runc adds them: entries of one rule are ANDed; if one argument index
occurs more than once in a rule, runc falls back to one rule per entry (ORed), and so do we.
Several rules for one syscall are separate rules, i.e. they OR together.
Names that are not x86_64 system calls (libseccomp cannot resolve them, and they are neither in
data/syscalls-after-6.1.tsv nor x86_64 rows of data/syscalls-arch-specific-after-6.1.tsv) are dropped, as runc
drops them, and listed in the output.

Usage: eng/docker-profile-to-attributes.py [--profile P] [--output O] [--kernel 6.18]
Python 3 standard library only.
"""

import argparse
import ctypes
import errno
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(REPO, "data")

ARCH = "amd64"  # Go's runtime.GOARCH spelling, as used in Docker's includes/excludes.arches
AUDIT_ARCH_X86_64 = 0xC000003E
LIBSECCOMP = "/usr/lib/x86_64-linux-gnu/libseccomp.so.2"

DOCKER_DEFAULT_CAPS = frozenset([
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
])

# Docker action -> (attribute name, SeccompAction member)
ACTIONS = {
    "SCMP_ACT_ALLOW": ("Allow", "Allow"),
    "SCMP_ACT_ERRNO": ("Deny", "Errno"),
    "SCMP_ACT_KILL": ("Kill", "Kill"),
    "SCMP_ACT_KILL_THREAD": ("Kill", "Kill"),
    "SCMP_ACT_KILL_PROCESS": ("Kill", "Kill"),
    "SCMP_ACT_LOG": ("Log", "Log"),
    "SCMP_ACT_TRAP": ("Trap", "Trap"),
    "SCMP_ACT_TRACE": ("Trace", "Trace"),
    "SCMP_ACT_NOTIFY": ("Notify", "Notify"),
}

OPS = {
    "SCMP_CMP_EQ": "==", "SCMP_CMP_NE": "!=", "SCMP_CMP_LT": "<",
    "SCMP_CMP_LE": "<=", "SCMP_CMP_GT": ">", "SCMP_CMP_GE": ">=",
}

LINE_WIDTH = 110


def fail(msg):
    sys.exit("docker-profile-to-attributes: " + msg)


def parse_kernel(text):
    parts = text.split(".")
    try:
        return (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0)
    except ValueError:
        fail("bad kernel version %r" % text)


def load_x86_64_resolver(after_61_path, arch_specific_path):
    lib = ctypes.CDLL(LIBSECCOMP)
    resolve = lib.seccomp_syscall_resolve_name_arch
    resolve.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    resolve.restype = ctypes.c_int
    extra = set()
    with open(after_61_path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        col = header.index("name")
        for line in f:
            if line.strip():
                extra.add(line.rstrip("\n").split("\t")[col])
    with open(arch_specific_path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        arch_col, col = header.index("arch"), header.index("name")
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if line.strip() and cols[arch_col] == "x86_64":
                extra.add(cols[col])

    def exists(name):
        return resolve(AUDIT_ARCH_X86_64, name.encode()) >= 0 or name in extra

    return exists


def load_arg_names(path):
    """syscall -> [arg0 name, arg1 name, ...] from syscall-signatures.tsv."""
    names = {}
    with open(path, encoding="utf-8") as f:
        f.readline()
        for line in f:
            cells = line.rstrip("\n").split("\t")
            if not cells or not cells[0]:
                continue
            args = []
            for cell in cells[2:8]:
                cell = cell.strip()
                if not cell:
                    break
                args.append(cell.rsplit(" ", 1)[-1].lstrip("*"))
            names[cells[0]] = args
    return names


def rule_applies(rule, caps, kernel):
    """Returns None when the rule applies, else the reason it does not."""
    exc = rule.get("excludes") or {}
    inc = rule.get("includes") or {}
    if exc.get("arches") and ARCH in exc["arches"]:
        return "excludes arch " + ARCH
    for c in exc.get("caps") or []:
        if c in caps:
            return "excludes " + c
    if exc.get("minKernel") and kernel >= parse_kernel(exc["minKernel"]):
        return "excludes kernel >= " + exc["minKernel"]
    if inc.get("arches") and ARCH not in inc["arches"]:
        return "arches " + ",".join(inc["arches"])
    for c in inc.get("caps") or []:
        if c not in caps:
            return "needs " + c
    if inc.get("minKernel") and kernel < parse_kernel(inc["minKernel"]):
        return "needs kernel >= " + inc["minKernel"]
    return None


def literal(value, hexa=False):
    if hexa or value > 0xFFFF:
        return "0x%X" % value
    return str(value)


def translate_arg(arg, operands):
    index = arg["index"]
    if not 0 <= index <= 5:
        fail("bad arg index %r" % index)
    operand = operands[index] if index < len(operands) else "arg%d" % index
    op = arg["op"]
    value = arg.get("value", 0)
    if op == "SCMP_CMP_MASKED_EQ":
        return "(%s & %s) == %s" % (operand, literal(value, True), literal(arg.get("valueTwo", 0)))
    if op not in OPS:
        fail("unsupported comparison %r" % op)
    return "%s %s %s" % (operand, OPS[op], literal(value))


def conjunction(terms):
    return " && ".join(terms)


def rule_conditions(args, operands):
    """The runc translation of one rule's args: a list of alternatives (ORed), each ANDed terms."""
    terms = [translate_arg(a, operands) for a in args]
    indices = [a["index"] for a in args]
    if len(set(indices)) != len(indices):
        return [[t] for t in terms]  # runc: repeated index -> one rule per entry
    return [terms]


def quote(name):
    return '"%s"' % name


def wrap_attribute(head, items, tail, indent=None):
    """head + items joined by ', ' + tail, wrapped at LINE_WIDTH; continuation lines start with indent
    (default: spaces as wide as head)."""
    if indent is None:
        indent = " " * len(head)
    lines, line, fresh = [], head, True
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else tail)
        if not fresh and len(line) + 1 + len(piece) > LINE_WIDTH:
            lines.append(line)
            line, fresh = indent, True
        line += ("" if fresh else " ") + piece
        fresh = False
    lines.append(line)
    return lines


def string_literal(text, indent):
    """A C# constant string expression for text; long texts are split at ' || ' into "..." + "..." parts."""
    if len(text) + len(indent) + 20 <= LINE_WIDTH:
        return ['"%s"' % text]
    chunks, cur = [], ""
    for part in text.split(" || "):
        piece = part if not cur else cur + " || " + part
        if cur and len(indent) + len(piece) + 12 > LINE_WIDTH:
            chunks.append(cur + " || ")
            cur = part
        else:
            cur = piece
    chunks.append(cur)
    return ['"%s"' % c for c in chunks]


def action_key(rule, default_errno):
    action = rule["action"]
    if action not in ACTIONS:
        fail("unsupported action %r" % action)
    data = rule.get("errnoRet")
    if action == "SCMP_ACT_ERRNO" and data is None:
        data = errno.EPERM  # runc's default errno for SCMP_ACT_ERRNO without errnoRet
    if action != "SCMP_ACT_ERRNO" and data is not None:
        fail("errnoRet on %s is not expressible" % action)
    return (ACTIONS[action][0], data)


def errno_name(num):
    name = errno.errorcode.get(num)
    if name is None:
        fail("unknown errno %d" % num)
    return name


def suffix(key):
    attr, data = key
    return ["Errno = Errno.%s" % errno_name(data)] if data is not None else []


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", default=os.path.join(SHARED, "corpus", "docker-default.json"))
    ap.add_argument("--output", default=os.path.join(
        REPO, "tests", "Seccomp.TestChild", "Policies", "DockerDefaultPolicy.g.cs"))
    ap.add_argument("--kernel", default="6.18")
    opts = ap.parse_args()

    kernel = parse_kernel(opts.kernel)
    with open(opts.profile, encoding="utf-8") as f:
        profile = json.load(f)
    exists = load_x86_64_resolver(os.path.join(SHARED, "syscalls-after-6.1.tsv"),
                                  os.path.join(SHARED, "syscalls-arch-specific-after-6.1.tsv"))
    arg_names = load_arg_names(os.path.join(SHARED, "syscall-signatures.tsv"))

    if profile.get("defaultAction") not in ACTIONS:
        fail("unsupported default action %r" % profile.get("defaultAction"))
    default_attr, default_member = ACTIONS[profile["defaultAction"]]
    default_errno = profile.get("defaultErrnoRet")
    if profile["defaultAction"] == "SCMP_ACT_ERRNO" and default_errno is None:
        default_errno = errno.EPERM

    unconditional = {}   # (attr, data) -> set of names
    conditional = {}     # (attr, data, name) -> list of alternatives (lists of ANDed terms)
    uncond_action = {}   # name -> (attr, data), to catch conflicts
    dropped = set()
    skipped = []

    for rule in profile.get("syscalls", []):
        names = list(rule.get("names") or [])
        if rule.get("name"):
            if names:
                fail("rule has both 'name' and 'names'")
            names = [rule["name"]]
        reason = rule_applies(rule, DOCKER_DEFAULT_CAPS, kernel)
        if reason is not None:
            skipped.append((names, reason))
            continue
        key = action_key(rule, default_errno)
        for name in names:
            if not exists(name):
                dropped.add(name)
                continue
            if rule.get("args"):
                alts = rule_conditions(rule["args"], arg_names.get(name, []))
                conditional.setdefault(key + (name,), []).extend(alts)
            else:
                prev = uncond_action.get(name)
                if prev is not None and prev != key:
                    fail("%s has conflicting unconditional actions %r and %r" % (name, prev, key))
                uncond_action[name] = key
                unconditional.setdefault(key, set()).add(name)

    for (attr, data, name) in conditional:
        if name in uncond_action:
            print("warning: %s is both conditional and unconditional" % name, file=sys.stderr)

    rel_out = os.path.relpath(opts.output, REPO)
    out = []
    out.append("// <auto-generated>")
    out.append("//   Generated by eng/docker-profile-to-attributes.py from data/corpus/docker-default.json.")
    out.append("//   Do not edit by hand; rerun the script instead.")
    out.append("//   Resolved as Docker does for: arch amd64 (x86_64), kernel %d.%d, Docker's default capabilities" % kernel)
    out.extend(wrap_attribute("//   (", sorted(DOCKER_DEFAULT_CAPS), ").", "//    "))
    out.append("// </auto-generated>")
    out.append("//")
    out.append("// Rules skipped by their includes/excludes:")
    for names, reason in skipped:
        shown = ", ".join(names[:4]) + (", ... (%d names)" % len(names) if len(names) > 4 else "")
        out.append("//   %s: %s" % (reason, shown))
    out.append("// Names dropped because they are not x86_64 system calls (unknown to libseccomp for x86_64 and")
    out.append("// not in data/syscalls-after-6.1.tsv or among the x86_64 rows of")
    out.append("// data/syscalls-arch-specific-after-6.1.tsv), %d:" % len(dropped))
    out.extend(wrap_attribute("//   ", sorted(dropped), "", "//   "))
    out.append("")
    out.append("using Seccomp;")
    out.append("")
    out.append("namespace Seccomp.Tests.Policies;")
    out.append("")
    policy = "DefaultAction = SeccompAction.%s" % default_member
    if default_errno is not None and default_member == "Errno":
        policy += ", DefaultErrno = Errno.%s" % errno.errorcode[default_errno]
    out.append("[SeccompPolicy(%s, Architectures = new[] { SeccompArch.X86_64 })]" % policy)

    order = ["Allow", "Deny", "Kill", "Log", "Trap", "Trace", "Notify"]

    def sort_key(key):
        return (order.index(key[0]), -1 if key[1] is None else key[1])

    groups = [(sort_key(k) + (0, ""), k, None) for k in unconditional]
    groups += [(sort_key(k[:2]) + (1, k[2]), k[:2], k[2]) for k in conditional]
    for _, key, name in sorted(groups):
        attr = key[0]
        if name is None:
            items = [quote(n) for n in sorted(unconditional[key])] + suffix(key)
            out.extend(wrap_attribute("[%s(" % attr, items, ")]"))
            continue
        alts = conditional[key + (name,)]
        parts = []
        for terms in alts:
            text = conjunction(terms)
            parts.append("(%s)" % text if len(terms) > 1 and len(alts) > 1 else text)
        condition = " || ".join(parts)
        # Several alternatives that each test one argument for equality read better as an 'in' list, and stay
        # one literal, so diagnostics can point into it.
        eq = [p.split(" == ") for p in parts]
        if len(parts) > 1 and all(len(x) == 2 and " " not in x[0] and " " not in x[1] for x in eq) \
                and len({x[0] for x in eq}) == 1:
            condition = "%s in (%s)" % (eq[0][0], ", ".join(x[1] for x in eq))
        head = "[%s(%s" % (attr, ", ".join([quote(name)] + suffix(key)))
        pieces = string_literal(condition, "    ")
        if len(pieces) == 1:
            out.append("%s, When = %s)]" % (head, pieces[0]))
        else:
            out.append("%s, When =" % head)
            for i, piece in enumerate(pieces):
                out.append("    " + piece + (" +" if i < len(pieces) - 1 else ")]"))
    out.append("internal static partial class DockerDefaultPolicy;")
    out.append("")

    os.makedirs(os.path.dirname(opts.output), exist_ok=True)
    with open(opts.output, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out))

    n_uncond = sum(len(v) for v in unconditional.values())
    n_alts = sum(len(v) for v in conditional.values())
    print("%s: %d unconditional names in %d attribute(s), %d conditional attribute(s) (%d alternatives), "
          "%d dropped names, %d skipped rules" % (rel_out, n_uncond, len(unconditional), len(conditional),
                                                  n_alts, len(dropped), len(skipped)))


if __name__ == "__main__":
    main()

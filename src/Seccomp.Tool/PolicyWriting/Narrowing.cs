// How `dotnet-seccomp policy` narrows a rule from what was recorded: for a few dangerous calls, a condition that lets
// through the values the program used (socket domain, ioctl request, prctl option, fcntl cmd, setsockopt level,
// clone without namespace flags, no writable+executable mmap/mprotect) instead of allowing the call outright.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Policy;
using Seccomp.Compiler.Tables;

namespace Seccomp.Tool;

/// <summary>How to narrow one argument of a call: the name the condition uses and the constant families that name its values.</summary>
internal sealed record Narrowing(string Syscall, string Param, string ConditionName)
{
    // The argument and its names are the compiler core's (ArgumentNames), which in-process reports share; here is only
    // the name a condition uses for it.
    private static readonly Dictionary<string, Narrowing> s_byCall = ArgumentNames.NarrowedCalls.ToDictionary(c => c, c =>
    {
        string param = ArgumentNames.NarrowedArgument(c)!.Param;
        // The man page's name for socket's first argument; the kernel's prototype says family.
        return new Narrowing(c, param, c is "socket" or "socketpair" ? "domain" : param);
    }, StringComparer.Ordinal);

    private const string WxCondition = "(prot & (PROT_WRITE | PROT_EXEC)) != (PROT_WRITE | PROT_EXEC)";

    private static readonly string[] s_namespaceFlags =
        { "CLONE_NEWNS", "CLONE_NEWCGROUP", "CLONE_NEWUTS", "CLONE_NEWIPC", "CLONE_NEWUSER", "CLONE_NEWPID", "CLONE_NEWNET" };

    /// <summary>The argument of <paramref name="syscall"/> that is narrowed to its recorded values, or null.</summary>
    public static Narrowing? For(string syscall) => s_byCall.GetValueOrDefault(syscall);

    /// <summary>
    /// The condition that allows what was recorded and little more, for the calls that have one (null: the plain
    /// rule): the recorded values of the narrowed argument, mmap/mprotect never writable and executable at once,
    /// clone without namespace flags.
    /// </summary>
    public static string? Condition(string name, List<(ArchInfo Arch, SyscallStats Stats, List<ulong>? Values)> uncovered)
    {
        if (name is "mmap" or "mprotect" or "pkey_mprotect")
        {
            // Never writable and executable at once, unless the program was seen asking for exactly that.
            foreach (var (arch, stats, _) in uncovered)
            {
                var prot = stats.Arg("prot");
                if (prot == null || prot.Pointer) return null;
                if (prot.Many) continue;
                ulong w = ConstantValue(arch, "PROT_WRITE", 2), x = ConstantValue(arch, "PROT_EXEC", 4);
                if (prot.Values.Any(v => (v & (w | x)) == (w | x))) return null;
            }
            return WxCondition;
        }
        if (name == "clone")
        {
            var values = new SortedSet<ulong>();
            bool nsSeen = false, unknown = false;
            foreach (var (arch, stats, _) in uncovered)
            {
                var flags = stats.Arg("clone_flags");
                if (flags == null || flags.Many || flags.Values.Count == 0) { unknown = true; continue; }
                ulong ns = s_namespaceFlags.Aggregate(0UL, (m, f) => m | ConstantValue(arch, f, 0));
                foreach (ulong v in flags.Values) { values.Add(v); if ((v & ns) != 0) nsSeen = true; }
            }
            if (!nsSeen) return SyscallGroups.NoNewNamespaces;
            if (unknown) return null;
            return "clone_flags in (" + string.Join(", ", values.Select(v => "0x" + v.ToString("x", CultureInfo.InvariantCulture))) + ")";
        }
        if (For(name) is not Narrowing n) return null;
        string? recorded = Values(n, uncovered);
        if (name != "socket" || recorded == null) return recorded;
        return SocketTypes(uncovered) is string types ? $"{recorded} && ({types})" : recorded;
    }

    /// <summary>
    /// The recorded socket types as a condition on type's low four bits (SOCK_NONBLOCK and SOCK_CLOEXEC sit above them),
    /// or null when a type is unknown or raw: a raw socket is for the user to allow (SECC0040 says why), not the tool.
    /// </summary>
    private static string? SocketTypes(List<(ArchInfo Arch, SyscallStats Stats, List<ulong>? Values)> uncovered)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (arch, stats, _) in uncovered)
        {
            var type = stats.Arg("type");
            if (type == null || type.Pointer || type.Many || type.Values.Count == 0) return null;
            foreach (ulong v in type.Values)
            {
                string? known = new[] { "SOCK_STREAM", "SOCK_DGRAM", "SOCK_SEQPACKET" }
                    .FirstOrDefault(t => (ConstantValue(arch, t, -1) & 0xf) == (v & 0xf));
                if (known == null) return null;
                names.Add(known);
            }
        }
        return string.Join(" || ", names.Select(t => $"(type & 0xf) == {t}"));
    }

    /// <summary>The recorded values of the narrowed argument, as <c>NAME in (A, B)</c>, or null.</summary>
    private static string? Values(Narrowing n, List<(ArchInfo Arch, SyscallStats Stats, List<ulong>? Values)> uncovered)
    {
        var names = new List<string>();
        foreach (var (arch, stats, vals) in uncovered)
        {
            if (vals == null || vals.Count == 0) return null; // many, unknown (audit) or none left: no narrowing
            foreach (ulong v in vals)
            {
                string text = n.ValueText(arch, v);
                if (!names.Contains(text)) names.Add(text);
            }
        }
        return names.Count == 0 ? null : $"{n.ConditionName} in ({string.Join(", ", names)})";
    }

    /// <summary>A constant's value on the architecture, or <paramref name="fallback"/> where its table lacks the name.</summary>
    public static ulong ConstantValue(ArchInfo arch, string name, long fallback) =>
        unchecked((ulong)(Constants.TryGet(arch.Arch, name, out long v) ? v : fallback));

    /// <summary>The constant naming <paramref name="value"/> in the argument's families, or the number.</summary>
    public string ValueText(ArchInfo arch, ulong value) => ArgumentNames.NarrowedText(arch, ArgumentNames.NarrowedArgument(Syscall)!, value);

    /// <summary>Decimal below 0x10000, hex above (flags, requests).</summary>
    public static string Number(ulong v) => ArgumentNames.Number(v);
}

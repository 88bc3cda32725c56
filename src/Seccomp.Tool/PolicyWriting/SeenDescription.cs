// The comment `dotnet-seccomp policy` writes above each rule: how often the call was seen, in how many processes, and
// a few of its argument values decoded into the constants' names, so that a reviewer can judge the rule.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Seccomp.Compiler;
using Seccomp.Compiler.Tables;

namespace Seccomp.Tool;

internal static class SeenDescription
{
    /// <summary>What the program was seen doing: counts and a few decoded argument values.</summary>
    public static string Of(string name, List<(ArchInfo Arch, SyscallStats Stats)> seen)
    {
        long count = seen.Sum(s => s.Stats.Count);
        long procs = seen.Sum(s => s.Stats.Processes);
        var sb = new StringBuilder();
        sb.Append("seen ").Append(count).Append(count == 1 ? " time" : " times");
        if (procs > 0) sb.Append(" in ").Append(procs).Append(procs == 1 ? " process" : " processes");
        if (seen.Count > 1 || seen[0].Arch.Arch != SeccompArch.X86_64)
            sb.Append(" (").Append(string.Join(", ", seen.Select(s => s.Arch.Name))).Append(')');
        var (arch, stats) = seen[0];
        if (stats.Args == null)
        {
            if (seen.All(s => s.Stats.Args == null)) sb.Append("; arguments not recorded");
            return sb.ToString();
        }
        var parts = new List<string>();
        foreach (var a in stats.Args)
        {
            if (a.Pointer) continue;
            if (a.Many) { parts.Add($"{a.Name} many values"); continue; }
            if (a.Values.Count == 0) continue;
            var shown = a.Values.Take(4).Select(v => Decode(arch, name, a.Name, v));
            parts.Add($"{a.Name} {string.Join(", ", shown)}{(a.Values.Count > 4 ? $" (+{a.Values.Count - 4} more)" : "")}");
            if (parts.Count == 3) break;
        }
        if (parts.Count > 0) sb.Append(": ").Append(string.Join("; ", parts));
        return sb.ToString();
    }

    private static string Decode(ArchInfo arch, string syscall, string param, ulong v)
    {
        if (Narrowing.For(syscall) is { } n && n.Param == param) return n.ValueText(arch, v);
        if (param == "prot") return Flags(arch, "PROT_", v);
        if (param == "clone_flags") return Flags(arch, "CLONE_", v);
        if (syscall is "socket" or "socketpair" && param == "type")
        {
            ulong cloexec = Narrowing.ConstantValue(arch, "SOCK_CLOEXEC", 0x80000), nonblock = Narrowing.ConstantValue(arch, "SOCK_NONBLOCK", 0x800);
            string baseName = new Narrowing(param, param, Array.Empty<string>(), new[] { "SOCK_" }).ValueText(arch, v & ~(cloexec | nonblock));
            return baseName + ((v & cloexec) != 0 ? "|SOCK_CLOEXEC" : "") + ((v & nonblock) != 0 ? "|SOCK_NONBLOCK" : "");
        }
        return Narrowing.Number(v);
    }

    private static string Flags(ArchInfo arch, string prefix, ulong v)
    {
        if (v == 0) return prefix == "PROT_" ? "PROT_NONE" : "0";
        var names = new List<string>();
        ulong rest = v;
        foreach (var c in Constants.Names(arch.Arch).Where(c => c.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(c => c, StringComparer.Ordinal))
        {
            if (!Constants.TryGet(arch.Arch, c, out long cv) || cv <= 0) continue;
            ulong bit = (ulong)cv;
            if ((bit & (bit - 1)) != 0) continue; // single bits only
            if ((rest & bit) != 0) { names.Add(c); rest &= ~bit; }
        }
        if (rest != 0) names.Add("0x" + rest.ToString("x", CultureInfo.InvariantCulture));
        return string.Join("|", names);
    }
}

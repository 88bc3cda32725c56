// The comment `dotnet-seccomp policy` writes above each rule: how often the call was seen, in how many processes, and
// which programs made it, and a few of its argument values in the condition language's names (ArgumentNames, shared with in-process reports), so that a reviewer can judge the rule.

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Tool;

internal static class SeenDescription
{
    /// <summary>What the program was seen doing: counts and a few decoded argument values.</summary>
    public static string Of(string name, List<(ArchInfo Arch, SyscallStats Stats)> seen, IReadOnlyDictionary<string, bool> executables)
    {
        long count = seen.Sum(s => s.Stats.Count);
        long procs = seen.Sum(s => s.Stats.Processes);
        var sb = new StringBuilder();
        sb.Append("seen ").Append(count).Append(count == 1 ? " time" : " times");
        if (procs > 0) sb.Append(" in ").Append(procs).Append(procs == 1 ? " process" : " processes");
        if (seen.Count > 1 || seen[0].Arch.Arch != SeccompArch.X86_64)
            sb.Append(" (").Append(string.Join(", ", seen.Select(s => s.Arch.Name))).Append(')');
        sb.Append(Programs(seen.Select(s => s.Stats), executables));
        var (arch, stats) = seen[0];
        if (stats.Args == null)
        {
            if (seen.All(s => s.Stats.Args == null)) sb.Append("; arguments not recorded");
            return sb.ToString();
        }
        var parts = new List<string>();
        var levels = stats.Arg("level") is { Many: false, Pointer: false } level ? level.Values : null;
        foreach (var a in stats.Args)
        {
            if (a.Pointer) continue;
            if (a.Many) { parts.Add($"{a.Name} many values"); continue; }
            if (a.Values.Count == 0) continue;
            var shown = a.Values.Take(4).Select(v => ArgumentNames.Of(arch, name, a.Name, v, levels));
            parts.Add($"{a.Name} {string.Join(", ", shown)}{(a.Values.Count > 4 ? $" (+{a.Values.Count - 4} more)" : "")}"
                + ArgumentNames.OptnamesAtSolSocket(arch, name, a.Name, a.Values.Take(4), levels));
            if (parts.Count == 3) break;
        }
        if (parts.Count > 0) sb.Append(": ").Append(string.Join("; ", parts));
        return sb.ToString();
    }

    /// <summary>
    /// Which programs made the call (" by /usr/share/dotnet/dotnet"), each that is not a .NET program marked so, and,
    /// when none of them is, that the call is a child program's and not the app's own, so that /bin/ls's connect is not
    /// read as the app's. Empty when the recording does not say (audit lines, reports, recordings before executables).
    /// </summary>
    public static string Programs(IEnumerable<SyscallStats> seen, IReadOnlyDictionary<string, bool> executables)
    {
        var paths = seen.SelectMany(s => s.Executables).Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToList();
        if (paths.Count == 0) return "";
        bool IsDotnet(string p) => executables.TryGetValue(p, out bool dotnet) && dotnet;
        string more = paths.Count > MaxPrograms ? $" (+{paths.Count - MaxPrograms} more)" : "";
        if (!paths.Any(IsDotnet))
            return $" by {string.Join(", ", paths.Take(MaxPrograms))}{more} only (not .NET: a child program's call, not the app's)";
        return " by " + string.Join(", ", paths.Take(MaxPrograms).Select(p => IsDotnet(p) ? p : p + " (not .NET)")) + more;
    }

    private const int MaxPrograms = 3;
}

// `dotnet-seccomp policy`: a C# policy class from recordings. Every rule it writes is checked with the product's
// compiler (PolicyCompiler.Compile): a rule that the compiler says anything about is written as a comment instead.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Seccomp.Compiler;
using Seccomp.Compiler.Analysis;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;
using Seccomp.Compiler.Tables;

namespace Seccomp.Tool;

internal sealed class PolicyOptions
{
    public required string Namespace { get; init; }
    public required string ClassName { get; init; }
    public required string Output { get; init; }
    public SeccompAction DefaultAction { get; init; } = SeccompAction.Errno;
}

/// <summary>A rule the generator proposes, or a comment where it cannot propose one.</summary>
internal sealed class ProposedRule
{
    public required string Syscall { get; init; }
    public string? When { get; set; }
    public required string Seen { get; init; }

    /// <summary>Why the rule is written as a comment only (null: it is written as an attribute).</summary>
    public string? Skipped { get; set; }

    public string Attribute => When == null
        ? $"[Allow({SourceText.Literal(Syscall)})]"
        : $"[Allow({SourceText.Literal(Syscall)}, When = {SourceText.Literal(When)})]";
}

internal sealed class PolicyResult
{
    public List<ProposedRule> Added { get; } = new();
    public List<ProposedRule> Skipped { get; } = new();
    public int Covered { get; set; }
    public int AlreadyListed { get; set; }
    public List<string> Remaining { get; } = new();
    public PolicyModel? Model { get; set; }
    public string Text { get; set; } = "";
    public bool Updated { get; set; }

    /// <summary>The recorded commands and process command lines the rules come from (free text: escaped when written).</summary>
    public IReadOnlyList<string> Commands { get; set; } = Array.Empty<string>();
    public IReadOnlyList<string> Processes { get; set; } = Array.Empty<string>();
}

internal static class PolicyGenerator
{
    public const string RuntimeGroup = "@dotnet-runtime";

    /// <summary>How to narrow one argument of a call: the name the condition uses and the constant families that name its values.</summary>
    private sealed record Narrowing(string Param, string ConditionName, string[] Preferred, string[] Prefixes);

    private static readonly Dictionary<string, Narrowing> s_narrowings = new(StringComparer.Ordinal)
    {
        ["socket"] = new("family", "domain", new[] { "AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET" }, new[] { "AF_" }),
        ["socketpair"] = new("family", "domain", new[] { "AF_UNIX" }, new[] { "AF_" }),
        ["ioctl"] = new("cmd", "cmd", Array.Empty<string>(), new[] { "TC", "TIOC", "FIO", "FIONBIO" }),
        ["prctl"] = new("option", "option", new[] { "PR_SET_", "PR_GET_" }, new[] { "PR_" }),
        ["fcntl"] = new("cmd", "cmd", new[] { "F_GET", "F_SET", "F_DUP", "F_ADD" }, new[] { "F_" }),
        ["setsockopt"] = new("level", "level", new[] { "SOL_SOCKET", "IPPROTO_TCP", "IPPROTO_UDP", "IPPROTO_IP", "IPPROTO_IPV6", "SOL_" }, new[] { "SOL_", "IPPROTO_" }),
    };

    private const string WxCondition = "(prot & (PROT_WRITE | PROT_EXEC)) != (PROT_WRITE | PROT_EXEC)";

    private static readonly string[] s_namespaceFlags =
        { "CLONE_NEWNS", "CLONE_NEWCGROUP", "CLONE_NEWUTS", "CLONE_NEWIPC", "CLONE_NEWUSER", "CLONE_NEWPID", "CLONE_NEWNET" };

    public static PolicyResult Generate(Recording recording, PolicyOptions options)
    {
        var result = new PolicyResult { Commands = recording.MergedCommands, Processes = recording.MergedProcesses };
        ExistingPolicy? existing = null;
        if (File.Exists(options.Output))
        {
            existing = ExistingPolicy.Read(options.Output, options.ClassName)
                ?? throw new FormatException($"{options.Output} exists and declares no class {options.ClassName}; not overwriting it (choose another -o)");
        }

        var recordedArchs = ArchInfo.All.Where(a => recording.Architectures.TryGetValue(a.Name, out var c) && c.Count > 0).Select(a => a.Arch).ToList();
        if (recordedArchs.Count == 0) recordedArchs.Add(Recorder.RunningArch ?? SeccompArch.X86_64);
        var targetArchs = existing?.Architectures ?? recordedArchs;

        // What is allowed already, per architecture: the existing class, or for a new file the runtime group. A call
        // allowed for every recorded value needs no rule.
        var groupPrograms = new Dictionary<SeccompArch, ResolvedPolicy>();
        var groupOnly = new List<RuleModel> { new(0, Verdict.Allow, EquatableArray.From(new[] { RuntimeGroup }), null) };
        foreach (var arch in recordedArchs)
        {
            PolicyCompilation? g = null;
            if (existing != null)
            {
                g = PolicyCompiler.Compile(new PolicyModel(existing.DefaultAction, Verdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
                    EquatableArray.From(new[] { arch }), EquatableArray.From(existing.Rules)));
                if (g.HasErrors) g = null;
            }
            g ??= PolicyCompiler.Compile(new PolicyModel(Verdict.Errno(1), Verdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
                EquatableArray.From(new[] { arch }), EquatableArray.From(groupOnly)));
            groupPrograms[arch] = g.Program(arch).Resolved;
        }

        var listed = existing?.ListedNames ?? new HashSet<string>(StringComparer.Ordinal);

        // Per syscall name, across architectures.
        var proposals = new SortedDictionary<string, ProposedRule>(StringComparer.Ordinal);
        var perName = new SortedDictionary<string, List<(ArchInfo Arch, SyscallStats Stats)>>(StringComparer.Ordinal);
        foreach (var arch in ArchInfo.All)
        {
            if (!recording.Architectures.TryGetValue(arch.Name, out var calls)) continue;
            foreach (var (name, stats) in calls)
            {
                if (!perName.TryGetValue(name, out var list)) perName[name] = list = new();
                list.Add((arch, stats));
            }
        }

        foreach (var (name, seen) in perName)
        {
            string seenText = Describe(name, seen);
            if (name.StartsWith("nr_", StringComparison.Ordinal) || name.StartsWith("x32:", StringComparison.Ordinal))
            {
                result.Skipped.Add(new ProposedRule { Syscall = name, Seen = seenText, Skipped = "a number no syscall table of this release names; a policy cannot name it" });
                continue;
            }
            if (listed.Contains(name)) { result.AlreadyListed++; continue; }

            // Which recorded values the group does not already allow.
            bool covered = true;
            var uncovered = new List<(ArchInfo Arch, SyscallStats Stats, List<ulong>? Values)>();
            foreach (var (arch, stats) in seen)
            {
                var narrowing = s_narrowings.GetValueOrDefault(name);
                if (!groupPrograms.TryGetValue(arch.Arch, out var group)) continue;
                var (isCovered, values) = Coverage(group, arch, stats, narrowing?.Param);
                if (!isCovered) { covered = false; uncovered.Add((arch, stats, values)); }
            }
            if (covered) { result.Covered++; continue; }

            proposals[name] = new ProposedRule { Syscall = name, Seen = seenText, When = Narrow(name, uncovered) };
        }

        // Check the whole policy with the product's compiler; write whatever it objects to as a comment.
        var defaultVerdict = existing?.DefaultAction ?? DefaultVerdict(options.DefaultAction);
        var active = proposals.Values.ToList();
        var baseRules = existing?.Rules ?? new List<RuleModel>();
        bool addGroup = existing == null; // an existing class that leaves the group out does so on purpose
        for (int round = 0; round < 64; round++)
        {
            var rules = new List<RuleModel>(baseRules);
            int groupIndex = -1;
            if (addGroup) { groupIndex = rules.Count; rules.Add(new RuleModel(rules.Count, Verdict.Allow, EquatableArray.From(new[] { RuntimeGroup }), null)); }
            int first = rules.Count;
            foreach (var p in active)
                rules.Add(new RuleModel(rules.Count, Verdict.Allow, EquatableArray.From(new[] { p.Syscall }), p.When));
            var model = new PolicyModel(defaultVerdict, Verdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
                EquatableArray.From(targetArchs), EquatableArray.From(rules));
            var compilation = PolicyCompiler.Compile(model);
            result.Model = model;
            var onNew = compilation.Diagnostics.Where(d => d.Location.RuleIndex >= first).ToList();
            var onGroup = compilation.Diagnostics.Where(d => groupIndex >= 0 && d.Location.RuleIndex == groupIndex).ToList();
            if (onNew.Count == 0 && onGroup.Count == 0)
            {
                result.Remaining.AddRange(compilation.Diagnostics.Select(d => d.ToString()));
                break;
            }
            foreach (var d in onNew)
            {
                var p = active[d.Location.RuleIndex - first];
                if (p.Skipped != null) continue;
                if (p.When != null && d.Id != DiagnosticIds.DangerousAllowance && d.Id != DiagnosticIds.RuleSameAsDefault)
                {
                    // A narrowing the compiler does not accept: fall back to the plain rule once.
                    p.Skipped = "";
                    p.When = null;
                    continue;
                }
                p.Skipped = d.ToString();
            }
            foreach (var p in active.Where(p => p.Skipped == "")) p.Skipped = null;
            foreach (var p in active.Where(p => p.Skipped != null).ToList())
            {
                active.Remove(p);
                result.Skipped.Add(p);
            }
            if (onGroup.Count > 0)
            {
                addGroup = false;
                result.Skipped.Insert(0, new ProposedRule { Syscall = RuntimeGroup, Seen = "the .NET runtime's own calls", Skipped = string.Join("; ", onGroup) });
            }
        }
        result.Added.AddRange(active);

        result.Text = existing == null
            ? WriteNew(options, targetArchs, addGroup, result)
            : existing.Insert(addGroup, result);
        result.Updated = existing != null;
        return result;
    }

    /// <summary>
    /// The product compiler's diagnostics for the policy class as written in <paramref name="path"/>: its attributes
    /// read back from the C# text, so what is checked is the file, not the generator's intent.
    /// </summary>
    public static IReadOnlyList<string> CheckFile(string path, string className)
    {
        var p = ExistingPolicy.Read(path, className) ?? throw new FormatException($"{path} declares no policy class {className}");
        var model = new PolicyModel(p.DefaultAction, Verdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(p.Architectures), EquatableArray.From(p.Rules));
        return PolicyCompiler.Compile(model).Diagnostics.Select(d => d.ToString()).ToList();
    }

    /// <summary>
    /// One line per rule written whose call the analyzers hold dangerous (the compiler core's SECC0040 list,
    /// SandboxFacts.Dangerous), with the rule's condition and the analyzers' reason. The compiler stops most of them
    /// from being written, but not all: a condition that excludes the dangerous arguments (clone without
    /// CLONE_NEWUSER), or a default action that lets everything run anyway (--default log), passes its check.
    /// </summary>
    public static IEnumerable<string> DangerousAllowed(PolicyResult r)
    {
        foreach (var p in r.Added)
        {
            var call = SandboxFacts.Dangerous.FirstOrDefault(d => d.Syscall == p.Syscall);
            if (call == null) continue;
            string when = p.When == null ? "" : $" when {p.When}";
            string what = call.What == null ? "" : " " + call.What;
            yield return SourceText.Escape($"allows {p.Syscall}{when} (dangerous{what}: {call.Reason}; review)");
        }
    }

    public static Verdict DefaultVerdict(SeccompAction action) => action switch
    {
        SeccompAction.Errno => Verdict.Errno(1),
        _ => Verdict.Of(action, 0),
    };

    // ---- coverage ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// Whether the group allows every recorded call of <paramref name="stats"/>, and the values of
    /// <paramref name="narrowParam"/> that it does not allow (null when they cannot be told apart).
    /// </summary>
    private static (bool Covered, List<ulong>? Values) Coverage(ResolvedPolicy group, ArchInfo arch, SyscallStats stats, string? narrowParam)
    {
        var narrowArg = narrowParam == null ? null : stats.Arg(narrowParam);
        List<ulong>? narrowValues = narrowArg is { Pointer: false, Many: false } && narrowArg.Values.Count > 0 ? narrowArg.Values.ToList() : null;
        if (stats.Nr is not int nr) return (false, narrowValues);
        var rules = group.RulesFor(nr);
        if (rules.Count == 0) return (false, narrowValues);

        var read = new SortedSet<int>();
        foreach (var r in rules) if (r.Condition != null) CollectArgs(r.Condition, read);
        var parameters = Recording.ParametersOf(stats.Name, arch.Arch);
        if (read.Count == 0)
            return (Evaluate(group, arch, nr, new ulong[6]).Kind == SeccompAction.Allow, narrowValues);

        // Values of every argument the group's conditions read; unknown ones make the call uncovered.
        var sets = new List<(int Arg, ulong[] Values)>();
        foreach (int i in read)
        {
            var a = stats.Args != null && i < parameters.Count ? stats.Arg(parameters[i].Name) : null;
            if (a == null || a.Pointer || a.Many || a.Values.Count == 0) return (false, narrowValues);
            sets.Add((i, a.Values.ToArray()));
        }
        long combos = sets.Aggregate(1L, (n, s) => n * s.Values.Length);
        if (combos > 4096) return (false, narrowValues);
        bool all = true;
        foreach (var v in Product(sets))
            if (Evaluate(group, arch, nr, v).Kind != SeccompAction.Allow) { all = false; break; }
        if (all) return (true, null);

        // The narrowed argument's values the group does not allow, when the group reads only that argument.
        if (narrowValues != null && narrowArg != null && read.Count == 1)
        {
            int idx = parameters.ToList().FindIndex(p => p.Name == narrowArg.Name);
            if (idx == read.Min)
                narrowValues = narrowValues.Where(val =>
                {
                    var args = new ulong[6];
                    args[idx] = val;
                    return Evaluate(group, arch, nr, args).Kind != SeccompAction.Allow;
                }).ToList();
        }
        return (false, narrowValues);
    }

    private static Verdict Evaluate(ResolvedPolicy p, ArchInfo arch, int nr, ulong[] args) =>
        ReferenceEvaluator.Evaluate(p, arch.AuditArch, (uint)nr, args);

    private static IEnumerable<ulong[]> Product(List<(int Arg, ulong[] Values)> sets)
    {
        var idx = new int[sets.Count];
        while (true)
        {
            var v = new ulong[6];
            for (int k = 0; k < sets.Count; k++) v[sets[k].Arg] = sets[k].Values[idx[k]];
            yield return v;
            int j = 0;
            while (j < sets.Count && ++idx[j] == sets[j].Values.Length) { idx[j] = 0; j++; }
            if (j == sets.Count) yield break;
        }
    }

    private static void CollectArgs(Condition c, ISet<int> into)
    {
        switch (c)
        {
            case AndCondition a: CollectArgs(a.Left, into); CollectArgs(a.Right, into); break;
            case OrCondition o: CollectArgs(o.Left, into); CollectArgs(o.Right, into); break;
            case NotCondition n: CollectArgs(n.Operand, into); break;
            case CompareCondition cmp: into.Add(cmp.Arg); break;
        }
    }

    // ---- narrowing --------------------------------------------------------------------------------------------------

    private static string? Narrow(string name, List<(ArchInfo Arch, SyscallStats Stats, List<ulong>? Values)> uncovered)
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
        if (!s_narrowings.TryGetValue(name, out var n)) return null;
        var names = new List<string>();
        foreach (var (arch, stats, vals) in uncovered)
        {
            if (vals == null || vals.Count == 0) return null; // many, unknown (audit) or none left: no narrowing
            foreach (ulong v in vals)
            {
                string text = ValueText(arch, n, v);
                if (!names.Contains(text)) names.Add(text);
            }
        }
        return names.Count == 0 ? null : $"{n.ConditionName} in ({string.Join(", ", names)})";
    }

    private static ulong ConstantValue(ArchInfo arch, string name, long fallback) =>
        unchecked((ulong)(Constants.TryGet(arch.Arch, name, out long v) ? v : fallback));

    /// <summary>The constant naming <paramref name="value"/> in the argument's families, or the number.</summary>
    private static string ValueText(ArchInfo arch, Narrowing n, ulong value)
    {
        var candidates = Constants.Names(arch.Arch)
            .Where(c => n.Prefixes.Any(p => c.StartsWith(p, StringComparison.Ordinal)) || n.Preferred.Any(p => c.StartsWith(p, StringComparison.Ordinal)))
            .Where(c => Constants.TryGet(arch.Arch, c, out long v) && unchecked((ulong)v) == value)
            .OrderBy(c => c, StringComparer.Ordinal)
            .ToList();
        // Preferred names in order: an exact name, or a prefix that names the value once.
        foreach (string p in n.Preferred)
        {
            var m = candidates.Where(c => c == p || (p.EndsWith("_", StringComparison.Ordinal) && c.StartsWith(p, StringComparison.Ordinal))).ToList();
            if (m.Count == 1) return m[0];
        }
        if (candidates.Count == 1) return candidates[0];
        return Number(value);
    }

    /// <summary>Decimal below 0x10000, hex above (flags, requests).</summary>
    private static string Number(ulong v) =>
        v < 0x10000 ? v.ToString(CultureInfo.InvariantCulture) : "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>What the program was seen doing: counts and a few decoded argument values.</summary>
    private static string Describe(string name, List<(ArchInfo Arch, SyscallStats Stats)> seen)
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
        if (s_narrowings.TryGetValue(syscall, out var n) && n.Param == param) return ValueText(arch, n, v);
        if (param == "prot") return Flags(arch, "PROT_", v);
        if (param == "clone_flags") return Flags(arch, "CLONE_", v);
        if (syscall is "socket" or "socketpair" && param == "type")
        {
            ulong cloexec = ConstantValue(arch, "SOCK_CLOEXEC", 0x80000), nonblock = ConstantValue(arch, "SOCK_NONBLOCK", 0x800);
            string baseName = ValueText(arch, new Narrowing(param, param, Array.Empty<string>(), new[] { "SOCK_" }), v & ~(cloexec | nonblock));
            return baseName + ((v & cloexec) != 0 ? "|SOCK_CLOEXEC" : "") + ((v & nonblock) != 0 ? "|SOCK_NONBLOCK" : "");
        }
        return Number(v);
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

    // ---- output -----------------------------------------------------------------------------------------------------

    private static string WriteNew(PolicyOptions o, IReadOnlyList<SeccompArch> archs, bool addGroup, PolicyResult r)
    {
        var sb = new StringBuilder();
        sb.Append("// Generated by dotnet-seccomp policy from a recording of what the program called. Review every rule:\n");
        sb.Append("// a recording shows what the program did in that run, not everything it may need.\n");
        AppendProvenance(sb, "", r);
        sb.Append("using Seccomp;\n\n");
        sb.Append("namespace ").Append(o.Namespace).Append(";\n\n");
        string archList = string.Join(", ", archs.Select(a => "SeccompArch." + a));
        sb.Append("[SeccompPolicy(DefaultAction = SeccompAction.").Append(o.DefaultAction)
          .Append(", Architectures = new[] { ").Append(archList).Append(" })]\n");
        AppendRules(sb, "", addGroup, r);
        sb.Append("internal static partial class ").Append(o.ClassName).Append(";\n");
        return sb.ToString();
    }

    /// <summary>At most this many recorded commands and process command lines are named in the class's comments.</summary>
    private const int MaxProvenanceLines = 10;

    /// <summary>Longer command lines are cut (before escaping, so no escape is cut in half).</summary>
    private const int MaxProvenanceChars = 200;

    /// <summary>
    /// Which commands the rules come from, so a reviewer can tell the runs apart. Command lines are free text from the
    /// recordings; like every comment the tool writes, they go through SourceText.Escape.
    /// </summary>
    internal static void AppendProvenance(StringBuilder sb, string indent, PolicyResult r)
    {
        void Lines(string label, IReadOnlyList<string> items)
        {
            foreach (string item in items.Take(MaxProvenanceLines))
                SourceText.AppendComment(sb, indent, label + (item.Length > MaxProvenanceChars ? item.Substring(0, MaxProvenanceChars) + "..." : item));
            if (items.Count > MaxProvenanceLines) SourceText.AppendComment(sb, indent, $"{label}(+{items.Count - MaxProvenanceLines} more)");
        }
        Lines("recorded: ", r.Commands);
        Lines("process: ", r.Processes);
    }

    internal static void AppendRules(StringBuilder sb, string indent, bool addGroup, PolicyResult r)
    {
        if (addGroup) sb.Append(indent).Append("[Allow(").Append(SourceText.Literal(RuntimeGroup)).Append(")]\n");
        foreach (var p in r.Added)
        {
            SourceText.AppendComment(sb, indent, p.Syscall + ": " + p.Seen);
            sb.Append(indent).Append(p.Attribute).Append('\n');
        }
        foreach (var p in r.Skipped)
        {
            SourceText.AppendComment(sb, indent, "not allowed: " + p.Syscall + ": " + p.Seen);
            SourceText.AppendComment(sb, indent, "  " + p.Skipped);
        }
    }
}

/// <summary>A policy class already in the output file: the names its rules list, its rules and its settings.</summary>
internal sealed class ExistingPolicy
{
    private ExistingPolicy(string text, int insertAt, string indent)
    {
        Text = text;
        InsertAt = insertAt;
        Indent = indent;
    }

    public string Text { get; }
    public int InsertAt { get; }
    public string Indent { get; }
    public HashSet<string> ListedNames { get; } = new(StringComparer.Ordinal);
    public List<RuleModel> Rules { get; } = new();
    public Verdict DefaultAction { get; private set; } = Verdict.Errno(1);
    public List<SeccompArch> Architectures { get; private set; } = new() { SeccompArch.X86_64, SeccompArch.Aarch64, SeccompArch.Riscv64 };

    public static ExistingPolicy? Read(string path, string className)
    {
        string text = File.ReadAllText(path);
        var tree = CSharpSyntaxTree.ParseText(text);
        var cls = tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>()
            .FirstOrDefault(c => c.Identifier.ValueText == className && c.AttributeLists.SelectMany(l => l.Attributes).Any(a => Simple(a) == "SeccompPolicy"));
        if (cls == null) return null;
        var lastList = cls.AttributeLists.Last();
        // Insert after the last attribute list, at the start of the next line, with the class's indentation.
        int insertAt = lastList.Span.End;
        while (insertAt < text.Length && text[insertAt] != '\n') insertAt++;
        if (insertAt < text.Length) insertAt++;
        string indent = lastList.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Select(t => t.ToString()).LastOrDefault() ?? "";
        var p = new ExistingPolicy(text, insertAt, indent);

        foreach (var attr in cls.AttributeLists.SelectMany(l => l.Attributes))
        {
            string name = Simple(attr);
            var args = attr.ArgumentList?.Arguments ?? default;
            if (name == "SeccompPolicy")
            {
                SeccompAction? kind = null;
                int errno = 1;
                foreach (var a in args)
                {
                    string? prop = a.NameEquals?.Name.Identifier.ValueText;
                    if (prop == "DefaultAction" && EnumMember(a.Expression) is string k && Enum.TryParse<SeccompAction>(k, out var ka)) kind = ka;
                    else if (prop == "DefaultErrno" && EnumMember(a.Expression) is string e && ErrnoNames.TryGetNumber(e, out int en)) errno = en;
                    else if (prop == "Architectures")
                    {
                        var archs = a.Expression.DescendantNodesAndSelf().OfType<MemberAccessExpressionSyntax>()
                            .Select(m => Enum.TryParse<SeccompArch>(m.Name.Identifier.ValueText, out var sa) ? sa : (SeccompArch?)null)
                            .Where(x => x != null).Select(x => x!.Value).Distinct().ToList();
                        if (archs.Count > 0) p.Architectures = archs;
                    }
                }
                var dk = kind ?? SeccompAction.Errno;
                p.DefaultAction = dk == SeccompAction.Errno ? Verdict.Errno(errno) : Verdict.Of(dk, 0);
                continue;
            }
            Verdict? action = name switch
            {
                "Allow" => Verdict.Allow,
                "Deny" => Verdict.Errno(1),
                "Kill" => Verdict.KillProcess,
                "Log" => Verdict.Of(SeccompAction.Log, 0),
                "Trap" => Verdict.Of(SeccompAction.Trap, 0),
                "Trace" => Verdict.Of(SeccompAction.Trace, 0),
                "Notify" => Verdict.Of(SeccompAction.Notify, 0),
                _ => null,
            };
            if (action is not Verdict verdict) continue;
            var syscalls = new List<string>();
            string? when = null;
            foreach (var a in args)
            {
                string? prop = a.NameEquals?.Name.Identifier.ValueText;
                if (prop == null)
                {
                    if (a.Expression is LiteralExpressionSyntax lit && lit.IsKind(SyntaxKind.StringLiteralExpression))
                    {
                        syscalls.Add(lit.Token.ValueText);
                        p.ListedNames.Add(lit.Token.ValueText);
                    }
                }
                else if (prop == "When" && a.Expression is LiteralExpressionSyntax w && w.IsKind(SyntaxKind.StringLiteralExpression)) when = w.Token.ValueText;
                else if (prop == "Errno" && EnumMember(a.Expression) is string e && ErrnoNames.TryGetNumber(e, out int en)) verdict = Verdict.Errno(en);
                else if (prop == "Thread" && a.Expression.IsKind(SyntaxKind.TrueLiteralExpression)) verdict = Verdict.Of(SeccompAction.KillThread, 0);
                else if (prop == "Data" && a.Expression is LiteralExpressionSyntax d && d.Token.Value is int dv) verdict = Verdict.Of(verdict.Kind, dv);
            }
            if (syscalls.Count > 0)
                p.Rules.Add(new RuleModel(p.Rules.Count, verdict, EquatableArray.From(syscalls), when));
        }
        return p;
    }

    public string Insert(bool addGroup, PolicyResult r)
    {
        var sb = new StringBuilder();
        if (r.Added.Count > 0 || r.Skipped.Count > 0 || addGroup)
        {
            sb.Append(Indent).Append("// Added by dotnet-seccomp policy:\n");
            PolicyGenerator.AppendProvenance(sb, Indent, r);
        }
        PolicyGenerator.AppendRules(sb, Indent, addGroup, r);
        return Text.Substring(0, InsertAt) + sb + Text.Substring(InsertAt);
    }

    private static string Simple(AttributeSyntax a)
    {
        string n = a.Name switch
        {
            QualifiedNameSyntax q => q.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax aq => aq.Name.Identifier.ValueText,
            SimpleNameSyntax s => s.Identifier.ValueText,
            _ => a.Name.ToString(),
        };
        return n.EndsWith("Attribute", StringComparison.Ordinal) ? n.Substring(0, n.Length - "Attribute".Length) : n;
    }

    private static string? EnumMember(ExpressionSyntax e) => e is MemberAccessExpressionSyntax m ? m.Name.Identifier.ValueText : null;
}

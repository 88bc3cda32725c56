// `dotnet-seccomp policy`: a C# policy class from recordings. Every rule it writes is checked with the product's
// compiler (PolicyCompiler.Compile): a rule that the compiler says anything about is written as a comment instead.
// The parts: GroupCoverage (what is allowed already), Narrowing (conditions from recorded values), SeenDescription (the
// comment above each rule), PolicyText (the C# written), ExistingPolicy (the class already in the output file).

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Seccomp.Common;
using Seccomp.Compiler;
using Seccomp.Compiler.Analysis;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Tool;

internal static class PolicyGenerator
{
    public const string RuntimeGroup = "@dotnet-runtime";

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
        if (recordedArchs.Count == 0) recordedArchs.Add(HostArchitecture.Current ?? SeccompArch.X86_64);
        var targetArchs = existing?.Architectures ?? recordedArchs;

        // What is allowed already, per architecture: the existing class, or for a new file the runtime group. A call
        // allowed for every recorded value needs no rule.
        var groupPrograms = new Dictionary<SeccompArch, ResolvedPolicy>();
        var groupOnly = new List<RuleModel> { new(0, SeccompVerdict.Allow, EquatableArray.From(new[] { RuntimeGroup }), null) };
        foreach (var arch in recordedArchs)
        {
            PolicyCompilation? g = null;
            if (existing != null)
            {
                g = PolicyCompiler.Compile(new PolicyModel(existing.DefaultAction, SeccompVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
                    EquatableArray.From(new[] { arch }), EquatableArray.From(existing.Rules)));
                if (g.HasErrors) g = null;
            }
            g ??= PolicyCompiler.Compile(new PolicyModel(SeccompVerdict.Errno(1), SeccompVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
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
            string seenText = SeenDescription.Of(name, seen);
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
                var narrowing = Narrowing.For(name);
                if (!groupPrograms.TryGetValue(arch.Arch, out var group)) continue;
                var (isCovered, values) = GroupCoverage.Of(group, arch, stats, narrowing?.Param);
                if (!isCovered) { covered = false; uncovered.Add((arch, stats, values)); }
            }
            if (covered) { result.Covered++; continue; }

            proposals[name] = new ProposedRule { Syscall = name, Seen = seenText, When = Narrowing.Condition(name, uncovered) };
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
            if (addGroup) { groupIndex = rules.Count; rules.Add(new RuleModel(rules.Count, SeccompVerdict.Allow, EquatableArray.From(new[] { RuntimeGroup }), null)); }
            int first = rules.Count;
            foreach (var p in active)
                rules.Add(new RuleModel(rules.Count, SeccompVerdict.Allow, EquatableArray.From(new[] { p.Syscall }), p.When));
            var model = new PolicyModel(defaultVerdict, SeccompVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
                EquatableArray.From(targetArchs), EquatableArray.From(rules));
            var compilation = PolicyCompiler.Compile(model);
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
            ? PolicyText.WriteNew(options, targetArchs, addGroup, result)
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
        var model = new PolicyModel(p.DefaultAction, SeccompVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
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

    public static SeccompVerdict DefaultVerdict(SeccompAction action) => action switch
    {
        SeccompAction.Errno => SeccompVerdict.Errno(1),
        _ => SeccompVerdict.Of(action, 0),
    };
}

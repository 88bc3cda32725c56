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
        var targetArchs = existing?.Model.Architectures.ToList() ?? recordedArchs;

        // Per syscall name, across architectures.
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
        var listed = existing?.ListedNames ?? new HashSet<string>(StringComparer.Ordinal);
        // Calls a rule of the class denies, kills or traps by name: the user's decision, which no allow can undo (the
        // most restrictive action wins), so the tool proposes nothing for them and says how many.
        var deniedByName = new HashSet<string>(existing?.Model.Rules.Where(r => r.Action.Action != SeccompAction.Allow).SelectMany(r => r.Syscalls)
            ?? Enumerable.Empty<string>(), StringComparer.Ordinal);

        // What `record --allow-group`/`--allow` let run unrecorded: no recording shows those calls, so without these rules
        // the app dies on them. Kept with --exact too (they are not a guess from an API area), unless the class lists them.
        var recordedAllowances = recording.AllowGroups.Select(g => "@" + g).Where(g => g != RuntimeGroup)
            .Concat(recording.AllowNames).Where(a => !listed.Contains(a)).Distinct().ToList();

        // A recording shows one run's paths. Where it shows an API area in use (a trigger call not allowed yet), the
        // area's measured group is allowed whole, so that the paths around the recorded ones (a large response, a
        // child that exits) are allowed too; --exact keeps to what was recorded.
        var groups = new List<Capability>();
        // What the app's code calls (its IL), where the recording does not show the area: the second run's File.Move.
        var fromCode = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var codeOf = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!options.Exact)
            foreach (string app in options.Apps)
            {
                var calls = ApiUse.Scan(app, out var scanned);
                foreach (var (group, apis) in calls)
                {
                    if (!fromCode.TryGetValue(group, out var all)) fromCode[group] = all = new SortedSet<string>(StringComparer.Ordinal);
                    all.UnionWith(apis);
                    codeOf.TryAdd(group, Path.GetFileName(app));
                }
                foreach (string f in scanned) if (!result.Scanned.Contains(f)) result.Scanned.Add(f);
            }
        if (!options.Exact)
        {
            var before = AllowedAlready(existing, recordedArchs, recordedAllowances);
            foreach (var cap in Capability.All)
            {
                if (listed.Contains(cap.Group) || recordedAllowances.Contains(cap.Group) || !SyscallGroups.TryGet(cap.Group.Substring(1), out _)) continue;
                bool recorded = cap.Triggers.Any(t => perName.TryGetValue(t, out var seen) && Uncovered(before, t, seen).Count > 0);
                if (!recorded && fromCode.ContainsKey(cap.Group) && !groups.Contains(cap)) result.GroupsFromCode.Add(cap.Group);
                if ((recorded || fromCode.ContainsKey(cap.Group)) && !groups.Contains(cap))
                {
                    groups.Add(cap);
                    foreach (string with in cap.With ?? Array.Empty<string>())
                        if (Capability.All.FirstOrDefault(c => c.Group == with) is { } other && !groups.Contains(other) && !listed.Contains(with)
                            && !recordedAllowances.Contains(with)
                            && SyscallGroups.TryGet(with.Substring(1), out _))
                            groups.Add(other);
                }
            }
        }
        var allowedAlready = AllowedAlready(existing, recordedArchs, recordedAllowances.Concat(groups.Select(c => c.Group)));

        var proposals = new SortedDictionary<string, ProposedRule>(StringComparer.Ordinal);
        foreach (var (name, seen) in perName)
        {
            string seenText = SeenDescription.Of(name, seen, recording.Executables);
            if (name.StartsWith("nr_", StringComparison.Ordinal) || name.StartsWith("x32:", StringComparison.Ordinal))
            {
                result.Skipped.Add(new ProposedRule { Syscall = name, Seen = seenText, Skipped = "a number no syscall table of this release names; a policy cannot name it" });
                continue;
            }

            // Decided by evaluation, not by name: a call the class lists under a condition its recorded values do
            // not meet still needs a rule (its condition widened), or the rebuilt app dies on the same call.
            var uncovered = Uncovered(allowedAlready, name, seen);
            if (uncovered.Count == 0) { result.Covered++; continue; }
            if (deniedByName.Contains(name)) { result.DeniedOnPurpose.Add(name); continue; }
            if (listed.Contains(name))
            {
                if (uncovered.Any(u => u.Stats.Args == null))
                {
                    // An audit line has no arguments: the condition cannot be checked, so the rule allows every use.
                    result.Reviews.Add($"{name} was recorded without arguments (an audit log), and the class allows it only under a condition: "
                        + $"the rule added for it allows every use; narrow it or remove it");
                    seenText = "REVIEW: recorded without arguments; the class allows it only under a condition. " + seenText;
                }
                else seenText = "values the class's rule does not allow: " + seenText;
            }
            proposals[name] = new ProposedRule { Syscall = name, Seen = seenText, When = Narrowing.Condition(name, uncovered) };
        }
        result.AllowedWhileRecording.UnionWith(recordedAllowances);
        foreach (string a in recordedAllowances)
            result.Groups.Add((a, a.StartsWith('@')
                ? $"{a}: allowed while recording (record --allow-group {a.Substring(1)}): its calls ran unrecorded, so no recording shows them"
                : $"{a}: allowed while recording (record --allow {a}): it ran unrecorded, so no recording shows it"));
        foreach (var cap in groups)
            result.Groups.Add((cap.Group, GroupComment(cap, perName.Keys,
                fromCode.TryGetValue(cap.Group, out var apis) ? $"{string.Join(", ", apis.Take(6))}{(apis.Count > 6 ? ", ..." : "")} ({codeOf[cap.Group]})" : null)));

        // Check the whole policy with the product's compiler; write whatever it objects to as a comment.
        var defaultVerdict = existing?.Model.DefaultAction ?? DefaultVerdict(options.DefaultAction);
        var active = proposals.Values.ToList();
        var baseRules = existing?.Model.Rules.ToList() ?? new List<RuleModel>();
        bool addGroup = existing == null; // an existing class that leaves the group out does so on purpose
        for (int round = 0; round < 64; round++)
        {
            var rules = new List<RuleModel>(baseRules);
            int groupIndex = -1;
            if (addGroup) { groupIndex = rules.Count; rules.Add(new RuleModel(rules.Count, SeccompVerdict.Allow, EquatableArray.From(new[] { RuntimeGroup }), null)); }
            int firstCapability = rules.Count;
            foreach (var (group, _) in result.Groups) rules.Add(new RuleModel(rules.Count, SeccompVerdict.Allow, EquatableArray.From(new[] { group }), null));
            int first = rules.Count;
            foreach (var p in active)
                rules.Add(new RuleModel(rules.Count, SeccompVerdict.Allow, EquatableArray.From(new[] { p.Syscall }), p.When));
            // An existing class keeps every setting it declares; a new one has the attribute's defaults but the default action.
            var model = existing != null
                ? existing.Model with { Architectures = EquatableArray.From(targetArchs), Rules = EquatableArray.From(rules) }
                : new PolicyModel(defaultVerdict, SeccompVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
                    EquatableArray.From(targetArchs), EquatableArray.From(rules));
            var compilation = PolicyCompiler.Compile(model);
            // Notes (SECC0044: a call that starts programs, to review) do not keep a rule out: ReviewNotes lists them.
            var findings = compilation.Diagnostics.Where(d => d.Info.Level != DiagnosticLevel.Info).ToList();
            var onNew = findings.Where(d => d.Location.RuleIndex >= first).ToList();
            var onGroup = findings.Where(d => groupIndex >= 0 && d.Location.RuleIndex == groupIndex).ToList();
            var onCapabilities = findings.Where(d => d.Location.RuleIndex >= firstCapability && d.Location.RuleIndex < first).ToList();
            foreach (var d in onCapabilities.GroupBy(d => d.Location.RuleIndex).OrderByDescending(g => g.Key))
            {
                var (group, _) = result.Groups[d.Key - firstCapability];
                result.Groups.RemoveAt(d.Key - firstCapability);
                string seen = recordedAllowances.Contains(group) ? "allowed while recording" : "a capability group the recording shows in use";
                result.Skipped.Add(new ProposedRule { Syscall = group, Seen = seen, Skipped = string.Join("; ", d) });
            }
            if (onCapabilities.Count > 0) continue;
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
        result.Widened = active.Count(p => listed.Contains(p.Syscall));

        result.Text = existing == null
            ? PolicyText.WriteNew(options, targetArchs, addGroup, result)
            : existing.Insert(addGroup, result);
        result.Updated = existing != null;
        return result;
    }

    /// <summary>
    /// What is allowed already, per recorded architecture: the existing class's rules (or, for a new file, the runtime
    /// group), plus what ran unrecorded while recording and the capability groups chosen so far.
    /// </summary>
    private static Dictionary<SeccompArch, ResolvedPolicy> AllowedAlready(ExistingPolicy? existing, List<SeccompArch> archs, IEnumerable<string> groups)
    {
        var programs = new Dictionary<SeccompArch, ResolvedPolicy>();
        var extra = groups.ToList();
        foreach (var arch in archs)
        {
            PolicyCompilation? g = null;
            // The class as the build compiles it (every setting as declared), plus the groups chosen so far.
            if (existing != null)
                g = Compile(existing.Model, arch, extra);
            if (g == null || g.HasErrors)
                g = Compile(new PolicyModel(SeccompVerdict.Errno(1), SeccompVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
                    EquatableArray.From(new[] { arch }), EquatableArray.From(new List<RuleModel>())), arch, extra.Prepend(RuntimeGroup));
            programs[arch] = g.Program(arch).Resolved;
        }
        return programs;
    }

    private static PolicyCompilation Compile(PolicyModel model, SeccompArch arch, IEnumerable<string> groups)
    {
        var all = model.Rules.ToList();
        foreach (string group in groups) all.Add(new RuleModel(all.Count, SeccompVerdict.Allow, EquatableArray.From(new[] { group }), null));
        return PolicyCompiler.Compile(model with { Architectures = EquatableArray.From(new[] { arch }), Rules = EquatableArray.From(all) });
    }

    /// <summary>The recordings of <paramref name="name"/> that some recorded value of which the policy does not allow yet.</summary>
    private static List<(ArchInfo Arch, SyscallStats Stats, List<ulong>? Values)> Uncovered(
        Dictionary<SeccompArch, ResolvedPolicy> allowed, string name, List<(ArchInfo Arch, SyscallStats Stats)> seen)
    {
        var uncovered = new List<(ArchInfo Arch, SyscallStats Stats, List<ulong>? Values)>();
        foreach (var (arch, stats) in seen)
        {
            if (!allowed.TryGetValue(arch.Arch, out var policy)) continue;
            var (isCovered, values) = GroupCoverage.Of(policy, arch, stats, Narrowing.For(name)?.Param);
            if (!isCovered) uncovered.Add((arch, stats, values));
        }
        return uncovered;
    }

    /// <summary>Why a capability group is in the class: the recorded calls that are its members, and what it adds beyond them.</summary>
    private static string GroupComment(Capability cap, IEnumerable<string> recorded, string? calledBy)
    {
        var members = MemberNames(cap.Group);
        var runtime = MemberNames(RuntimeGroup);
        var seen = recorded.Where(members.Contains).ToList();
        var adds = members.Where(m => !seen.Contains(m) && !runtime.Contains(m)).OrderBy(m => m, StringComparer.Ordinal).ToList();
        string recordedText = seen.Count == 0
            ? calledBy != null ? "none of its calls" : "none of its calls (it comes with a group that uses it)"
            : string.Join(", ", seen);
        return $"{cap.Group}: {cap.Area}. Recorded: {recordedText}."
            + (calledBy != null ? $" The app's code calls: {calledBy}." : "")
            + $" The group adds: {(adds.Count == 0 ? "nothing else" : string.Join(", ", adds))} "
            + "(paths this recording did not take; --exact leaves the group out)";
    }

    private static HashSet<string> MemberNames(string group) =>
        SyscallGroups.TryGet(group.Substring(1), out var members)
            ? new HashSet<string>(members.Select(m => m.Name), StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The product compiler's diagnostics for the policy class as written in <paramref name="path"/>: its attributes
    /// read back from the C# text, so what is checked is the file, not the generator's intent.
    /// </summary>
    public static IReadOnlyList<string> CheckFile(string path, string className)
    {
        var p = ExistingPolicy.Read(path, className) ?? throw new FormatException($"{path} declares no policy class {className}");
        return PolicyCompiler.Compile(p.Model).Diagnostics.Select(d => d.ToString()).ToList();
    }

    /// <summary>
    /// One line per rule written whose call the analyzers hold dangerous (the compiler core's SECC0040 list,
    /// SandboxFacts.Dangerous), with the rule's condition and the analyzers' reason. The compiler stops most of them
    /// from being written, but not all: a condition that excludes the dangerous arguments (clone without
    /// CLONE_NEWUSER), or a default action that lets everything run anyway (--default log), passes its check.
    /// </summary>
    public static IEnumerable<string> DangerousAllowed(PolicyResult r) =>
        Listed(r, SandboxFacts.Dangerous).Select(x => SourceText.Escape(
            $"allows {x.Rule.Syscall}{x.When} (dangerous{(x.Call.What == null ? "" : " " + x.Call.What)}: {x.Call.Reason}; review)"));

    /// <summary>One line per rule written for a call that starts programs or processes (SandboxFacts.Review, SECC0044).</summary>
    public static IEnumerable<string> ReviewNotes(PolicyResult r) =>
        Listed(r, SandboxFacts.Review).Select(x => SourceText.Escape($"allows {x.Rule.Syscall}{x.When}: {x.Call.Reason}; review that the program needs it"));

    /// <summary>The rules written whose call is on <paramref name="calls"/>, with their condition as text (" when ...").</summary>
    private static IEnumerable<(ProposedRule Rule, DangerousCall Call, string When)> Listed(PolicyResult r, IReadOnlyList<DangerousCall> calls) =>
        from p in r.Added
        let call = calls.FirstOrDefault(d => d.Syscall == p.Syscall)
        where call != null
        select (p, call, p.When == null ? "" : $" when {p.When}");

    public static SeccompVerdict DefaultVerdict(SeccompAction action) => action switch
    {
        SeccompAction.Errno => SeccompVerdict.Errno(1),
        _ => SeccompVerdict.Of(action, 0),
    };
}

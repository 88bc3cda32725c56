using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;
using Seccomp.Compiler.Tables;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// A denial that an equivalent call gets around, on one architecture: every call of <c>Pair.Denied</c> gets a
    /// denying action, while the calls of <c>Pair.Equivalent</c> that do the same (<c>Pair.When</c>) include some that
    /// get <see cref="Allowed"/> (ALLOW or LOG), <see cref="Example"/> among them. <see cref="RuleIndex"/> is the rule that
    /// denies (-1: the default action), <see cref="NameIndex"/> the name in it that covers the denied call.
    /// </summary>
    internal sealed record EquivalentBypass(ArchInfo Arch, EquivalentCall Pair, int RuleIndex, int NameIndex, SeccompVerdict Denial, SeccompVerdict Allowed, ulong[] Example,
        string ExampleText);

    /// <summary>
    /// SECC0043: a call denied while a call that does the same stays allowed (<see cref="EquivalentSyscalls"/>, from
    /// data/equivalent-syscalls.tsv). Decided on the resolved policy of each architecture (<see cref="PolicyResolver"/>)
    /// with exact argument sets, as the reference evaluator would answer: a pair counts when every argument vector of the
    /// denied call gets a denying action and some vector of the equivalent that matches the pair's condition gets ALLOW
    /// or LOG. A call denied for some arguments only is not compared: its condition speaks of its own arguments, which
    /// the equivalent's do not match one for one. Pairs whose calls an architecture lacks are skipped there (x86_64 has
    /// rmdir; aarch64 and riscv64 have only unlinkat). Only a rule is a statement: what a denying default denies is
    /// not reported.
    /// </summary>
    internal static class EquivalentCallAnalysis
    {
        public static List<PolicyDiagnostic> Analyze(PolicyModel policy, ConditionBindings bindings, CancellationToken ct, int maxNodes) =>
            Report(policy, Find(policy, bindings, ct, maxNodes));

        /// <summary>Every bypass on every target architecture, in table order within each architecture.</summary>
        public static List<EquivalentBypass> Find(PolicyModel policy, ConditionBindings bindings, CancellationToken ct, int maxNodes = PolicyAnalysis.DefaultMaxNodes)
        {
            var found = new List<EquivalentBypass>();
            foreach (var target in policy.Architectures.Distinct())
            {
                var arch = ArchInfo.Get(target);
                var resolved = PolicyResolver.Resolve(policy, target, bindings);
                var sets = new ArgumentSets(maxNodes);
                // Each rule's argument set, built once per call and only for the calls of the table.
                var ruleSets = new Dictionary<int, List<(ResolvedRule Rule, int Set)>>();
                List<(ResolvedRule Rule, int Set)> RulesFor(int nr)
                {
                    if (!ruleSets.TryGetValue(nr, out var list))
                        ruleSets[nr] = list = resolved.RulesFor(nr).Select(r => (r, r.Condition == null ? ArgumentSets.True : sets.Of(r.Condition))).ToList();
                    return list;
                }

                // What each call gets, by region of argument vectors: the strictest matching rule, else the default.
                List<(SeccompVerdict Verdict, int Set)> Outcomes(int nr)
                {
                    var result = new List<(SeccompVerdict, int)>();
                    int remaining = ArgumentSets.True;
                    foreach (var group in RulesFor(nr).GroupBy(r => r.Rule.Action).OrderBy(g => g.Key))
                    {
                        int region = sets.And(sets.Union(group.Select(r => r.Set)), remaining);
                        if (region == ArgumentSets.False) continue;
                        result.Add((group.Key, region));
                        remaining = sets.Minus(remaining, region);
                    }
                    if (remaining != ArgumentSets.False) result.Add((policy.DefaultAction, remaining));
                    return result;
                }

                foreach (var pair in EquivalentSyscalls.All)
                {
                    ct.ThrowIfCancellationRequested();
                    if (!arch.TryGetNumber(pair.Denied, out int denied) || !arch.TryGetNumber(pair.Equivalent, out int equivalent)) continue;
                    if (!Outcomes(denied).All(o => PolicyAnalysis.IsDenying(o.Verdict.Action))) continue;

                    int same = ArgumentSets.True;
                    if (pair.When != null)
                    {
                        // The table's conditions bind on every architecture that has the call (a test checks it).
                        var condition = bindings.TryBind(pair.When, pair.Equivalent, arch);
                        if (condition == null) continue;
                        same = sets.Of(condition);
                    }
                    var open = Outcomes(equivalent).Where(o => Allows(o.Verdict.Action)).Select(o => (o.Verdict, Set: sets.And(o.Set, same)))
                        .FirstOrDefault(o => o.Set != ArgumentSets.False);
                    if (open.Set == ArgumentSets.False) continue;

                    // A denying default says nothing about the older call, and the runtime's own calls (tgkill, openat,
                    // getdents64, epoll_create1, ...) cannot be denied without breaking it (SECC0042): under the default,
                    // only an equivalent the runtime does not call is worth a warning. A rule naming the call is a statement.
                    var (ruleIndex, nameIndex, denial) = Blame(policy, RulesFor(denied), sets, arch, denied);
                    // Only a rule is a statement about the call: a denying default denies whatever nobody listed, and
                    // listing accept4 but not accept, or inotify_init1 but not inotify_init, is how policies are written.
                    if (ruleIndex < 0) continue;

                    var example = sets.Example(open.Set) ?? new ulong[ArgumentSets.Arguments];
                    found.Add(new EquivalentBypass(arch, pair, ruleIndex, nameIndex, denial, open.Verdict, example,
                        ExampleText(sets, open.Set, example, pair.Equivalent, arch)));
                }
            }
            return found;
        }

        private static bool Allows(SeccompAction kind) => kind is SeccompAction.Allow or SeccompAction.Log;

        /// <summary>
        /// Who denies the call: the strictest rule that denies all of it, else the default action when it denies, else the
        /// strictest denying rule (the call is then denied by several rules together).
        /// </summary>
        private static (int Rule, int Name, SeccompVerdict Denial) Blame(PolicyModel policy, List<(ResolvedRule Rule, int Set)> rules, ArgumentSets sets, ArchInfo arch, int nr)
        {
            var denying = rules.Where(r => PolicyAnalysis.IsDenying(r.Rule.Action.Action)).OrderBy(r => r.Rule.Action).ToList();
            var whole = denying.Where(r => sets.IsSubset(ArgumentSets.True, r.Set)).Select(r => r.Rule).FirstOrDefault();
            var by = whole ?? (PolicyAnalysis.IsDenying(policy.DefaultAction.Action) ? null
                : denying.Where(r => r.Set != ArgumentSets.False).Select(r => r.Rule).FirstOrDefault());
            if (by == null) return (-1, -1, policy.DefaultAction);
            var rule = policy.Rules.First(r => r.Index == by.RuleIndex);
            int name = 0;
            for (int i = 0; i < rule.Syscalls.Count; i++)
                if (PolicyResolver.ExpandEntry(rule.Syscalls[i], arch, rule.Action).Any(x => x.Number == nr)) { name = i; break; }
            return (rule.Index, name, by.Action);
        }

        /// <summary>A call of the equivalent that gets through, with the arguments the region depends on: <c>unlinkat(flag=0x200)</c>.</summary>
        private static string ExampleText(ArgumentSets sets, int set, ulong[] args, string syscall, ArchInfo arch)
        {
            int support = sets.Support(set);
            var parameters = Signatures.Get(syscall, arch.Arch);
            var shown = new List<string>();
            for (int i = 0; i < ArgumentSets.Arguments; i++)
            {
                if ((support & (1 << i)) == 0) continue;
                string name = parameters != null && i < parameters.Count ? parameters[i].Name : "arg" + i;
                shown.Add(name + "=" + PolicyText.Hex(args[i]));
            }
            return syscall + "(" + string.Join(", ", shown) + ")";
        }

        // ---- Diagnostics ---------------------------------------------------------------------------------------------

        /// <summary>
        /// One warning per denying rule name (on the name, or the attribute when it has one name); each carries the rules
        /// to add as <see cref="PolicyDiagnostic.Suggestion"/> (<see cref="FixText"/>).
        /// </summary>
        public static List<PolicyDiagnostic> Report(PolicyModel policy, List<EquivalentBypass> found)
        {
            var result = new List<PolicyDiagnostic>();
            int archCount = policy.Architectures.Distinct().Count();
            foreach (var group in found.GroupBy(b => (b.RuleIndex, b.NameIndex)).OrderBy(g => g.Key.RuleIndex).ThenBy(g => g.Key.NameIndex))
            {
                var list = group.ToList();
                var denial = list.Select(b => b.Denial).Min();
                string fix = FixText(denial, list);
                string example = $"e.g. {list[0].ExampleText} gets {PolicyText.Verdict(list[0].Allowed)} on {list[0].Arch.Name}";
                // Find reports rule denials only (a denying default is no statement), so every group has a rule.
                var rule = policy.Rules.First(r => r.Index == group.Key.RuleIndex);
                var denied = list.Select(b => b.Pair.Denied).Distinct().ToList();
                var equivalents = Equivalents(list, archCount, policy);
                bool one = equivalents.Count == 1;
                string message = $"{PolicyText.Subject(rule, group.Key.NameIndex)} denies {PolicyText.List(denied)}, but "
                    + $"{PolicyText.List(equivalents)} {(one ? "does" : "do")} the same and {(one ? "is" : "are")} allowed ({example}): "
                    + $"deny {(one ? "it" : "them")} too";
                var at = rule.Syscalls.Count == 1
                    ? new PolicyLocation(rule.Index, LocationSite.Policy)
                    : new PolicyLocation(rule.Index, LocationSite.SyscallName, group.Key.NameIndex);
                result.Add(new PolicyDiagnostic(DiagnosticIds.DenialBypassedByEquivalent, message, at, fix, FixKinds.DenyEquivalent));
            }
            return result;
        }

        /// <summary>"unlinkat when 'flag &amp; AT_REMOVEDIR'", each equivalent once, with its architectures when not all.</summary>
        private static List<string> Equivalents(List<EquivalentBypass> list, int archCount, PolicyModel policy)
        {
            var names = new List<string>();
            foreach (var g in list.GroupBy(b => (b.Pair.Equivalent, b.Pair.When)))
            {
                var archs = g.Select(b => b.Arch.Name).Distinct().ToList();
                string text = g.Key.When == null ? g.Key.Equivalent : $"{g.Key.Equivalent} when '{g.Key.When}'";
                // Only where the denied call exists is a missing architecture worth naming.
                int where = policy.Architectures.Distinct().Select(ArchInfo.Get).Count(a => g.All(b => a.TryGetNumber(b.Pair.Denied, out _)));
                if (archs.Count < Math.Min(archCount, where)) text += $" (on {PolicyText.List(archs)})";
                names.Add(text);
            }
            return names;
        }

        /// <summary>
        /// What the code fix adds, for the front end to spell: one rule a line, "name,name\tcondition\tKind Data" (no
        /// condition: every call), each with the denial's action but clone3, which gets ENOSYS: its flags sit in memory
        /// the filter cannot read, glibc falls back to clone only on ENOSYS, and clone's flags can be checked (a KILL
        /// there would stop every new thread, SECC0042). An equivalent denied outright needs no conditional rule besides.
        /// </summary>
        public static string FixText(SeccompVerdict denial, IEnumerable<EquivalentBypass> bypasses)
        {
            var pairs = bypasses.Select(b => (b.Pair.Equivalent, b.Pair.When)).Distinct().ToList();
            var whole = new HashSet<string>(pairs.Where(p => p.When == null).Select(p => p.Equivalent));
            var lines = pairs.Where(p => p.When == null || !whole.Contains(p.Equivalent))
                .Select(p => (p.Equivalent, p.When, Verdict: p.Equivalent == "clone3" ? SeccompVerdict.Errno(Enosys) : denial))
                .GroupBy(p => (When: p.When ?? "", p.Verdict))
                .OrderBy(g => g.Key.When.Length == 0 ? 0 : 1)
                .Select(g => string.Join(",", g.Select(p => p.Equivalent).Distinct()) + "\t" + g.Key.When + "\t"
                    + g.Key.Verdict.Action.ToString() + " " + g.Key.Verdict.Data.ToString(CultureInfo.InvariantCulture));
            return string.Join("\n", lines);
        }

        private const int Enosys = 38;

        /// <summary>The rules of <see cref="FixText"/>: each rule's names, condition (null: none) and action; null if it does not read.</summary>
        public static List<(string[] Names, string? When, SeccompAction Kind, int Data)>? ParseFix(string text)
        {
            var rules = new List<(string[], string?, SeccompAction, int)>();
            foreach (var line in text.Split('\n'))
            {
                var fields = line.Split('\t');
                if (fields.Length != 3 || fields[0].Length == 0) return null;
                var action = fields[2].Split(' ');
                if (action.Length != 2 || !Enum.TryParse(action[0], out SeccompAction kind)
                    || !int.TryParse(action[1], NumberStyles.None, CultureInfo.InvariantCulture, out int data))
                    return null;
                rules.Add((fields[0].Split(','), fields[1].Length == 0 ? null : fields[1], kind, data));
            }
            return rules;
        }
    }
}

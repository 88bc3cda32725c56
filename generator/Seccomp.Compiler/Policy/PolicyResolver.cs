using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Policy
{
    /// <summary>
    /// Checks a declared policy and resolves it per architecture: expands @groups, maps names to numbers, parses and
    /// binds conditions. The same checks serve the generator (no program when any error) and the analyzers (which
    /// report them at the source positions).
    /// </summary>
    public static class PolicyResolver
    {
        public const string UnknownSyscallId = "SECC0001";
        public const string MissingOnArchId = "SECC0002";
        public const string UnknownGroupId = "SECC0003";
        public const string ErrnoRangeId = "SECC0004";
        public const string NoArchitecturesId = "SECC0005";
        public const string EmptyRuleId = "SECC0006";

        /// <summary>Every problem in the policy, across all its architectures, each reported once.</summary>
        public static List<PolicyError> Check(PolicyModel policy)
        {
            var errors = new List<PolicyError>();
            if (policy.Architectures.Count == 0)
                errors.Add(new(NoArchitecturesId, true, "The policy targets no architecture", -1, ErrorSite.Policy));

            CheckVerdict(policy.DefaultAction, -1, "DefaultErrno", errors);
            CheckVerdict(policy.BadArchAction, -1, "BadArchAction", errors);
            CheckVerdict(policy.UnknownSyscallAction, -1, "UnknownSyscallsErrno", errors);

            var archs = policy.Architectures.Select(ArchInfo.Get).ToArray();
            foreach (var rule in policy.Rules)
            {
                CheckVerdict(rule.Action, rule.Index, rule.Action.Kind == ActionKind.Errno ? "Errno" : "Data", errors);
                if (rule.Syscalls.Count == 0)
                    errors.Add(new(EmptyRuleId, true, "The rule names no syscall", rule.Index, ErrorSite.Policy));
                for (int i = 0; i < rule.Syscalls.Count; i++)
                    CheckName(rule, i, archs, errors);
                if (rule.When != null)
                    ConditionChecker.Check(rule, archs, errors);
            }
            return errors;
        }

        private static void CheckVerdict(Verdict v, int ruleIndex, string property, List<PolicyError> errors)
        {
            if (v.Kind != ActionKind.Errno || (v.Data >= 1 && v.Data <= Verdict.MaxErrno)) return;
            string why = v.Data == 0
                ? "errno 0 makes a denied call report success without running: a dropped privilege would look dropped"
                : $"errno {v.Data} is above {Verdict.MaxErrno}, the largest errno the kernel returns";
            errors.Add(new(ErrnoRangeId, true, $"{property}: {why}; use 1..{Verdict.MaxErrno}", ruleIndex,
                ruleIndex < 0 ? ErrorSite.Policy : ErrorSite.RuleProperty, Property: property));
        }

        private static void CheckName(RuleModel rule, int nameIndex, ArchInfo[] archs, List<PolicyError> errors)
        {
            string name = rule.Syscalls[nameIndex];
            if (name.Length == 0) return; // a null name, reported where the attribute was read
            if (name.StartsWith("@", StringComparison.Ordinal))
            {
                if (!SyscallGroups.TryGet(name.Substring(1), out _))
                {
                    string? near = Syscalls.Closest(name.Substring(1), SyscallGroups.Names);
                    errors.Add(new(UnknownGroupId, true,
                        $"'{name}' is not a syscall group{(near != null ? $"; did you mean '@{near}'?" : "")} Known groups: "
                        + string.Join(", ", SyscallGroups.Names.Select(g => "@" + g)),
                        rule.Index, ErrorSite.SyscallName, nameIndex, Suggestion: near != null ? "@" + near : null));
                }
                return;
            }

            var missing = archs.Where(a => !a.TryGetNumber(name, out _)).Select(a => a.Name).ToArray();
            if (missing.Length == 0) return;
            if (missing.Length == archs.Length)
            {
                string? near = Syscalls.Closest(name, Syscalls.AllNames);
                string where = archs.Length == 1 ? $"on {archs[0].Name}" : "on any target architecture";
                errors.Add(new(UnknownSyscallId, true,
                    $"'{name}' is not a syscall {where}{(near != null ? $"; did you mean '{near}'?" : "")}",
                    rule.Index, ErrorSite.SyscallName, nameIndex, Suggestion: near));
            }
            else
            {
                errors.Add(new(MissingOnArchId, false,
                    $"'{name}' does not exist on {string.Join(", ", missing)}: the rule applies only where it exists",
                    rule.Index, ErrorSite.SyscallName, nameIndex));
            }
        }

        /// <summary>
        /// Resolves a policy that <see cref="Check"/> found free of errors for one architecture. Names unknown on this
        /// architecture are skipped here (they were reported by Check).
        /// </summary>
        public static ResolvedPolicy Resolve(PolicyModel policy, TargetArch target)
        {
            var arch = ArchInfo.Get(target);
            var bySyscall = new SortedDictionary<int, List<ResolvedRule>>();
            foreach (var rule in policy.Rules)
            {
                var seen = new HashSet<(int, Verdict, string)>();
                foreach (var entry in rule.Syscalls)
                    foreach (var x in ExpandEntry(entry, arch, rule.Action))
                    {
                        var condition = And(BindOrThrow(rule.When, x.Name, arch, rule.Index), BindOrThrow(x.Member?.When, x.Name, arch, rule.Index));
                        var verdict = x.Member?.Action ?? rule.Action;
                        if (!seen.Add((x.Number, verdict, condition?.ToString() ?? ""))) continue;
                        if (!bySyscall.TryGetValue(x.Number, out var list)) bySyscall[x.Number] = list = new List<ResolvedRule>();
                        list.Add(new ResolvedRule(rule.Index, verdict, condition));
                    }
            }
            return new ResolvedPolicy(arch, policy.DefaultAction, policy.BadArchAction, policy.UnknownSyscallAction,
                bySyscall.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<ResolvedRule>)kv.Value));
        }

        private static Condition? BindOrThrow(string? when, string syscall, ArchInfo arch, int ruleIndex)
        {
            if (when == null) return null;
            var condition = ConditionChecker.Bind(when, syscall, arch, out var problems);
            if (problems.Count > 0)
                throw new InvalidOperationException($"rule {ruleIndex}: condition does not bind for {syscall}: {problems[0].Message}");
            return condition;
        }

        /// <summary>Both conditions (either may be absent).</summary>
        public static Condition? And(Condition? a, Condition? b) => a == null ? b : b == null ? a : new AndCondition(a, b);

        /// <summary>One call an entry of a rule covers: a syscall name, or a member of an @group.</summary>
        public readonly record struct Expansion(string Name, int Number, GroupMember? Member);

        /// <summary>
        /// What one entry of a rule (a syscall or an @group) covers on one architecture, each number once. A group
        /// member's own condition and action narrow what the group lets through, so they apply when the rule lets
        /// calls run (Allow, Log); a rule that denies a group denies every member outright.
        /// </summary>
        public static IEnumerable<Expansion> ExpandEntry(string entry, ArchInfo arch, Verdict ruleAction)
        {
            bool narrow = ruleAction.Kind is ActionKind.Allow or ActionKind.Log;
            if (!entry.StartsWith("@", StringComparison.Ordinal))
            {
                if (arch.TryGetNumber(entry, out int n)) yield return new Expansion(entry, n, null);
                yield break;
            }
            if (!SyscallGroups.TryGet(entry.Substring(1), out var members)) yield break;
            var seen = new HashSet<int>();
            foreach (var m in members)
                if (arch.TryGetNumber(m.Name, out int nr) && seen.Add(nr))
                    yield return new Expansion(m.Name, nr, narrow ? m : null);
        }

        /// <summary>The (name, number) pairs a rule covers on one architecture, each number once.</summary>
        public static IEnumerable<(string Name, int Number)> Expand(RuleModel rule, ArchInfo arch)
        {
            var seen = new HashSet<int>();
            foreach (var entry in rule.Syscalls)
                foreach (var x in ExpandEntry(entry, arch, rule.Action))
                    if (seen.Add(x.Number))
                        yield return (x.Name, x.Number);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Policy
{
    /// <summary>
    /// Resolves a checked policy for one architecture: expands @groups, maps names to numbers, and takes each rule's
    /// bound condition from the compilation's <see cref="ConditionBindings"/>.
    /// </summary>
    internal static class PolicyResolver
    {
        /// <summary>
        /// Resolves a policy that <see cref="PolicyChecker.Check"/> found free of errors for one architecture. Names unknown on this
        /// architecture are skipped here (they were reported by Check).
        /// </summary>
        public static ResolvedPolicy Resolve(PolicyModel policy, SeccompArch target, ConditionBindings bindings)
        {
            var arch = ArchInfo.Get(target);
            var bySyscall = new SortedDictionary<int, List<ResolvedRule>>();
            foreach (var rule in policy.Rules)
            {
                var seen = new HashSet<(int, SeccompVerdict, string)>();
                void Add(int number, SeccompVerdict verdict, Condition? condition)
                {
                    if (!seen.Add((number, verdict, condition?.ToString() ?? ""))) return;
                    if (!bySyscall.TryGetValue(number, out var list)) bySyscall[number] = list = new List<ResolvedRule>();
                    list.Add(new ResolvedRule(rule.Index, verdict, condition));
                }
                foreach (var entry in rule.Syscalls)
                    foreach (var x in ExpandEntry(entry, arch, rule.Action))
                    {
                        var verdict = x.Member?.Action ?? rule.Action;
                        bool uncheckable = false;
                        var condition = And(BindOrThrow(bindings, rule.When, x.Name, arch, rule.Index, ref uncheckable),
                            BindOrThrow(bindings, x.Member?.When, x.Name, arch, rule.Index, ref uncheckable));
                        if (uncheckable)
                        {
                            // A condition the filter cannot evaluate here (SECC0039): fail safe. A rule that lets the
                            // call run never applies on this architecture; one that stops it applies to every call.
                            if (Permissive(verdict)) continue;
                            condition = null;
                        }
                        Add(x.Number, verdict, condition);
                        if (Multiplexers.Find(arch, x.Name) is { } mux && (condition == null || !Permissive(verdict)))
                        {
                            // The same call through socketcall/ipc (ppc64le, s390x): its arguments sit behind a pointer
                            // the filter cannot read, so only the sub-call number is compared. An unconditional rule
                            // covers that form too; a conditional one that lets the call run does not (the condition
                            // could not be checked there: the multiplexed form keeps the default), and a conditional one
                            // that stops it stops every multiplexed call of that kind.
                            Add(mux.Number, verdict, mux.Condition);
                        }
                    }
            }
            return new ResolvedPolicy(arch, policy.DefaultAction, policy.BadArchAction, policy.UnknownSyscallAction,
                bySyscall.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<ResolvedRule>)kv.Value),
                Codegen.HotCalls.Resolve(policy.HotSyscalls is { } hot ? (IReadOnlyList<string>)hot : Codegen.HotCalls.BuiltIn, arch));
        }

        private static Condition? BindOrThrow(ConditionBindings bindings, string? when, string syscall, ArchInfo arch, int ruleIndex, ref bool uncheckable)
        {
            if (when == null) return null;
            var bound = bindings.Bind(when, syscall, arch);
            if (bound.Problems.Count > 0)
                throw new InvalidOperationException($"rule {ruleIndex}: condition does not bind for {syscall}: {bound.Problems[0].Message}");
            foreach (var w in bound.Warnings)
                if (w.Id == Diagnostics.DiagnosticIds.ArgumentNotComparable) uncheckable = true;
            return bound.Condition;
        }

        /// <summary>Actions that let the call run (the others stop it, or hand it to someone who decides).</summary>
        public static bool Permissive(SeccompVerdict verdict) => verdict.Action is SeccompAction.Allow or SeccompAction.Log;

        /// <summary>Both conditions (either may be absent).</summary>
        public static Condition? And(Condition? a, Condition? b) => a == null ? b : b == null ? a : new AndCondition(a, b);

        /// <summary>One call an entry of a rule covers: a syscall name, or a member of an @group.</summary>
        public readonly record struct Expansion(string Name, int Number, GroupMember? Member);

        /// <summary>
        /// What one entry of a rule (a syscall or an @group) covers on one architecture, each number once. A group
        /// member's own condition and action narrow what the group lets through, so they apply when the rule lets
        /// calls run (Allow, Log); a rule that denies a group denies every member outright.
        /// </summary>
        public static IEnumerable<Expansion> ExpandEntry(string entry, ArchInfo arch, SeccompVerdict ruleAction)
        {
            bool narrow = ruleAction.Action is SeccompAction.Allow or SeccompAction.Log;
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

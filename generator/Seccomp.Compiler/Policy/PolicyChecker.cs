using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;

namespace Seccomp.Compiler.Policy
{
    /// <summary>
    /// Finds what makes a declared policy invalid: names unknown on its architectures, errno values the kernel cannot
    /// return, conditions that do not parse or bind. Each problem is reported once, however many architectures or
    /// syscalls share it.
    /// </summary>
    internal static class PolicyChecker
    {
        public static List<PolicyDiagnostic> Check(PolicyModel policy, ConditionBindings bindings)
        {
            var errors = new List<PolicyDiagnostic>();
            if (policy.Architectures.Count == 0)
                errors.Add(new(DiagnosticIds.NoArchitectures, "The policy targets no architecture", PolicyLocation.Policy()));

            CheckVerdict(policy.DefaultAction, -1, PolicyProperty.DefaultErrno, errors);
            CheckVerdict(policy.BadArchAction, -1, PolicyProperty.BadArchAction, errors);
            CheckVerdict(policy.UnknownSyscallAction, -1, PolicyProperty.UnknownSyscallsErrno, errors);

            var archs = policy.Architectures.Select(ArchInfo.Get).ToArray();
            foreach (var rule in policy.Rules)
            {
                CheckVerdict(rule.Action, rule.Index, rule.Action.Action == SeccompAction.Errno ? PolicyProperty.RuleErrno : PolicyProperty.RuleData, errors);
                if (rule.Syscalls.Count == 0)
                    errors.Add(new(DiagnosticIds.EmptyRule, "The rule names no syscall", new PolicyLocation(rule.Index, LocationSite.Policy)));
                for (int i = 0; i < rule.Syscalls.Count; i++)
                    CheckName(rule, i, archs, errors);
                if (rule.When != null)
                    CheckCondition(rule, archs, bindings, errors);
            }
            return errors;
        }

        private static void CheckVerdict(SeccompVerdict v, int ruleIndex, PolicyProperty property, List<PolicyDiagnostic> errors)
        {
            if (v.Action != SeccompAction.Errno || (v.Data >= 1 && v.Data <= SeccompVerdict.MaxErrno)) return;
            string why = v.Data == 0
                ? "errno 0 makes a denied call report success without running: a dropped privilege would look dropped"
                : $"errno {v.Data} is above {SeccompVerdict.MaxErrno}, the largest errno the kernel returns";
            errors.Add(new(DiagnosticIds.ErrnoOutOfRange, $"{PolicyDiagnostic.SettingToken}: {why}; use 1..{SeccompVerdict.MaxErrno}",
                new PolicyLocation(ruleIndex, ruleIndex < 0 ? LocationSite.Policy : LocationSite.RuleProperty, Property: property)));
        }

        private static void CheckName(RuleModel rule, int nameIndex, ArchInfo[] archs, List<PolicyDiagnostic> errors)
        {
            string name = rule.Syscalls[nameIndex];
            if (name.Length == 0) return; // a null name, reported where the attribute was read
            var at = new PolicyLocation(rule.Index, LocationSite.SyscallName, nameIndex);
            if (name.StartsWith("@", StringComparison.Ordinal))
            {
                if (!SyscallGroups.TryGet(name.Substring(1), out _))
                {
                    string? near = Syscalls.Closest(name.Substring(1), SyscallGroups.Names);
                    errors.Add(new(DiagnosticIds.UnknownGroup,
                        $"'{name}' is not a syscall group{(near != null ? $"; did you mean '@{near}'?" : "")} Known groups: "
                        + string.Join(", ", SyscallGroups.Names.Select(g => "@" + g)),
                        at, Suggestion: near != null ? "@" + near : null));
                }
                return;
            }

            var missing = archs.Where(a => !a.TryGetNumber(name, out _)).Select(a => a.Name).ToArray();
            if (missing.Length == 0) return;
            if (missing.Length == archs.Length)
            {
                string? near = Syscalls.Closest(name, Syscalls.AllNames);
                string where = archs.Length == 1 ? $"on {archs[0].Name}" : "on any target architecture";
                errors.Add(new(DiagnosticIds.UnknownSyscall,
                    $"'{name}' is not a syscall {where}{(near != null ? $"; did you mean '{near}'?" : "")}", at, Suggestion: near));
            }
            else
            {
                errors.Add(new(DiagnosticIds.MissingOnArchitecture,
                    $"'{name}' does not exist on {string.Join(", ", missing)}: the rule applies only where it exists", at));
            }
        }

        /// <summary>The condition's problems for every syscall and architecture the rule covers, each once.</summary>
        private static void CheckCondition(RuleModel rule, IReadOnlyList<ArchInfo> archs, ConditionBindings bindings, List<PolicyDiagnostic> errors)
        {
            if (bindings.Parse(rule.When!, out var syntax) == null)
            {
                errors.Add(ToDiagnostic(rule, syntax!));
                return;
            }
            var seen = new HashSet<(int, int, string)>();
            foreach (var arch in archs)
                foreach (var (name, _) in PolicyResolver.Expand(rule, arch))
                {
                    var bound = bindings.Bind(rule.When!, name, arch);
                    foreach (var p in bound.Problems.Concat(bound.Warnings))
                        if (seen.Add((p.Span.Start, p.Span.Length, p.Message)))
                            errors.Add(ToDiagnostic(rule, p));
                }
        }

        private static PolicyDiagnostic ToDiagnostic(RuleModel rule, ConditionProblem p) =>
            new(p.Id, p.Message, new PolicyLocation(rule.Index, LocationSite.Condition, Start: p.Span.Start, Length: p.Span.Length), Suggestion: p.Suggestion);
    }
}

using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// Rules that let a dangerous call run (SECC0040; the calls and their dangerous arguments are
    /// <see cref="SandboxFacts.Dangerous"/>) under a default action that would not: whatever the policy's outcome allows
    /// or logs of the dangerous arguments, and the entries that allow it.
    /// </summary>
    internal static class DangerousAllowanceChecks
    {
        public static void Run(AnalysisState state)
        {
            if (Allows(state.Default.Action)) return;
            foreach (var (entry, syscall, call, conditional) in Find(state, SandboxFacts.Dangerous, namedOnly: false))
            {
                var rule = entry.Rule;
                string subject = PolicyText.Subject(rule, entry.NameIndex);
                string what = call.What != null ? $"{syscall} {call.What}" : syscall;
                string how = call.What == null ? ""
                    : conditional ? " (its condition does not exclude it)" : "";
                string advice = call.Advice != null ? "; " + call.Advice : "";
                state.Add(DiagnosticIds.DangerousAllowance,
                    $"{subject} allows {what}{how} while the default action is {PolicyText.Verdict(state.Default)}: {call.Reason}{advice}",
                    rule.Index, rule.Syscalls.Count == 1 ? LocationSite.Policy : LocationSite.SyscallName,
                    name: rule.Syscalls.Count == 1 ? -1 : entry.NameIndex);
            }
            // SECC0044: a rule that names a call starting programs or processes. Groups that hold one (@process) say so
            // in their documentation; the note is for the rule a user wrote.
            foreach (var (entry, syscall, call, _) in Find(state, SandboxFacts.Review, namedOnly: true))
            {
                var rule = entry.Rule;
                string what = call.What != null ? $"{syscall} {call.What}" : syscall;
                state.Add(DiagnosticIds.ReviewAllowance,
                    $"{PolicyText.Subject(rule, entry.NameIndex)} allows {what}: {call.Reason}; review that the program needs it",
                    rule.Index, rule.Syscalls.Count == 1 ? LocationSite.Policy : LocationSite.SyscallName,
                    name: rule.Syscalls.Count == 1 ? -1 : entry.NameIndex);
            }
        }

        /// <summary>
        /// The entries that let some harmful arguments of a listed call run (ALLOW or LOG), each once, in the order found,
        /// with whether its rule has a condition. <paramref name="namedOnly"/>: entries of rules that name the call
        /// themselves, not through a group.
        /// </summary>
        private static List<(RuleEntry Entry, string Syscall, DangerousCall Call, bool Conditional)> Find(
            AnalysisState state, IReadOnlyList<DangerousCall> calls, bool namedOnly)
        {
            var found = new Dictionary<(RuleEntry Entry, string Syscall), (DangerousCall Call, bool Conditional)>();
            var order = new List<(RuleEntry, string)>();
            foreach (var arch in state.Archs)
            {
                foreach (var call in calls)
                {
                    state.Ct.ThrowIfCancellationRequested();
                    if (!arch.Info.TryGetNumber(call.Syscall, out int nr)) continue;
                    var sets = arch.Sets;
                    int allowed = sets.Union(state.Outcomes(arch, nr).Where(o => Allows(o.Verdict.Action)).Select(o => o.Set));
                    int danger = call.DangerousArgs?.Invoke(sets, arch.Info, Signatures.Get(call.Syscall, arch.Info.Arch)) ?? ArgumentSets.True;
                    int bad = sets.And(allowed, danger);
                    if (bad == ArgumentSets.False) continue;
                    foreach (var p in arch.At(nr).Where(p => Allows(p.Verdict.Action) && sets.Intersects(p.Set, bad)))
                    {
                        if (namedOnly && p.Entry.Rule.Syscalls[p.Entry.NameIndex] != call.Syscall) continue;
                        var key = (p.Entry, call.Syscall);
                        if (!found.ContainsKey(key)) { found[key] = (call, p.Entry.Rule.When != null); order.Add(key); }
                    }
                }
            }
            return order.Select(k => (k.Item1, k.Item2, found[k].Call, found[k].Conditional)).ToList();
        }

        private static bool Allows(SeccompAction kind) => kind is SeccompAction.Allow or SeccompAction.Log;
    }
}

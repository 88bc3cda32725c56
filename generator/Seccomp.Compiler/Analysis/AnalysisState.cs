using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// What every family of checks in <see cref="PolicyAnalysis"/> works on and reports into: the policy and its bound
    /// conditions, and after <see cref="Resolve"/> every name of every rule on every target architecture with its
    /// argument set. Findings are kept in the order the families add them.
    /// </summary>
    internal sealed class AnalysisState
    {
        public AnalysisState(PolicyModel policy, ConditionBindings bindings, CancellationToken ct, int maxNodes)
        {
            Policy = policy;
            Bindings = bindings;
            Ct = ct;
            MaxNodes = maxNodes;
        }

        public PolicyModel Policy { get; }
        public ConditionBindings Bindings { get; }
        public CancellationToken Ct { get; }
        public int MaxNodes { get; }
        public List<PolicyDiagnostic> Findings { get; } = new();

        /// <summary>Filled by <see cref="Resolve"/>.</summary>
        public List<ArchState> Archs { get; } = new();

        /// <summary>Filled by <see cref="Resolve"/>, in rule order and name order within a rule.</summary>
        public List<RuleEntry> Entries { get; } = new();

        public SeccompVerdict Default => Policy.DefaultAction;

        // ---- Resolution: every name of every rule on every architecture, with its argument set -------------------

        /// <summary>Throws <see cref="ArgumentSetBudgetExceededException"/> when the sets outgrow their budget.</summary>
        public void Resolve()
        {
            foreach (var target in Policy.Architectures.Distinct())
                Archs.Add(new ArchState(ArchInfo.Get(target), MaxNodes));
            foreach (var rule in Policy.Rules)
                for (int i = 0; i < rule.Syscalls.Count; i++)
                    Entries.Add(new RuleEntry(rule, i));

            foreach (var arch in Archs)
            {
                var bound = new Dictionary<(int Rule, string Name, string? MemberWhen), int>();
                foreach (var entry in Entries)
                {
                    Ct.ThrowIfCancellationRequested();
                    foreach (var x in PolicyResolver.ExpandEntry(entry.Rule.Syscalls[entry.NameIndex], arch.Info, entry.Verdict))
                    {
                        string name = x.Name;
                        int nr = x.Number;
                        if (!bound.TryGetValue((entry.Rule.Index, name, x.Member?.When), out int set))
                        {
                            var condition = PolicyResolver.And(Bindings.TryBind(entry.Rule.When, name, arch.Info),
                                Bindings.TryBind(x.Member?.When, name, arch.Info));
                            set = condition == null ? ArgumentSets.True : arch.Sets.Of(condition);
                            bound[(entry.Rule.Index, name, x.Member?.When)] = set;
                        }
                        var match = new EntryMatch(arch, nr, name, entry, set, x.Member?.Action ?? entry.Verdict);
                        entry.Matches.Add(match);
                        if (!arch.ByNumber.TryGetValue(nr, out var list)) arch.ByNumber[nr] = list = new List<EntryMatch>();
                        list.Add(match);
                    }
                }
            }
        }

        // ---- What a syscall's calls get, by region of argument vectors ------------------------------------------

        /// <summary>The policy's outcome for a syscall number: each verdict with the argument vectors that get it.</summary>
        public List<(SeccompVerdict Verdict, int Set)> Outcomes(ArchState arch, int nr)
        {
            var sets = arch.Sets;
            var result = new List<(SeccompVerdict, int)>();
            int remaining = ArgumentSets.True;
            foreach (var group in arch.At(nr).GroupBy(p => p.Verdict).OrderBy(g => g.Key))
            {
                int region = sets.And(sets.Union(group.Select(p => p.Set)), remaining);
                if (region == ArgumentSets.False) continue;
                result.Add((group.Key, region));
                remaining = sets.Minus(remaining, region);
            }
            if (remaining != ArgumentSets.False) result.Add((Default, remaining));
            return result;
        }

        // ---- Reporting -----------------------------------------------------------------------------------------

        public void Add(string id, string message, int rule, LocationSite site, int name = -1, int start = 0, int length = 0) =>
            Add(id, message, new PolicyLocation(rule, site, name, start, length));

        public void Add(string id, string message, PolicyLocation at) => Findings.Add(new PolicyDiagnostic(id, message, at, Fix: FixFor(id, at)));

        /// <summary>The code fix that removes or repairs what a finding points at, where one is obvious.</summary>
        private static string? FixFor(string id, PolicyLocation at) => id switch
        {
            DiagnosticIds.UnreachableRule or DiagnosticIds.DuplicateRule or DiagnosticIds.RuleSameAsDefault =>
                at.Site == LocationSite.SyscallName ? FixKinds.RemoveName : at.RuleIndex >= 0 ? FixKinds.RemoveRule : null,
            DiagnosticIds.KillThread => at.RuleIndex >= 0 ? FixKinds.RemoveThread : FixKinds.KillProcess,
            _ => null,
        };
    }
}

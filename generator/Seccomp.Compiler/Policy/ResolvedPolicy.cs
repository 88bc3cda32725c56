using System.Collections.Generic;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Policy
{
    /// <summary>A policy resolved for one architecture: syscall numbers and bound conditions, ready to compile.</summary>
    internal sealed class ResolvedPolicy
    {
        public ResolvedPolicy(ArchInfo arch, Verdict defaultAction, Verdict badArchAction, Verdict unknownSyscallAction,
            IReadOnlyDictionary<int, IReadOnlyList<ResolvedRule>> rulesBySyscall)
        {
            Arch = arch;
            DefaultAction = defaultAction;
            BadArchAction = badArchAction;
            UnknownSyscallAction = unknownSyscallAction;
            RulesBySyscall = rulesBySyscall;
        }

        public ArchInfo Arch { get; }
        public Verdict DefaultAction { get; }
        public Verdict BadArchAction { get; }
        public Verdict UnknownSyscallAction { get; }

        /// <summary>Rules per syscall number, in declaration order (order never changes the outcome).</summary>
        public IReadOnlyDictionary<int, IReadOnlyList<ResolvedRule>> RulesBySyscall { get; }

        public IReadOnlyList<ResolvedRule> RulesFor(int nr) =>
            RulesBySyscall.TryGetValue(nr, out var rules) ? rules : System.Array.Empty<ResolvedRule>();
    }
}

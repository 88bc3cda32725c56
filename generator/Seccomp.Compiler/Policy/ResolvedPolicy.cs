using System.Collections.Generic;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Policy
{
    /// <summary>A policy resolved for one architecture: syscall numbers and bound conditions, ready to compile.</summary>
    internal sealed class ResolvedPolicy
    {
        public ResolvedPolicy(ArchInfo arch, SeccompVerdict defaultAction, SeccompVerdict badArchAction, SeccompVerdict unknownSyscallAction,
            IReadOnlyDictionary<int, IReadOnlyList<ResolvedRule>> rulesBySyscall,
            IReadOnlyList<KeyValuePair<int, double>>? profile = null)
        {
            Profile = profile ?? System.Array.Empty<KeyValuePair<int, double>>();
            Arch = arch;
            DefaultAction = defaultAction;
            BadArchAction = badArchAction;
            UnknownSyscallAction = unknownSyscallAction;
            RulesBySyscall = rulesBySyscall;
        }

        public ArchInfo Arch { get; }
        public SeccompVerdict DefaultAction { get; }
        public SeccompVerdict BadArchAction { get; }
        public SeccompVerdict UnknownSyscallAction { get; }

        /// <summary>How often each call is made: (number, share) pairs, hottest first, shares summing to 1 (or empty).</summary>
        public IReadOnlyList<KeyValuePair<int, double>> Profile { get; }

        /// <summary>Rules per syscall number, in declaration order (order never changes the outcome).</summary>
        public IReadOnlyDictionary<int, IReadOnlyList<ResolvedRule>> RulesBySyscall { get; }

        public IReadOnlyList<ResolvedRule> RulesFor(int nr) =>
            RulesBySyscall.TryGetValue(nr, out var rules) ? rules : System.Array.Empty<ResolvedRule>();
    }
}

using System.Collections.Generic;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Policy
{
    /// <summary>One rule as it applies to one syscall number on one architecture.</summary>
    internal sealed record ResolvedRule(int RuleIndex, SeccompVerdict Action, Condition? Condition);
}

using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>What the policy analysis found; the analyzers give each kind its diagnostic ID.</summary>
    public enum FindingKind
    {
        /// <summary>A rule (or one name of it) never decides a call: a more restrictive rule matches wherever it does.</summary>
        UnreachableRule,
        /// <summary>A rule (or one name of it) repeats what rules with the same action already do.</summary>
        DuplicateRule,
        /// <summary>A rule does what the default action already does, and overrides no more permissive rule.</summary>
        RuleSameAsDefault,
        /// <summary>Two Deny rules with different errno values match the same calls: the smaller errno wins.</summary>
        ConflictingErrno,
        /// <summary>A condition, or a part of it, holds for no argument values.</summary>
        ConditionNeverTrue,
        /// <summary>A condition, or a part of it, holds for every argument value.</summary>
        ConditionAlwaysTrue,
        /// <summary>A Trace or Notify action: without a tracer or a listener the call fails with ENOSYS.</summary>
        NeedsTracerOrListener,
        /// <summary>The policy denies by default but allows a call that defeats a sandbox.</summary>
        DangerousAllowance,
        /// <summary>KILL_THREAD in a .NET process, which always has several threads.</summary>
        KillThread,
        /// <summary>The policy denies a call the .NET runtime needs to keep running.</summary>
        RuntimeNeedsSyscall,
    }

    /// <summary>
    /// One finding, placed like a <see cref="PolicyError"/>: a rule (<see cref="RuleIndex"/>, -1 for the policy
    /// attribute), and within it a syscall name (<see cref="ErrorSite.SyscallName"/>), characters of the condition
    /// (<see cref="ErrorSite.Condition"/>), a named property, or the whole attribute (<see cref="ErrorSite.Policy"/>).
    /// </summary>
    public sealed record AnalysisFinding(
        FindingKind Kind,
        string Message,
        int RuleIndex,
        ErrorSite Site,
        int NameIndex = -1,
        int Start = 0,
        int Length = 0,
        string? Property = null);
}

namespace Seccomp.Compiler.Policy
{
    /// <summary>Where in the declared policy a problem is: which rule, which name or which part of the condition.</summary>
    public enum ErrorSite
    {
        /// <summary>The policy attribute itself.</summary>
        Policy,
        /// <summary>A syscall or group name: <see cref="PolicyError.NameIndex"/> says which argument.</summary>
        SyscallName,
        /// <summary>Characters of the <c>When</c> string: <see cref="PolicyError.Start"/> and <see cref="PolicyError.Length"/>.</summary>
        Condition,
        /// <summary>A named property of the rule attribute (Errno, Data).</summary>
        RuleProperty,
    }

    /// <summary>
    /// A problem found while resolving a policy. Locations are indices into the declaration (rule, name, character
    /// offset in the condition's value), not source positions, so the core stays free of Roslyn; the analyzers map them.
    /// </summary>
    public sealed record PolicyError(
        string Id,
        bool IsError,
        string Message,
        int RuleIndex,
        ErrorSite Site,
        int NameIndex = -1,
        int Start = 0,
        int Length = 0,
        string? Property = null,
        string? Suggestion = null);
}

namespace Seccomp.Compiler.Diagnostics
{
    /// <summary>
    /// A setting of the policy or of a rule that a diagnostic points at. The core names settings by meaning; only the
    /// Roslyn front end knows how each is spelled in C# (which attribute property holds it).
    /// </summary>
    internal enum PolicyProperty
    {
        None,
        DefaultAction,
        DefaultErrno,
        BadArchAction,
        UnknownSyscalls,
        UnknownSyscallsErrno,
        Architectures,
        /// <summary>A Deny rule's errno.</summary>
        RuleErrno,
        /// <summary>A Trap or Trace rule's data.</summary>
        RuleData,
        /// <summary>A Kill rule's choice of killing only the thread.</summary>
        RuleKillThread,
    }
}

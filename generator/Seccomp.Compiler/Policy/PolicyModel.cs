namespace Seccomp.Compiler.Policy
{
    /// <summary>
    /// A policy as the user declared it: names and condition text, not yet resolved against any architecture.
    /// Only primitives and equatable arrays, so the incremental generator can cache on it.
    /// </summary>
    internal sealed record PolicyModel(
        SeccompVerdict DefaultAction,
        SeccompVerdict BadArchAction,
        SeccompVerdict UnknownSyscallAction,
        EquatableArray<SeccompArch> Architectures,
        EquatableArray<RuleModel> Rules,
        EquatableArray<string>? HotSyscalls = null)
    {
        // HotSyscalls: the policy's own frequency profile ("name" or "name:count", hottest first) that the dispatch
        // is laid out for; null for the built-in .NET profile, empty for none (a tree balanced over the numbers).

        /// <summary>ERRNO(ENOSYS): what a call newer than the syscall tables gets, so libc falls back to an older call.</summary>
        public static SeccompVerdict DefaultUnknownSyscallAction => SeccompVerdict.Errno(38);
    }

    /// <summary>
    /// One rule attribute: an action for some syscalls (or @groups), optionally only when a condition holds.
    /// <see cref="Index"/> is the rule's position among the policy's rule attributes, for diagnostics.
    /// </summary>
    internal sealed record RuleModel(int Index, SeccompVerdict Action, EquatableArray<string> Syscalls, string? When);
}

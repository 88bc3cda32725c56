using System;

namespace Seccomp
{
    /// <summary>
    /// Marks a <c>static partial class</c> as a seccomp policy. The generator adds <c>Apply()</c>, <c>TryApply()</c>,
    /// <c>GetProgram()</c>, <c>Evaluate()</c> and <c>Architectures</c> to it, from the rule attributes beside this one.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class SeccompPolicyAttribute : Attribute
    {
        /// <summary>What a call no rule matches gets. Default: <see cref="SeccompAction.Errno"/> with <see cref="DefaultErrno"/>.</summary>
        public SeccompAction DefaultAction { get; set; } = AttributeDefaults.DefaultAction;

        /// <summary>The errno of the default action when it is <see cref="SeccompAction.Errno"/>. Default: EPERM.</summary>
        public Errno DefaultErrno { get; set; } = (Errno)AttributeDefaults.DefaultErrno;

        /// <summary>The architectures to build programs for. Default: every supported one.</summary>
        public SeccompArch[]? Architectures { get; set; }

        /// <summary>What a call made with another architecture's ABI gets (e.g. i386 <c>int 0x80</c> on x86_64). Default: KillProcess.</summary>
        public SeccompAction BadArchAction { get; set; } = AttributeDefaults.BadArchAction;

        /// <summary>Ask the kernel to log every action but ALLOW (SECCOMP_FILTER_FLAG_LOG).</summary>
        public bool LogDenied { get; set; } = AttributeDefaults.LogDenied;

        /// <summary>
        /// What a call numbered above every syscall the generator knows for the architecture gets. Default:
        /// <see cref="SeccompAction.Errno"/> with <see cref="UnknownSyscallsErrno"/> (ENOSYS), so that libc falls back
        /// from a call newer than the policy to an older one (clone3 to clone).
        /// </summary>
        public SeccompAction UnknownSyscalls { get; set; } = AttributeDefaults.UnknownSyscalls;

        /// <summary>
        /// How often the process makes which calls, hottest first: the program checks the hottest ones before its search
        /// over the other numbers, so they take the fewest instructions. Each entry is a syscall name, optionally with a
        /// measured count (<c>"futex:3040"</c>, e.g. from a recording or <c>strace -c</c>); without counts the i-th
        /// name is taken as 1/i as frequent as the first. Default (null): a built-in profile of .NET services
        /// (futex, epoll_wait, recvfrom, sendto, sched_yield, ...). An empty array: no profile, a search balanced over
        /// the numbers. Changes the program's speed only, never a verdict.
        /// </summary>
        public string[]? HotSyscalls { get; set; }

        /// <summary>The errno for <see cref="UnknownSyscalls"/> when it is <see cref="SeccompAction.Errno"/>. Default: ENOSYS.</summary>
        public Errno UnknownSyscallsErrno { get; set; } = (Errno)AttributeDefaults.UnknownSyscallsErrno;
    }
}

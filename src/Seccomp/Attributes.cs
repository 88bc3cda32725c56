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

        /// <summary>The errno for <see cref="UnknownSyscalls"/> when it is <see cref="SeccompAction.Errno"/>. Default: ENOSYS.</summary>
        public Errno UnknownSyscallsErrno { get; set; } = (Errno)AttributeDefaults.UnknownSyscallsErrno;
    }

    /// <summary>The common shape of the rule attributes: syscall names or <c>@group</c> names, and an optional condition.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public abstract class SeccompRuleAttribute : Attribute
    {
        protected SeccompRuleAttribute(string[] syscalls) => Syscalls = syscalls;

        /// <summary>Syscall names as in the kernel's tables (<c>openat</c>, <c>newfstatat</c>) or groups (<c>@dotnet-runtime</c>).</summary>
        public string[] Syscalls { get; }

        /// <summary>
        /// A condition on the arguments, e.g. <c>"domain in (AF_UNIX, AF_INET, AF_INET6)"</c> or
        /// <c>"(flags &amp; O_ACCMODE) == O_RDONLY"</c>. The rule applies only when it holds.
        /// </summary>
        public string? When { get; set; }
    }

    /// <summary>Let the calls run (SECCOMP_RET_ALLOW).</summary>
    public sealed class AllowAttribute : SeccompRuleAttribute
    {
        public AllowAttribute(params string[] syscalls) : base(syscalls) { }
    }

    /// <summary>Fail the calls with an errno without running them (SECCOMP_RET_ERRNO). Default errno: EPERM.</summary>
    public sealed class DenyAttribute : SeccompRuleAttribute
    {
        public DenyAttribute(params string[] syscalls) : base(syscalls) { }

        public Errno Errno { get; set; } = (Errno)AttributeDefaults.DenyErrno;
    }

    /// <summary>Kill the process (SECCOMP_RET_KILL_PROCESS), or with <see cref="Thread"/> only the calling thread.</summary>
    public sealed class KillAttribute : SeccompRuleAttribute
    {
        public KillAttribute(params string[] syscalls) : base(syscalls) { }

        /// <summary>Kill only the calling thread (SECCOMP_RET_KILL_THREAD). Rarely right in a multi-threaded .NET process.</summary>
        public bool Thread { get; set; } = AttributeDefaults.KillThread;
    }

    /// <summary>Let the calls run and have the kernel log them (SECCOMP_RET_LOG).</summary>
    public sealed class LogAttribute : SeccompRuleAttribute
    {
        public LogAttribute(params string[] syscalls) : base(syscalls) { }
    }

    /// <summary>Send SIGSYS to the calling thread (SECCOMP_RET_TRAP), with <see cref="Data"/> in si_errno.</summary>
    public sealed class TrapAttribute : SeccompRuleAttribute
    {
        public TrapAttribute(params string[] syscalls) : base(syscalls) { }

        public ushort Data { get; set; } = AttributeDefaults.Data;
    }

    /// <summary>Hand the calls to a ptrace tracer (SECCOMP_RET_TRACE) with <see cref="Data"/>; with no tracer they fail with ENOSYS.</summary>
    public sealed class TraceAttribute : SeccompRuleAttribute
    {
        public TraceAttribute(params string[] syscalls) : base(syscalls) { }

        public ushort Data { get; set; } = AttributeDefaults.Data;
    }

    /// <summary>Let a supervising process decide (SECCOMP_RET_USER_NOTIF); with no listener the calls fail with ENOSYS.</summary>
    public sealed class NotifyAttribute : SeccompRuleAttribute
    {
        public NotifyAttribute(params string[] syscalls) : base(syscalls) { }
    }
}

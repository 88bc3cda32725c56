using System;

namespace Seccomp
{
    /// <summary>Kill the process (SECCOMP_RET_KILL_PROCESS), or with <see cref="Thread"/> only the calling thread.</summary>
    public sealed class KillAttribute : SeccompRuleAttribute
    {
        public KillAttribute(params string[] syscalls) : base(syscalls) { }

        /// <summary>Kill only the calling thread (SECCOMP_RET_KILL_THREAD). Rarely right in a multi-threaded .NET process.</summary>
        public bool Thread { get; set; } = AttributeDefaults.KillThread;
    }
}

using System;

namespace Seccomp
{
    /// <summary>Let the calls run and have the kernel log them (SECCOMP_RET_LOG).</summary>
    public sealed class LogAttribute : SeccompRuleAttribute
    {
        public LogAttribute(params string[] syscalls) : base(syscalls) { }
    }
}

using System;

namespace Seccomp
{
    /// <summary>Let a supervising process decide (SECCOMP_RET_USER_NOTIF); with no listener the calls fail with ENOSYS.</summary>
    public sealed class NotifyAttribute : SeccompRuleAttribute
    {
        public NotifyAttribute(params string[] syscalls) : base(syscalls) { }
    }
}

using System;

namespace Seccomp
{
    /// <summary>Let the calls run (SECCOMP_RET_ALLOW).</summary>
    public sealed class AllowAttribute : SeccompRuleAttribute
    {
        public AllowAttribute(params string[] syscalls) : base(syscalls) { }
    }
}

using System;

namespace Seccomp
{
    /// <summary>Fail the calls with an errno without running them (SECCOMP_RET_ERRNO). Default errno: EPERM.</summary>
    public sealed class DenyAttribute : SeccompRuleAttribute
    {
        public DenyAttribute(params string[] syscalls) : base(syscalls) { }

        public Errno Errno { get; set; } = (Errno)AttributeDefaults.DenyErrno;
    }
}

using System;

namespace Seccomp
{
    /// <summary>Send SIGSYS to the calling thread (SECCOMP_RET_TRAP), with <see cref="Data"/> in si_errno.</summary>
    public sealed class TrapAttribute : SeccompRuleAttribute
    {
        public TrapAttribute(params string[] syscalls) : base(syscalls) { }

        public ushort Data { get; set; } = AttributeDefaults.Data;
    }
}

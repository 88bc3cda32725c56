using System;

namespace Seccomp
{
    /// <summary>Hand the calls to a ptrace tracer (SECCOMP_RET_TRACE) with <see cref="Data"/>; with no tracer they fail with ENOSYS.</summary>
    public sealed class TraceAttribute : SeccompRuleAttribute
    {
        public TraceAttribute(params string[] syscalls) : base(syscalls) { }

        public ushort Data { get; set; } = AttributeDefaults.Data;
    }
}

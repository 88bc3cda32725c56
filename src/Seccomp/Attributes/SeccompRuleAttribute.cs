using System;

namespace Seccomp
{
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
}

using System;
using System.Collections.Concurrent;

namespace Seccomp
{
    /// <summary>
    /// Asks the running kernel. What the kernel answered (has it, lacks it) is cached for the life of the process; a
    /// question that an installed seccomp filter refused is not an answer and is asked again next time.
    /// </summary>
    public sealed class KernelFeatureProbe : ISeccompFeatureProbe
    {
        public static KernelFeatureProbe Instance { get; } = new();

        private readonly ConcurrentDictionary<SeccompAction, SeccompFeatureStatus> _actions = new();
        private readonly ConcurrentDictionary<SeccompFilterFlags, SeccompFeatureStatus> _flags = new();

        private KernelFeatureProbe() { }

        public bool IsActionAvailable(SeccompAction action) => ProbeAction(action, out _) == SeccompFeatureStatus.Supported;

        public bool IsFilterFlagSupported(SeccompFilterFlags flag) => ProbeFilterFlag(flag, out _) == SeccompFeatureStatus.Supported;

        /// <summary>
        /// SECCOMP_GET_ACTION_AVAIL. The kernel's own answers are 0 (known), EOPNOTSUPP (unknown action) and, before
        /// Linux 4.14, EINVAL (unknown operation: what existed then is the 3.5 set). Any other errno (EPERM, EACCES,
        /// whatever a filter's Errno rule returns) comes from a filter installed earlier that denies seccomp(2).
        /// </summary>
        public SeccompFeatureStatus ProbeAction(SeccompAction action, out int errno)
        {
            errno = 0;
            if (_actions.TryGetValue(action, out var cached)) return cached;
            uint value = new SeccompVerdict(action).ToKernel() & 0xffff0000;
            int rc = NativeMethods.Seccomp(NativeMethods.SECCOMP_GET_ACTION_AVAIL, 0, ref value, out errno);
            SeccompFeatureStatus status;
            if (rc == 0) status = SeccompFeatureStatus.Supported;
            else if (errno == NativeMethods.EOPNOTSUPP || errno == NativeMethods.ENOSYS) status = SeccompFeatureStatus.Unsupported;
            else if (errno == NativeMethods.EINVAL)
                status = action is SeccompAction.KillThread or SeccompAction.Trap or SeccompAction.Errno or SeccompAction.Trace or SeccompAction.Allow
                    ? SeccompFeatureStatus.Supported : SeccompFeatureStatus.Unsupported;
            else return SeccompFeatureStatus.DeniedByFilter;
            errno = 0;
            return _actions.GetOrAdd(action, status);
        }

        /// <summary>
        /// seccomp(SECCOMP_SET_MODE_FILTER, flag, NULL): EFAULT (the NULL program) means the flag was accepted, EINVAL
        /// that it is unknown, ENOSYS that there is no seccomp(2) at all; anything else is a filter's denial.
        /// </summary>
        public SeccompFeatureStatus ProbeFilterFlag(SeccompFilterFlags flag, out int errno)
        {
            errno = 0;
            if (_flags.TryGetValue(flag, out var cached)) return cached;
            int rc = NativeMethods.SeccompNull(NativeMethods.SECCOMP_SET_MODE_FILTER, (uint)flag, out errno);
            SeccompFeatureStatus status;
            if (rc != 0 && errno == NativeMethods.EFAULT) status = SeccompFeatureStatus.Supported;
            else if (rc != 0 && (errno == NativeMethods.EINVAL || errno == NativeMethods.ENOSYS)) status = SeccompFeatureStatus.Unsupported;
            else if (rc != 0) return SeccompFeatureStatus.DeniedByFilter;
            else status = SeccompFeatureStatus.Unsupported; // a NULL program is never installed
            errno = 0;
            return _flags.GetOrAdd(flag, status);
        }
    }
}

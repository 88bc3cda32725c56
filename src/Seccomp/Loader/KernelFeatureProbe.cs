using System;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Seccomp
{
    /// <summary>Asks the running kernel; answers are cached for the life of the process.</summary>
    public sealed class KernelFeatureProbe : ISeccompFeatureProbe
    {
        public static KernelFeatureProbe Instance { get; } = new();

        private readonly ConcurrentDictionary<SeccompAction, bool> _actions = new();
        private readonly ConcurrentDictionary<SeccompFilterFlags, bool> _flags = new();

        private KernelFeatureProbe() { }

        public bool IsActionAvailable(SeccompAction action) => _actions.GetOrAdd(action, static a =>
        {
            uint value = new SeccompVerdict(a).ToKernel() & 0xffff0000;
            int rc = NativeMethods.Seccomp(NativeMethods.SECCOMP_GET_ACTION_AVAIL, 0, ref value, out int errno);
            if (rc == 0) return true;
            // Before Linux 4.14 the operation itself is unknown (EINVAL): what existed then is the 3.5 set.
            if (errno == NativeMethods.EINVAL)
                return a is SeccompAction.KillThread or SeccompAction.Trap or SeccompAction.Errno or SeccompAction.Trace or SeccompAction.Allow;
            return false;
        });

        public bool IsFilterFlagSupported(SeccompFilterFlags flag) => _flags.GetOrAdd(flag, static f =>
        {
            int rc = NativeMethods.SeccompNull(NativeMethods.SECCOMP_SET_MODE_FILTER, (uint)f, out int errno);
            return rc != 0 && errno == NativeMethods.EFAULT;
        });
    }
}

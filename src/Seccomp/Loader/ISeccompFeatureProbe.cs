using System;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Seccomp
{
    /// <summary>Feature detection: what the kernel's seccomp supports.</summary>
    public interface ISeccompFeatureProbe
    {
        /// <summary>SECCOMP_GET_ACTION_AVAIL: true when the kernel knows the action.</summary>
        bool IsActionAvailable(SeccompAction action);

        /// <summary>True when seccomp(SECCOMP_SET_MODE_FILTER, flag, NULL) fails with EFAULT (EINVAL: unknown flag).</summary>
        bool IsFilterFlagSupported(SeccompFilterFlags flag);
    }
}

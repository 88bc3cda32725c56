using System;

namespace Seccomp
{
    /// <summary>Feature detection: what the kernel's seccomp supports.</summary>
    public interface ISeccompFeatureProbe
    {
        /// <summary>SECCOMP_GET_ACTION_AVAIL: true when the kernel knows the action.</summary>
        bool IsActionAvailable(SeccompAction action);

        /// <summary>True when seccomp(SECCOMP_SET_MODE_FILTER, flag, NULL) fails with EFAULT (EINVAL: unknown flag).</summary>
        bool IsFilterFlagSupported(SeccompFilterFlags flag);

        /// <summary>
        /// Like <see cref="IsActionAvailable"/>, but tells a kernel that lacks the action from a question that an
        /// installed filter refused (<see cref="SeccompFeatureStatus.DeniedByFilter"/>, with the errno it gave).
        /// The default answers from <see cref="IsActionAvailable"/>, which cannot tell them apart.
        /// </summary>
        SeccompFeatureStatus ProbeAction(SeccompAction action, out int errno)
        {
            errno = 0;
            return IsActionAvailable(action) ? SeccompFeatureStatus.Supported : SeccompFeatureStatus.Unsupported;
        }

        /// <summary>Like <see cref="IsFilterFlagSupported"/>, telling a missing flag from a refused question.</summary>
        SeccompFeatureStatus ProbeFilterFlag(SeccompFilterFlags flag, out int errno)
        {
            errno = 0;
            return IsFilterFlagSupported(flag) ? SeccompFeatureStatus.Supported : SeccompFeatureStatus.Unsupported;
        }
    }
}

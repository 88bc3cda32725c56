using System;

namespace Seccomp
{
    /// <summary>seccomp(2) filter flags (include/uapi/linux/seccomp.h).</summary>
    [Flags]
    public enum SeccompFilterFlags : uint
    {
        None = 0,
        Tsync = 1,
        Log = 2,
        SpecAllow = 4,
        NewListener = 8,
        TsyncEsrch = 16,
    }
}

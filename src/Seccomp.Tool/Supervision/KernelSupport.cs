// What `record` and `check` need of the kernel before they start anything: USER_NOTIF that can let a call continue.

using System;
using System.Runtime.InteropServices;
using Seccomp.Common;

namespace Seccomp.Tool;

/// <summary>Checks that the kernel can record: USER_NOTIF, its struct sizes, and FLAG_CONTINUE (5.5).</summary>
internal static unsafe class KernelSupport
{
    /// <summary>Null when recording works here, else what is missing.</summary>
    public static string? Check()
    {
        if (!OperatingSystem.IsLinux()) return "not Linux";
        long nr = HostArchitecture.SeccompSyscallNumber;
        if (nr < 0) return $"unsupported architecture {RuntimeInformation.ProcessArchitecture}";
        uint action = Native.SECCOMP_RET_USER_NOTIF;
        if (Native.syscall3p(nr, Native.SECCOMP_GET_ACTION_AVAIL, 0, &action) != 0)
            return $"SECCOMP_RET_USER_NOTIF is not available ({Native.Strerror(Native.Errno)})";
        ushort* sizes = stackalloc ushort[3];
        if (Native.syscall3p(nr, Native.SECCOMP_GET_NOTIF_SIZES, 0, sizes) != 0)
            return $"SECCOMP_GET_NOTIF_SIZES failed ({Native.Strerror(Native.Errno)})";
        if (sizes[0] < 80 || sizes[1] < 24 || sizes[2] < 64)
            return $"unexpected notification sizes {sizes[0]}/{sizes[1]}/{sizes[2]}";
        // SECCOMP_USER_NOTIF_FLAG_CONTINUE has no feature probe: it came with Linux 5.5.
        var v = Environment.OSVersion.Version;
        if (v.Major < 5 || (v.Major == 5 && v.Minor < 5))
            return $"kernel {v} has no SECCOMP_USER_NOTIF_FLAG_CONTINUE (needs 5.5)";
        // pidfd_getfd (the listener hand-over) came with 5.6.
        if (v.Major == 5 && v.Minor < 6)
            return $"kernel {v} has no pidfd_getfd (needs 5.6)";
        return null;
    }
}

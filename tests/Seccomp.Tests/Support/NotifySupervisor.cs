using System;
using System.Runtime.InteropServices;

namespace Seccomp.Tests.Support;

/// <summary>
/// The supervising side of SECCOMP_RET_USER_NOTIF: takes a child's listener fd with pidfd_getfd, receives one
/// notification and answers it. Nothing here installs a filter.
/// </summary>
internal static unsafe partial class NotifySupervisor
{
    private const uint NotifRecv = 0xC0502100; // SECCOMP_IOWR(0, struct seccomp_notif): 80 bytes
    private const uint NotifSend = 0xC0182101; // SECCOMP_IOWR(1, struct seccomp_notif_resp): 24 bytes

    [StructLayout(LayoutKind.Sequential)]
    internal struct Notif
    {
        public ulong Id;
        public uint Pid;
        public uint Flags;
        public int Nr;
        public uint Arch;
        public ulong InstructionPointer;
        public fixed ulong Args[6];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Resp
    {
        public ulong Id;
        public long Val;
        public int Error;
        public uint Flags;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long nr, long a0, long a1, long a2);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, ulong request, void* arg);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>Receives the next notification on the child's listener and answers it with <paramref name="value"/>.</summary>
    public static Notif AnswerOne(int childPid, int childFd, long value)
    {
        // x86_64 numbers; the generic table (arm64, riscv64) uses the same for these two.
        int pidfd = (int)Syscall(434 /* pidfd_open */, childPid, 0, 0);
        if (pidfd < 0) throw new InvalidOperationException($"pidfd_open({childPid}): errno {Marshal.GetLastPInvokeError()}");
        int fd = (int)Syscall(438 /* pidfd_getfd */, pidfd, childFd, 0);
        int err = Marshal.GetLastPInvokeError();
        Close(pidfd);
        if (fd < 0) throw new InvalidOperationException($"pidfd_getfd: errno {err}");
        try
        {
            var notif = default(Notif); // must be zeroed for NOTIF_RECV
            if (Ioctl(fd, NotifRecv, &notif) != 0) throw new InvalidOperationException($"NOTIF_RECV: errno {Marshal.GetLastPInvokeError()}");
            var resp = new Resp { Id = notif.Id, Val = value, Error = 0, Flags = 0 };
            if (Ioctl(fd, NotifSend, &resp) != 0) throw new InvalidOperationException($"NOTIF_SEND: errno {Marshal.GetLastPInvokeError()}");
            return notif;
        }
        finally
        {
            Close(fd);
        }
    }
}

using System.Runtime.InteropServices;

namespace Seccomp
{
    /// <summary>
    /// The libc calls of the in-process supervisor's set-up and its reporter (the loop's own, without errno capture,
    /// are InProcessSupervisor.Clock's). Struct layouts checked against the kernel's
    /// include/uapi/linux/seccomp.h (struct seccomp_notif: 80 bytes, struct seccomp_notif_resp: 24 bytes).
    /// </summary>
    internal static unsafe class SupervisorNative
    {
        // _IOWR('!', 0, struct seccomp_notif) and _IOWR('!', 1, struct seccomp_notif_resp). The ioctl type '!' with
        // numbers 0x00-0x1f is seccomp's (Documentation/userspace-api/ioctl/ioctl-number.rst), so no other driver
        // answers these two codes: the program lets them through on any fd without knowing the listener's number.
        public const uint SECCOMP_IOCTL_NOTIF_RECV = 0xC0502100;
        public const uint SECCOMP_IOCTL_NOTIF_SEND = 0xC0182101;
        // _IOW('!', 4, __u64) (Linux 6.6): SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP asks the kernel to wake the supervisor on the
        // caller's CPU, as a synchronous handoff: a notification's round trip is then a few microseconds shorter.
        public const uint SECCOMP_IOCTL_NOTIF_SET_FLAGS = 0x40082104;
        public const ulong SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP = 1;
        public const uint SECCOMP_USER_NOTIF_FLAG_CONTINUE = 1;
        public const int CLONE_FILES = 0x400;
        public const int SIGSYS = 31;
        public const int EBUSY = 16;

        [StructLayout(LayoutKind.Sequential)]
        public struct Notif
        {
            public ulong Id;               // @0
            public uint Pid;               // @8 the calling thread's id, in this process's pid namespace
            public uint Flags;             // @12
            public int Nr;                 // @16 seccomp_data.nr
            public uint Arch;              // @20
            public ulong InstructionPointer; // @24
            public fixed ulong Args[6];    // @32
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct Response
        {
            public ulong Id;   // @0
            public long Val;   // @8
            public int Error;  // @16 a negative errno, or 0
            public uint Flags; // @20
        }

        [DllImport("libc", EntryPoint = "unshare", SetLastError = true)]
        public static extern int Unshare(int flags);

        [DllImport("libc", EntryPoint = "write", SetLastError = true)]
        public static extern nint Write(int fd, byte* buffer, nint count);

        [DllImport("libc", EntryPoint = "pthread_sigmask", SetLastError = true)]
        public static extern int PthreadSigmask(int how, ulong* set, ulong* old);

        [DllImport("libc", EntryPoint = "gettid", SetLastError = true)]
        public static extern int GetTid();


        public static int LastError => Marshal.GetLastPInvokeError();
    }
}

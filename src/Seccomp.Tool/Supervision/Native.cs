// Linux interop for the supervisor: the libc calls and constants it uses. Struct layouts (SeccompNotif, SeccompNotifResp,
// PollFd) checked against the kernel UAPI headers (docs/tool.md).

using System.Runtime.InteropServices;

namespace Seccomp.Tool;

internal static unsafe partial class Native
{
    public const ulong SECCOMP_IOCTL_NOTIF_RECV = 0xC0502100; // _IOWR('!', 0, struct seccomp_notif)
    public const ulong SECCOMP_IOCTL_NOTIF_SEND = 0xC0182101; // _IOWR('!', 1, struct seccomp_notif_resp)
    public const uint SECCOMP_USER_NOTIF_FLAG_CONTINUE = 1;

    public const long SYS_pidfd_open = 434;  // same number on x86_64, arm64 and riscv64
    public const long SYS_pidfd_getfd = 438; // same number on x86_64, arm64 and riscv64

    public const long SECCOMP_GET_ACTION_AVAIL = 2;
    public const long SECCOMP_GET_NOTIF_SIZES = 3;
    public const uint SECCOMP_RET_USER_NOTIF = 0x7FC00000;

    public const short POLLIN = 0x001;
    public const short POLLERR = 0x008;
    public const short POLLHUP = 0x010;
    public const short POLLNVAL = 0x020;

    public const int EINTR = 4;
    public const int ENOENT = 2;
    public const int F_SETFD = 2;
    public const int FD_CLOEXEC = 1;
    public const int F_DUPFD_CLOEXEC = 1030;

    [DllImport("libc.so.6", SetLastError = true)]
    public static extern int pipe2(int* fds, int flags);

    [DllImport("libc.so.6", SetLastError = true)]
    public static extern int fcntl(int fd, int cmd, int arg);

    [DllImport("libc.so.6", SetLastError = true)]
    public static extern int close(int fd);

    [DllImport("libc.so.6", SetLastError = true)]
    public static extern int dup2(int oldfd, int newfd);

    [DllImport("libc.so.6", SetLastError = true)]
    public static extern nint read(int fd, void* buf, nint count);

    [DllImport("libc.so.6", SetLastError = true)]
    public static extern nint write(int fd, void* buf, nint count);

    [DllImport("libc.so.6", SetLastError = true)]
    public static extern int poll(PollFd* fds, ulong nfds, int timeout);

    [DllImport("libc.so.6", SetLastError = true)]
    public static extern int ioctl(int fd, ulong request, void* arg);

    [DllImport("libc.so.6", SetLastError = true)]
    public static extern long syscall(long nr, long a1, long a2, long a3);

    [DllImport("libc.so.6", SetLastError = true)]
    public static extern int kill(int pid, int sig);

    [DllImport("libc.so.6", SetLastError = true)]
    public static extern nint readlink(byte* path, byte* buf, nint size);

    [DllImport("libc.so.6", SetLastError = true, EntryPoint = "syscall")]
    public static extern long syscall3p(long nr, long a1, long a2, void* a3);

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string Strerror(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}

using System;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Seccomp.Common;

namespace Seccomp
{
    internal static unsafe class NativeMethods
    {
        public const int PR_GET_SECCOMP = 21;
        public const int PR_SET_NO_NEW_PRIVS = 38;
        public const int PR_GET_NO_NEW_PRIVS = 39;
        public const uint SECCOMP_SET_MODE_FILTER = 1;
        public const uint SECCOMP_GET_ACTION_AVAIL = 2;
        public const int EPERM = 1, ESRCH = 3, EACCES = 13, EFAULT = 14, EINVAL = 22, ENOSYS = 38, EOPNOTSUPP = 95, ENOMEM = 12;

        [StructLayout(LayoutKind.Sequential)]
        public struct SockFprog
        {
            public ushort Len;
            public void* Filter;
        }

        [DllImport("libc", EntryPoint = "prctl", SetLastError = true)]
        private static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

        [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
        private static extern long syscall(long number, uint operation, uint flags, void* args);

        private static long SeccompNr => HostArchitecture.SeccompSyscallNumber;

        public static int Prctl(int option, ulong arg2, out int errno)
        {
            int rc = prctl(option, arg2, 0, 0, 0);
            errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
            return rc;
        }

        public static int Seccomp(uint op, uint flags, ref uint value, out int errno)
        {
            fixed (uint* p = &value)
            {
                long rc = syscall(SeccompNr, op, flags, p);
                errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
                return (int)rc;
            }
        }

        public static int SeccompNull(uint op, uint flags, out int errno)
        {
            long rc = syscall(SeccompNr, op, flags, null);
            errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
            return (int)rc;
        }

        public static int InstallFilter(uint flags, ReadOnlySpan<byte> program, out int errno)
        {
            fixed (byte* p = program)
            {
                var prog = new SockFprog { Len = (ushort)(program.Length / 8), Filter = p };
                long rc = syscall(SeccompNr, SECCOMP_SET_MODE_FILTER, flags, &prog);
                errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
                return (int)rc;
            }
        }
    }
}

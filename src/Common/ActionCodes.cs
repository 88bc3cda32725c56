// Linked into the runtime and the compiler core; internal in both.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler
#else
namespace Seccomp.Common
#endif
{
    /// <summary>
    /// The values a seccomp filter returns (include/uapi/linux/seccomp.h), and how the kernel reads them back:
    /// the action in the high 16 bits, its data in the low 16.
    /// </summary>
    internal static class ActionCodes
    {
        public const uint KillProcess = 0x80000000;
        public const uint KillThread = 0x00000000;
        public const uint Trap = 0x00030000;
        public const uint Errno = 0x00050000;
        public const uint UserNotif = 0x7fc00000;
        public const uint Trace = 0x7ff00000;
        public const uint Log = 0x7ffc0000;
        public const uint Allow = 0x7fff0000;
        public const uint ActionFull = 0xffff0000;
        public const uint DataMask = 0x0000ffff;

        /// <summary>Highest errno the kernel passes through (MAX_ERRNO); it clamps larger ERRNO data to this.</summary>
        public const int MaxErrno = 4095;

        public static uint BaseOf(SeccompAction action) => action switch
        {
            SeccompAction.KillProcess => KillProcess,
            SeccompAction.KillThread => KillThread,
            SeccompAction.Trap => Trap,
            SeccompAction.Errno => Errno,
            SeccompAction.Notify => UserNotif,
            SeccompAction.Trace => Trace,
            SeccompAction.Log => Log,
            SeccompAction.Allow => Allow,
            _ => throw new System.ArgumentOutOfRangeException(nameof(action)),
        };

        /// <summary>ERRNO, TRAP and TRACE carry data; the others ignore it.</summary>
        public static bool HasData(SeccompAction action) =>
            action == SeccompAction.Errno || action == SeccompAction.Trap || action == SeccompAction.Trace;

        /// <summary>The 32-bit value a BPF <c>RET</c> returns.</summary>
        public static uint Encode(SeccompAction action, ushort data) => BaseOf(action) | (HasData(action) ? data : 0u);

        /// <summary>
        /// Reads a filter's return value as the kernel does (kernel/seccomp.c, __seccomp_filter): an unknown action is
        /// KILL_PROCESS, and ERRNO data above MAX_ERRNO is clamped to it.
        /// </summary>
        public static SeccompAction Decode(uint value, out ushort data)
        {
            data = (ushort)(value & DataMask);
            SeccompAction action;
            switch (value & ActionFull)
            {
                case KillThread: action = SeccompAction.KillThread; break;
                case Trap: action = SeccompAction.Trap; break;
                case Errno: action = SeccompAction.Errno; if (data > MaxErrno) data = MaxErrno; break;
                case UserNotif: action = SeccompAction.Notify; break;
                case Trace: action = SeccompAction.Trace; break;
                case Log: action = SeccompAction.Log; break;
                case Allow: action = SeccompAction.Allow; break;
                default: action = SeccompAction.KillProcess; break;
            }
            if (!HasData(action)) data = 0;
            return action;
        }

        /// <summary><c>ALLOW</c>, <c>ERRNO(1)</c>, <c>KILL_PROCESS</c>, <c>TRAP(5)</c>...</summary>
        public static string Format(SeccompAction action, ushort data) => action switch
        {
            SeccompAction.KillProcess => "KILL_PROCESS",
            SeccompAction.KillThread => "KILL_THREAD",
            SeccompAction.Trap => "TRAP(" + data + ")",
            SeccompAction.Errno => "ERRNO(" + data + ")",
            SeccompAction.Notify => "USER_NOTIF",
            SeccompAction.Trace => "TRACE(" + data + ")",
            SeccompAction.Log => "LOG",
            SeccompAction.Allow => "ALLOW",
            _ => "?",
        };

        /// <summary>The kernel's name of the action, e.g. <c>SECCOMP_RET_KILL_PROCESS</c>.</summary>
        public static string KernelName(SeccompAction action) => action switch
        {
            SeccompAction.KillProcess => "SECCOMP_RET_KILL_PROCESS",
            SeccompAction.KillThread => "SECCOMP_RET_KILL_THREAD",
            SeccompAction.Trap => "SECCOMP_RET_TRAP",
            SeccompAction.Errno => "SECCOMP_RET_ERRNO",
            SeccompAction.Notify => "SECCOMP_RET_USER_NOTIF",
            SeccompAction.Trace => "SECCOMP_RET_TRACE",
            SeccompAction.Log => "SECCOMP_RET_LOG",
            _ => "SECCOMP_RET_ALLOW",
        };
    }
}

using System;

namespace Seccomp.Compiler
{
    /// <summary>
    /// The kernel's filter actions, most restrictive first. The order is the kernel's own precedence across stacked
    /// filters, and the order the compiler uses when several rules match one call. Values match
    /// <c>Seccomp.SeccompAction</c> in the runtime, so a cast converts between them.
    /// </summary>
    public enum ActionKind
    {
        KillProcess,
        KillThread,
        Trap,
        Errno,
        Notify,
        Trace,
        Log,
        Allow,
    }

    /// <summary>An action with its 16-bit data (errno for ERRNO, the value for TRAP and TRACE).</summary>
    public readonly record struct Verdict(ActionKind Kind, ushort Data) : IComparable<Verdict>
    {
        public const uint RetKillProcess = 0x80000000;
        public const uint RetKillThread = 0x00000000;
        public const uint RetTrap = 0x00030000;
        public const uint RetErrno = 0x00050000;
        public const uint RetUserNotif = 0x7fc00000;
        public const uint RetTrace = 0x7ff00000;
        public const uint RetLog = 0x7ffc0000;
        public const uint RetAllow = 0x7fff0000;
        public const uint RetActionFull = 0xffff0000;
        public const uint RetData = 0x0000ffff;

        /// <summary>Highest errno the kernel passes through (MAX_ERRNO); larger values are clamped by the kernel.</summary>
        public const int MaxErrno = 4095;

        public static Verdict Allow => new(ActionKind.Allow, 0);
        public static Verdict KillProcess => new(ActionKind.KillProcess, 0);
        public static Verdict Errno(int errno) => new(ActionKind.Errno, checked((ushort)errno));

        /// <summary>A verdict with its data kept only for the actions that carry data, so equal verdicts compare equal.</summary>
        public static Verdict Of(ActionKind kind, int data) => new(kind, HasData(kind) ? unchecked((ushort)data) : (ushort)0);

        /// <summary>The 32-bit value a BPF <c>RET</c> returns for this verdict.</summary>
        public uint ToKernel() => BaseOf(Kind) | (HasData(Kind) ? Data : 0u);

        /// <summary>Decodes a filter return value the way the kernel does (unknown actions are KILL_PROCESS).</summary>
        public static Verdict FromKernel(uint ret)
        {
            uint action = ret & RetActionFull;
            ushort data = (ushort)(ret & RetData);
            switch (action)
            {
                case RetKillProcess: return new(ActionKind.KillProcess, 0);
                case RetKillThread: return new(ActionKind.KillThread, 0);
                case RetTrap: return new(ActionKind.Trap, data);
                case RetErrno: return new(ActionKind.Errno, data);
                case RetUserNotif: return new(ActionKind.Notify, 0);
                case RetTrace: return new(ActionKind.Trace, data);
                case RetLog: return new(ActionKind.Log, 0);
                case RetAllow: return new(ActionKind.Allow, 0);
                default: return new(ActionKind.KillProcess, 0);
            }
        }

        public static uint BaseOf(ActionKind kind) => kind switch
        {
            ActionKind.KillProcess => RetKillProcess,
            ActionKind.KillThread => RetKillThread,
            ActionKind.Trap => RetTrap,
            ActionKind.Errno => RetErrno,
            ActionKind.Notify => RetUserNotif,
            ActionKind.Trace => RetTrace,
            ActionKind.Log => RetLog,
            ActionKind.Allow => RetAllow,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        public static bool HasData(ActionKind kind) =>
            kind == ActionKind.Errno || kind == ActionKind.Trap || kind == ActionKind.Trace;

        /// <summary>
        /// Total order, most restrictive first: by action, then by data (so ERRNO(1) beats ERRNO(13)). Using the data
        /// as a tie-breaker keeps the result independent of attribute order.
        /// </summary>
        public int CompareTo(Verdict other)
        {
            int c = ((int)Kind).CompareTo((int)other.Kind);
            return c != 0 ? c : Data.CompareTo(other.Data);
        }

        /// <summary>The more restrictive of two verdicts.</summary>
        public static Verdict Strictest(Verdict a, Verdict b) => a.CompareTo(b) <= 0 ? a : b;

        public override string ToString() => Kind switch
        {
            ActionKind.KillProcess => "KILL_PROCESS",
            ActionKind.KillThread => "KILL_THREAD",
            ActionKind.Trap => $"TRAP({Data})",
            ActionKind.Errno => $"ERRNO({Data})",
            ActionKind.Notify => "USER_NOTIF",
            ActionKind.Trace => $"TRACE({Data})",
            ActionKind.Log => "LOG",
            ActionKind.Allow => "ALLOW",
            _ => "?",
        };
    }
}

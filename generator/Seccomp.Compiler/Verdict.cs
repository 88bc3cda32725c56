using System;

namespace Seccomp.Compiler
{
    /// <summary>An action with its 16-bit data (errno for ERRNO, the value for TRAP and TRACE).</summary>
    internal readonly record struct Verdict(SeccompAction Kind, ushort Data) : IComparable<Verdict>
    {
        /// <summary>Highest errno the kernel passes through (MAX_ERRNO); larger values are clamped by the kernel.</summary>
        public const int MaxErrno = ActionCodes.MaxErrno;

        public static Verdict Allow => new(SeccompAction.Allow, 0);
        public static Verdict KillProcess => new(SeccompAction.KillProcess, 0);
        public static Verdict Errno(int errno) => new(SeccompAction.Errno, checked((ushort)errno));

        /// <summary>A verdict with its data kept only for the actions that carry data, so equal verdicts compare equal.</summary>
        public static Verdict Of(SeccompAction kind, int data) => new(kind, HasData(kind) ? unchecked((ushort)data) : (ushort)0);

        /// <summary>The 32-bit value a BPF <c>RET</c> returns for this verdict.</summary>
        public uint ToKernel() => ActionCodes.Encode(Kind, Data);

        /// <summary>Decodes a filter return value the way the kernel does (unknown actions are KILL_PROCESS).</summary>
        public static Verdict FromKernel(uint ret)
        {
            var action = ActionCodes.Decode(ret, out ushort data);
            return new Verdict(action, data);
        }

        public static bool HasData(SeccompAction kind) => ActionCodes.HasData(kind);

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

        public override string ToString() => ActionCodes.Format(Kind, Data);
    }
}

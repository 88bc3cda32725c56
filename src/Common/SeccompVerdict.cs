// Linked into the runtime (public, namespace Seccomp) and the compiler core (internal, namespace Seccomp.Compiler):
// one definition of what a filter decides, so that the compiler's model, the runtime's interpreter and the tool read
// a verdict the same way. The core also orders verdicts (most restrictive first) and builds them from policy
// settings; those members are compiled into the core only, so the runtime's public surface stays as it is.
using System;
#if SECCOMP_COMPILER
namespace Seccomp.Compiler
#else
using Seccomp.Common;

namespace Seccomp
#endif
{
    /// <summary>What a filter decided for one call: an action and its 16-bit data.</summary>
#if SECCOMP_COMPILER
    internal readonly struct SeccompVerdict : IEquatable<SeccompVerdict>, IComparable<SeccompVerdict>
#else
    public readonly struct SeccompVerdict : IEquatable<SeccompVerdict>
#endif
    {
        public SeccompVerdict(SeccompAction action, ushort data = 0)
        {
            Action = action;
            Data = ActionCodes.HasData(action) ? data : (ushort)0;
        }

        public SeccompAction Action { get; }

        /// <summary>The errno for ERRNO, the value for TRAP and TRACE, 0 otherwise.</summary>
        public ushort Data { get; }

        /// <summary>Decodes a filter's return value as the kernel does (unknown actions kill the process; errno is clamped to 4095).</summary>
        public static SeccompVerdict FromKernel(uint value)
        {
            var action = ActionCodes.Decode(value, out ushort data);
            return new SeccompVerdict(action, data);
        }

        /// <summary>The value a BPF <c>RET</c> returns for this verdict.</summary>
        public uint ToKernel() => ActionCodes.Encode(Action, Data);

        public static SeccompVerdict Allow => new(SeccompAction.Allow);

#if SECCOMP_COMPILER
        /// <summary>Highest errno the kernel passes through (MAX_ERRNO); larger values are clamped by the kernel.</summary>
        public const int MaxErrno = ActionCodes.MaxErrno;

        public static SeccompVerdict KillProcess => new(SeccompAction.KillProcess);

        public static SeccompVerdict Errno(int errno) => new(SeccompAction.Errno, checked((ushort)errno));

        /// <summary>A verdict with its data kept only for the actions that carry data, so equal verdicts compare equal.</summary>
        public static SeccompVerdict Of(SeccompAction action, int data) => new(action, HasData(action) ? unchecked((ushort)data) : (ushort)0);

        public static bool HasData(SeccompAction action) => ActionCodes.HasData(action);

        /// <summary>
        /// Total order, most restrictive first: by action, then by data (so ERRNO(1) beats ERRNO(13)). Using the data
        /// as a tie-breaker keeps the result independent of attribute order.
        /// </summary>
        public int CompareTo(SeccompVerdict other)
        {
            int c = ((int)Action).CompareTo((int)other.Action);
            return c != 0 ? c : Data.CompareTo(other.Data);
        }

        /// <summary>The more restrictive of two verdicts.</summary>
        public static SeccompVerdict Strictest(SeccompVerdict a, SeccompVerdict b) => a.CompareTo(b) <= 0 ? a : b;
#else
        public static SeccompVerdict Errno(Errno errno) => new(SeccompAction.Errno, (ushort)errno);
#endif

        public bool Equals(SeccompVerdict other) => Action == other.Action && Data == other.Data;

        public override bool Equals(object? obj) => obj is SeccompVerdict v && Equals(v);

        public override int GetHashCode() => ((int)Action << 16) | Data;

        public static bool operator ==(SeccompVerdict a, SeccompVerdict b) => a.Equals(b);

        public static bool operator !=(SeccompVerdict a, SeccompVerdict b) => !a.Equals(b);

        /// <summary><c>ALLOW</c>, <c>ERRNO(1)</c>, <c>KILL_PROCESS</c>, <c>TRAP(5)</c>...</summary>
        public override string ToString() => ActionCodes.Format(Action, Data);
    }
}

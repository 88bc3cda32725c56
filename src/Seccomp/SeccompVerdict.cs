using System;
using Seccomp.Common;

namespace Seccomp
{
    /// <summary>What a filter decided for one call: an action and its 16-bit data.</summary>
    public readonly struct SeccompVerdict : IEquatable<SeccompVerdict>
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

        public static SeccompVerdict Errno(Errno errno) => new(SeccompAction.Errno, (ushort)errno);

        public bool Equals(SeccompVerdict other) => Action == other.Action && Data == other.Data;

        public override bool Equals(object? obj) => obj is SeccompVerdict v && Equals(v);

        public override int GetHashCode() => ((int)Action << 16) | Data;

        public static bool operator ==(SeccompVerdict a, SeccompVerdict b) => a.Equals(b);

        public static bool operator !=(SeccompVerdict a, SeccompVerdict b) => !a.Equals(b);

        /// <summary><c>ALLOW</c>, <c>ERRNO(1)</c>, <c>KILL_PROCESS</c>, <c>TRAP(5)</c>...</summary>
        public override string ToString() => ActionCodes.Format(Action, Data);
    }
}

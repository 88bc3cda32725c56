using System;
using Seccomp.Compiler;

namespace Seccomp
{
    /// <summary>What a filter decided for one call: an action and its 16-bit data.</summary>
    public readonly struct SeccompVerdict : IEquatable<SeccompVerdict>
    {
        public SeccompVerdict(SeccompAction action, ushort data = 0)
        {
            Action = action;
            Data = Verdict.HasData((ActionKind)action) ? data : (ushort)0;
        }

        public SeccompAction Action { get; }

        /// <summary>The errno for ERRNO, the value for TRAP and TRACE, 0 otherwise.</summary>
        public ushort Data { get; }

        /// <summary>Decodes a filter's return value as the kernel does.</summary>
        public static SeccompVerdict FromKernel(uint value)
        {
            var v = Verdict.FromKernel(value);
            return new SeccompVerdict((SeccompAction)v.Kind, v.Data);
        }

        /// <summary>The value a BPF <c>RET</c> returns for this verdict.</summary>
        public uint ToKernel() => new Verdict((ActionKind)Action, Data).ToKernel();

        public static SeccompVerdict Allow => new(SeccompAction.Allow);

        public static SeccompVerdict Errno(Errno errno) => new(SeccompAction.Errno, (ushort)errno);

        public bool Equals(SeccompVerdict other) => Action == other.Action && Data == other.Data;

        public override bool Equals(object? obj) => obj is SeccompVerdict v && Equals(v);

        public override int GetHashCode() => ((int)Action << 16) | Data;

        public static bool operator ==(SeccompVerdict a, SeccompVerdict b) => a.Equals(b);

        public static bool operator !=(SeccompVerdict a, SeccompVerdict b) => !a.Equals(b);

        /// <summary><c>ALLOW</c>, <c>ERRNO(1)</c>, <c>KILL_PROCESS</c>, <c>TRAP(5)</c>...</summary>
        public override string ToString() => new Verdict((ActionKind)Action, Data).ToString();
    }
}

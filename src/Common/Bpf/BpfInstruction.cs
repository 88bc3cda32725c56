using System;
using System.Collections.Generic;

// Linked into the runtime and the compiler core; internal in both.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler.Bpf
#else
namespace Seccomp.Bpf
#endif
{
    /// <summary>One classic BPF instruction, laid out as the kernel's <c>struct sock_filter</c>.</summary>
    internal readonly record struct BpfInstruction(ushort Code, byte Jt, byte Jf, uint K)
    {
        public const int Size = 8;

        public static BpfInstruction Stmt(ushort code, uint k) => new(code, 0, 0, k);

        public static BpfInstruction Jump(ushort code, uint k, byte jt, byte jf) => new(code, jt, jf, k);

        /// <summary>True on a big-endian host (s390x): what a program installed by this process must be in.</summary>
        public static readonly bool HostBigEndian = !BitConverter.IsLittleEndian;

        /// <summary>Writes the instruction as the target's struct sock_filter: code and k in its byte order.</summary>
        public void WriteTo(byte[] destination, int offset, bool bigEndian = false)
        {
            if (bigEndian)
            {
                destination[offset] = (byte)(Code >> 8);
                destination[offset + 1] = (byte)Code;
                destination[offset + 4] = (byte)(K >> 24);
                destination[offset + 5] = (byte)(K >> 16);
                destination[offset + 6] = (byte)(K >> 8);
                destination[offset + 7] = (byte)K;
            }
            else
            {
                destination[offset] = (byte)Code;
                destination[offset + 1] = (byte)(Code >> 8);
                destination[offset + 4] = (byte)K;
                destination[offset + 5] = (byte)(K >> 8);
                destination[offset + 6] = (byte)(K >> 16);
                destination[offset + 7] = (byte)(K >> 24);
            }
            destination[offset + 2] = Jt;
            destination[offset + 3] = Jf;
        }

        public static BpfInstruction ReadFrom(byte[] source, int offset, bool bigEndian = false) => bigEndian
            ? new((ushort)(source[offset] << 8 | source[offset + 1]), source[offset + 2], source[offset + 3],
                (uint)(source[offset + 4] << 24 | source[offset + 5] << 16 | source[offset + 6] << 8 | source[offset + 7]))
            : new((ushort)(source[offset] | source[offset + 1] << 8), source[offset + 2], source[offset + 3],
                (uint)(source[offset + 4] | source[offset + 5] << 8 | source[offset + 6] << 16 | source[offset + 7] << 24));

        /// <summary>The program as the target's struct sock_filter array (big-endian for s390x, as libseccomp exports it).</summary>
        public static byte[] ToBytes(IReadOnlyList<BpfInstruction> program, bool bigEndian = false)
        {
            var bytes = new byte[program.Count * Size];
            for (int i = 0; i < program.Count; i++)
                program[i].WriteTo(bytes, i * Size, bigEndian);
            return bytes;
        }

        public static BpfInstruction[] FromBytes(byte[] bytes, bool bigEndian = false)
        {
            if (bytes.Length % Size != 0)
                throw new ArgumentException($"A BPF program is a whole number of {Size}-byte instructions; got {bytes.Length} bytes.", nameof(bytes));
            var program = new BpfInstruction[bytes.Length / Size];
            for (int i = 0; i < program.Length; i++)
                program[i] = ReadFrom(bytes, i * Size, bigEndian);
            return program;
        }
    }
}

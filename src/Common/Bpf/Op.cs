using System;
using System.Collections.Generic;

// Linked into the runtime and the compiler core; internal in both.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler.Bpf
#else
namespace Seccomp.Bpf
#endif
{
    /// <summary>Classic BPF opcode parts (include/uapi/linux/filter.h and bpf_common.h).</summary>
    internal static class Op
    {
        // Classes
        public const ushort LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07;
        // Sizes and modes
        public const ushort W = 0x00, H = 0x08, B = 0x10;
        public const ushort IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, LEN = 0x80, MSH = 0xa0;
        // ALU and jump operations
        public const ushort ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60, RSH = 0x70, NEG = 0x80, MOD = 0x90, XOR = 0xa0;
        public const ushort JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40;
        // Sources
        public const ushort K = 0x00, X = 0x08, A = 0x10;
        // MISC
        public const ushort TAX = 0x00, TXA = 0x80;

        public static ushort Class(ushort code) => (ushort)(code & 0x07);
        public static ushort Size(ushort code) => (ushort)(code & 0x18);
        public static ushort Mode(ushort code) => (ushort)(code & 0xe0);
        public static ushort Operation(ushort code) => (ushort)(code & 0xf0);
        public static ushort Source(ushort code) => (ushort)(code & 0x08);
        public static ushort RetSource(ushort code) => (ushort)(code & 0x18);

        /// <summary>Size of <c>struct seccomp_data</c>: nr, arch, instruction_pointer, args[6].</summary>
        public const int SeccompDataSize = 64;
        public const uint OffsetNr = 0;
        public const uint OffsetArch = 4;
        public const uint OffsetIp = 8;
        public const uint OffsetArgs = 16;

        /// <summary>
        /// Offset of the low (<paramref name="high"/> false) or high 32 bits of an argument: args[] are native u64s, so
        /// on a big-endian kernel (s390x) the high word comes first and the low one sits 4 bytes later.
        /// </summary>
        public static uint ArgOffset(int arg, bool high, bool bigEndian = false) =>
            OffsetArgs + (uint)(8 * arg) + (high != bigEndian ? 4u : 0u);

        /// <summary>Maximum program length the kernel accepts (BPF_MAXINSNS).</summary>
        public const int MaxInstructions = 4096;
    }
}

using System;

namespace Seccomp
{
    /// <summary>The input of a seccomp filter (struct seccomp_data): what the kernel shows the program about a call.</summary>
    public readonly struct SeccompData
    {
        private readonly ulong _a0, _a1, _a2, _a3, _a4, _a5;

        public SeccompData(int nr, uint arch, ulong instructionPointer, ReadOnlySpan<ulong> args)
        {
            if (args.Length > 6) throw new ArgumentException("a syscall has at most 6 arguments", nameof(args));
            Nr = nr;
            Arch = arch;
            InstructionPointer = instructionPointer;
            _a0 = args.Length > 0 ? args[0] : 0;
            _a1 = args.Length > 1 ? args[1] : 0;
            _a2 = args.Length > 2 ? args[2] : 0;
            _a3 = args.Length > 3 ? args[3] : 0;
            _a4 = args.Length > 4 ? args[4] : 0;
            _a5 = args.Length > 5 ? args[5] : 0;
        }

        /// <summary>The six arguments as separate values: what the in-process supervisor builds from a notification without
        /// a span (its loop calls nothing the runtime could tier up or allocate for).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        internal SeccompData(int nr, uint arch, ulong instructionPointer, ulong a0, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5)
        {
            Nr = nr;
            Arch = arch;
            InstructionPointer = instructionPointer;
            _a0 = a0; _a1 = a1; _a2 = a2; _a3 = a3; _a4 = a4; _a5 = a5;
        }

        public int Nr { get; }

        /// <summary>The AUDIT_ARCH_* value of the calling ABI.</summary>
        public uint Arch { get; }

        public ulong InstructionPointer { get; }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public ulong Arg(int index) => index switch
        {
            0 => _a0, 1 => _a1, 2 => _a2, 3 => _a3, 4 => _a4, 5 => _a5,
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        /// <summary>
        /// The 32-bit word at a byte offset, as the kernel lays the struct out: nr and arch are u32s; instruction_pointer
        /// and args[] are native u64s, whose low word comes first on a little-endian kernel and second on a big-endian
        /// one (s390x). Which one is told by the calling ABI's audit token: __AUDIT_ARCH_LE is set in every
        /// little-endian token and clear in big-endian ones, and a kernel only runs tasks of its own byte order.
        /// </summary>
        // Optimized at once (never tiered): the in-process supervisor runs it, and must not start tiering work (see
        // InProcessSupervisor).
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public uint Word(uint offset)
        {
            // The offset of the u64's low word, 0 or 4, flips on a big-endian kernel.
            uint low = (Arch & 0x40000000u) != 0 ? 0u : 4u;
            return offset switch
            {
                0 => unchecked((uint)Nr),
                4 => Arch,
                8 or 12 => offset - 8 == low ? (uint)InstructionPointer : (uint)(InstructionPointer >> 32),
                _ when offset >= 16 && offset < 64 && offset % 4 == 0 =>
                    (offset - 16) % 8 == low ? (uint)Arg((int)(offset - 16) / 8) : (uint)(Arg((int)(offset - 16) / 8) >> 32),
                _ => throw new ArgumentOutOfRangeException(nameof(offset), $"no 32-bit word at offset {offset} of seccomp_data"),
            };
        }
    }
}

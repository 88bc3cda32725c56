using System;
using Seccomp.Bpf;
using Seccomp.Common;

namespace Seccomp
{
    /// <summary>A finished seccomp program for one architecture: the bytes the kernel installs.</summary>
    public sealed class SeccompProgram
    {
        private readonly byte[] _bytes;
        private readonly BpfInstruction[] _instructions;

        /// <summary>
        /// Wraps a program (the kernel's struct sock_filter array, 8 bytes per instruction, in the target's byte order:
        /// big-endian for s390x, little-endian elsewhere), checked with the kernel's own rules: a program the kernel
        /// would refuse is refused here too.
        /// </summary>
        /// <exception cref="ArgumentException">The bytes are not a program the kernel accepts; the message says where.</exception>
        public SeccompProgram(SeccompArch arch, ReadOnlySpan<byte> bytes)
        {
            if (!Enum.IsDefined(arch)) throw new ArgumentOutOfRangeException(nameof(arch), arch, "not a SeccompArch");
            Arch = arch;
            _bytes = bytes.ToArray();
            _instructions = BpfInstruction.FromBytes(_bytes, ArchInfo.Get(arch).BigEndian);
            var problems = BpfVerifier.Verify(_instructions);
            if (problems.Count > 0)
                throw new ArgumentException($"not a seccomp program the kernel accepts: {problems[0]}", nameof(bytes));
        }

        public SeccompArch Arch { get; }

        /// <summary>The AUDIT_ARCH_* value the program accepts.</summary>
        public uint AuditArch => ArchInfo.Get(Arch).AuditArch;

        /// <summary>Number of instructions.</summary>
        public int Count => _instructions.Length;

        internal BpfInstruction[] Instructions => _instructions;

        /// <summary>The kernel's struct sock_filter array: 8 bytes per instruction, in the target's byte order (big-endian
        /// for s390x, as libseccomp exports it), so that bytes built on any host load unchanged on the target.</summary>
        public byte[] ToBytes() => (byte[])_bytes.Clone();

        /// <summary>One line per instruction, e.g. <c>0001: jeq #0xc000003e, 0002, 0042</c>; syscall numbers are named.</summary>
        public string Disassemble() => BpfDisassembler.Disassemble(_instructions, ArchInfo.Get(Arch));

        /// <summary>Runs the program for a call made with this program's architecture.</summary>
        public SeccompVerdict Run(int syscallNumber, params ulong[] args) =>
            Run(new SeccompData(syscallNumber, AuditArch, 0, args), out _);

        /// <summary>Runs the program on any input, e.g. a foreign architecture, and counts executed instructions.</summary>
        public SeccompVerdict Run(in SeccompData data, out int instructionsExecuted) =>
            SeccompVerdict.FromKernel(BpfInterpreter.Run(_instructions, data, out instructionsExecuted));

        public override string ToString() => $"{Arch} program, {Count} instructions";
    }
}

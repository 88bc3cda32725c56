using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Bpf;

namespace Seccomp
{
    /// <summary>A finished seccomp program for one architecture: the bytes the kernel installs.</summary>
    public sealed class SeccompProgram
    {
        private readonly byte[] _bytes;
        private readonly BpfInstruction[] _instructions;

        /// <summary>Wraps a program (struct sock_filter array, 8 bytes per instruction, little-endian).</summary>
        public SeccompProgram(SeccompArch arch, ReadOnlySpan<byte> bytes)
        {
            Arch = arch;
            _bytes = bytes.ToArray();
            _instructions = BpfInstruction.FromBytes(_bytes);
        }

        public SeccompArch Arch { get; }

        /// <summary>The AUDIT_ARCH_* value the program accepts.</summary>
        public uint AuditArch => ArchInfo.Get((TargetArch)Arch).AuditArch;

        /// <summary>Number of instructions.</summary>
        public int Count => _instructions.Length;

        public IReadOnlyList<BpfInstruction> Instructions => _instructions;

        /// <summary>The kernel's struct sock_filter array: 8 bytes per instruction, little-endian.</summary>
        public byte[] ToBytes() => (byte[])_bytes.Clone();

        /// <summary>One line per instruction, e.g. <c>0001: jeq #0xc000003e, 0002, 0042</c>.</summary>
        public string Disassemble() => BpfDisassembler.Disassemble(_instructions);

        /// <summary>The kernel's checks that the program breaks (none for a generated program).</summary>
        public IReadOnlyList<string> Verify() => BpfVerifier.Verify(_instructions).Select(e => e.ToString()).ToArray();

        /// <summary>Runs the program for a call made with this program's architecture.</summary>
        public SeccompVerdict Run(int syscallNumber, params ulong[] args) =>
            Run(new SeccompData(syscallNumber, AuditArch, 0, args), out _);

        /// <summary>Runs the program on any input, e.g. a foreign architecture, and counts executed instructions.</summary>
        public SeccompVerdict Run(in SeccompData data, out int instructionsExecuted) =>
            SeccompVerdict.FromKernel(BpfInterpreter.Run(_instructions, data, out instructionsExecuted));

        public override string ToString() => $"{Arch} program, {Count} instructions";
    }
}

using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler.Bpf;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler
{
    /// <summary>One architecture's verified program, and the resolved policy it was compiled from.</summary>
    internal sealed class CompiledProgram
    {
        public CompiledProgram(ResolvedPolicy resolved, BpfInstruction[] instructions)
        {
            Resolved = resolved;
            Instructions = instructions;
        }

        public SeccompArch Arch => Resolved.Arch.Arch;

        /// <summary>What the program decides, per syscall number: the reference evaluator's input.</summary>
        public ResolvedPolicy Resolved { get; }

        public IReadOnlyList<BpfInstruction> Instructions { get; }

        /// <summary>The kernel's struct sock_filter array.</summary>
        public byte[] ToBytes() => BpfInstruction.ToBytes(Instructions);
    }
}

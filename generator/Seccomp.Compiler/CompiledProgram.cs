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
        public CompiledProgram(ResolvedPolicy resolved, BpfInstruction[] instructions, int[]? processIdSlots = null)
        {
            Resolved = resolved;
            Instructions = instructions;
            ProcessIdSlots = processIdSlots ?? System.Array.Empty<int>();
        }

        /// <summary>
        /// The jumps whose K is <see cref="Conditions.CompareCondition.SelfPidPlaceholder"/> standing for the process's
        /// pid (SELF_PID): the runtime writes getpid() there before it installs the program. Empty for most policies.
        /// </summary>
        public IReadOnlyList<int> ProcessIdSlots { get; }

        public SeccompArch Arch => Resolved.Arch.Arch;

        /// <summary>What the program decides, per syscall number: the reference evaluator's input.</summary>
        public ResolvedPolicy Resolved { get; }

        public IReadOnlyList<BpfInstruction> Instructions { get; }

        /// <summary>The kernel's struct sock_filter array, in the target's byte order (big-endian for s390x).</summary>
        public byte[] ToBytes() => BpfInstruction.ToBytes(Instructions, Resolved.Arch.BigEndian);
    }
}

using System.Collections.Generic;
using Seccomp.Compiler.Bpf;
using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler
{
    /// <summary>The outcome of compiling a policy for one architecture: a verified program, or the reasons there is none.</summary>
    public abstract record CompileResult
    {
        private CompileResult() { }

        public sealed record Success(TargetArch Arch, EquatableArray<BpfInstruction> Program) : CompileResult
        {
            public byte[] ToBytes() => BpfInstruction.ToBytes(Program);
        }

        public sealed record Failure(TargetArch Arch, EquatableArray<PolicyError> Errors) : CompileResult;
    }
}

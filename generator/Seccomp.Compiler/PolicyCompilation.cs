using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler.Bpf;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler
{
    /// <summary>
    /// Everything the compiler says about one policy: its diagnostics (errors, and when there are none the analysis's
    /// findings) and, when it has no error, a verified program for each target architecture.
    /// </summary>
    internal sealed class PolicyCompilation
    {
        public PolicyCompilation(PolicyModel model, IReadOnlyList<PolicyDiagnostic> diagnostics, IReadOnlyList<CompiledProgram> programs)
        {
            Model = model;
            Diagnostics = diagnostics;
            Programs = programs;
        }

        public PolicyModel Model { get; }

        public IReadOnlyList<PolicyDiagnostic> Diagnostics { get; }

        /// <summary>One per target architecture, in the policy's order; empty when there is an error.</summary>
        public IReadOnlyList<CompiledProgram> Programs { get; }

        public bool HasErrors => Diagnostics.Any(d => d.IsError);

        public IEnumerable<PolicyDiagnostic> Errors => Diagnostics.Where(d => d.IsError);

        public CompiledProgram Program(SeccompArch arch) => Programs.First(p => p.Arch == arch);
    }
}

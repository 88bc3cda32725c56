using System.Collections.Generic;
using Seccomp.Compiler.Bpf;

namespace Seccomp.Tests.Support;

internal static class ProgramExtensions
{
    /// <summary>A runtime program's instructions as the compiler core's type (the two compile the same source apart).</summary>
    public static IReadOnlyList<BpfInstruction> Code(this SeccompProgram program) =>
        BpfInstruction.FromBytes(program.ToBytes(), Seccomp.Compiler.ArchInfo.Get((CoreArch)program.Arch).BigEndian);
}

using Seccomp.Compiler;

namespace Seccomp.Generators
{
    /// <summary>One architecture's finished program: its bytes and, for the comment beside them, its disassembly.</summary>
    internal sealed record ProgramModel(SeccompArch Arch, EquatableArray<byte> Bytes, EquatableArray<string> Disassembly);
}

using Seccomp.Compiler;

namespace Seccomp.Generators
{
    /// <summary>
    /// One architecture's finished program: its bytes, for the comment beside them its disassembly, and the jumps where
    /// the runtime writes the process's pid (SELF_PID; empty for most policies).
    /// </summary>
    internal sealed record ProgramModel(SeccompArch Arch, EquatableArray<byte> Bytes, EquatableArray<string> Disassembly, EquatableArray<int> ProcessIdSlots);
}

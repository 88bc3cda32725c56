using System.Collections.Generic;

namespace Seccomp.Compiler.Containers
{
    /// <summary>One <c>syscalls[]</c> entry: the calls, the action (with its errno or trace value) and ANDed conditions, each on its own argument.</summary>
    internal sealed record OciSyscall(IReadOnlyList<string> Names, SeccompVerdict Action, IReadOnlyList<OciArg> Args);
}

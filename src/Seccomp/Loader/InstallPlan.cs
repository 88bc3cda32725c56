using System.Collections.Generic;
using Seccomp.Bpf;
using Seccomp.Common;

namespace Seccomp
{
    /// <summary>The program and flags to install on a kernel with the probed features, or why there are none.</summary>
    /// <param name="Program">The program to install, or null when it is the one given, unchanged.</param>
    /// <param name="Flags">The seccomp(2) filter flags to install with.</param>
    /// <param name="Fallbacks">The documented substitutions made for what the kernel lacks.</param>
    /// <param name="Error">Why the program cannot be installed on this kernel, or null.</param>
    /// <param name="ErrorErrno">The errno behind <paramref name="Error"/>, or 0.</param>
    /// <param name="DeniedByFilter">The error is a probe that an installed filter refused, not a feature the kernel lacks.</param>
    internal sealed record InstallPlan(BpfInstruction[]? Program, SeccompFilterFlags Flags, IReadOnlyList<SeccompFallback> Fallbacks, string? Error,
        int ErrorErrno = 0, bool DeniedByFilter = false);
}

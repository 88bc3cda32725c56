using System;
using System.Collections.Generic;

namespace Seccomp
{
    /// <summary>What <c>Install()</c> did.</summary>
    public sealed record SeccompInstallation(
        SeccompArch Arch,
        int InstructionCount,
        SeccompFilterFlags Flags,
        IReadOnlyList<SeccompFallback> Fallbacks,
        int ListenerFd);
}

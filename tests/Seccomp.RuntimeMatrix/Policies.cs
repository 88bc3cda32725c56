using Seccomp;

namespace Seccomp.RuntimeMatrix;

/// <summary>What every case but the child-process one runs under: the runtime group alone, anything else kills.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.KillProcess)]
[Allow("@dotnet-runtime")]
internal static partial class RuntimeOnly;

/// <summary>The child-process case: the runtime group and the group of Process.Start.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.KillProcess)]
[Allow("@dotnet-runtime", "@process")]
internal static partial class RuntimeAndProcess;

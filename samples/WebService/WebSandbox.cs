using Seccomp;

namespace WebService;

/// <summary>
/// Everything this web service may call: the runtime, then Kestrel and the generic host (measured, see
/// data/aspnetcore-syscalls-x86_64.tsv). Any other call kills the process.
/// </summary>
[SeccompPolicy(DefaultAction = SeccompAction.KillProcess)]
[Allow("@dotnet-runtime")]
[Allow("@aspnetcore")]
internal static partial class WebSandbox;

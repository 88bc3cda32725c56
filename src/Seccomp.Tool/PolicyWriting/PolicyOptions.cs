// `dotnet-seccomp policy`'s options, as PolicyCommand parsed them.

using Seccomp.Compiler;

namespace Seccomp.Tool;

internal sealed class PolicyOptions
{
    public required string Namespace { get; init; }
    public required string ClassName { get; init; }
    public required string Output { get; init; }
    public SeccompAction DefaultAction { get; init; } = SeccompAction.Errno;

    /// <summary>--exact: only what was recorded (and @dotnet-runtime, which the recorder does not record); no capability groups.</summary>
    public bool Exact { get; init; }
}

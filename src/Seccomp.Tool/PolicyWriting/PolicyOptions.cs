// `dotnet-seccomp policy`'s options, as PolicyCommand parsed them.

using System;
using System.Collections.Generic;
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

    /// <summary>
    /// The app's entry assemblies (--app, and the .dll a recorded command names where it exists): the capability groups
    /// of the API areas their code calls are allowed too, though the recorded run never went there. Not with --exact.
    /// </summary>
    public IReadOnlyList<string> Apps { get; init; } = Array.Empty<string>();
}

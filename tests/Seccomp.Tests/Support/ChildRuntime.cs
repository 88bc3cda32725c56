namespace Seccomp.Tests.Support;

/// <summary>
/// The .NET runtime a child process runs on. The package's runtime library targets net8.0, so every filter-applying
/// kernel scenario runs on the oldest runtime it supports as well as on the SDK's own.
/// </summary>
public enum ChildRuntime
{
    /// <summary>net10.0, on the shared framework of the SDK the tests run with (started as <c>dotnet child.dll</c>).</summary>
    Net10,

    /// <summary>
    /// net8.0, self-contained: the 8.0 runtime pack restored from NuGet travels with the published app (no 8.0 shared
    /// framework is installed), started through its apphost.
    /// </summary>
    Net8,
}

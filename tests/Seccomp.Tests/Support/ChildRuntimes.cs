using System.IO;
using System.Runtime.InteropServices;
using Xunit;

namespace Seccomp.Tests.Support;

/// <summary>
/// Theory data over the runtimes a child can run on, and where each runtime's build of a test program is.
/// </summary>
internal static class ChildRuntimes
{
    public static readonly ChildRuntime[] All = { ChildRuntime.Net10, ChildRuntime.Net8 };

    /// <summary>Each runtime, as theory data.</summary>
    public static TheoryData<ChildRuntime> Each()
    {
        var data = new TheoryData<ChildRuntime>();
        foreach (var r in All) data.Add(r);
        return data;
    }

    /// <summary>The runtime identifier the net8.0 children are published for: this machine's (the csproj computes the same).</summary>
    public static string Rid => "linux-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    /// <summary>
    /// The published self-contained net8.0 build of a test program under tests/ (Seccomp.Tests.csproj publishes it
    /// after its own build): the folder holding the apphost and the 8.0 runtime.
    /// </summary>
    public static string Net8Folder(string project) =>
        Path.Combine(Paths.Repo, "tests", project, "bin", Paths.Configuration, "net8.0", Rid, "publish");

    /// <summary>
    /// The command that starts a test program on a runtime, before the program's own arguments: <c>dotnet X.dll</c> on
    /// .NET 10, the apphost of the self-contained publish on .NET 8.
    /// </summary>
    public static string[] Command(ChildRuntime runtime, string project, string net10Dll) => runtime switch
    {
        ChildRuntime.Net8 => new[] { Path.Combine(Net8Folder(project), project) },
        _ => new[] { "dotnet", net10Dll },
    };
}

using System;
using System.IO;

namespace Seccomp.Tests.Support;

internal static class Paths
{
    /// <summary>The repository root: the folder holding Seccomp.Generators.sln, above the test binaries.</summary>
    public static string Repo { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Seccomp.Generators.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A file under ../shared, which sits beside the repository (SECCOMP_SHARED overrides).</summary>
    public static string Shared(string relative) =>
        Path.Combine(Environment.GetEnvironmentVariable("SECCOMP_SHARED") ?? Path.Combine(Repo, "..", "shared"), relative);
}

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

    /// <summary>
    /// The built assembly of a test program under tests/ (built first through a ReferenceOutputAssembly=false
    /// reference, started from its own folder), in this test run's configuration.
    /// </summary>
    public static string TestProgram(string project) =>
        Path.Combine(Repo, "tests", project, "bin", Configuration, "net10.0", project + ".dll");

    /// <summary>This test run's configuration (Debug, Release): the name of the folder above the test binaries'.</summary>
    public static string Configuration { get; } =
        Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!;

    /// <summary>A file of the repository's data/ folder (the factual tables the tools and tests read).</summary>
    public static string Data(string relative) => Path.Combine(Repo, "data", relative);
}

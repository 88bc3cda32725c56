using System;
using System.IO;
using System.Text.Json;
using Seccomp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tests;

/// <summary>
/// The kernel tests' children run on the runtime they say they do (issue 23, item 6): the .NET 8 child on the 8.0
/// runtime it was published with, loaded from its own folder (no 8.0 shared framework is installed), the .NET 10 child
/// on the test host's shared framework.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
public class ChildRuntimeTests
{
    private readonly ITestOutputHelper _output;

    public ChildRuntimeTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void TheNet8ChildRunsOnThe80RuntimeItCarries()
    {
        var r = ChildProcess.RunToEnd(ChildRuntime.Net8, "runtime");
        _output.WriteLine(r["framework"]);
        string folder = ChildRuntimes.Net8Folder("Seccomp.TestChild");
        // The runtime pack's version, as the publish wrote it (the SDK picks the 8.0 patch it knows).
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "Seccomp.TestChild.runtimeconfig.json")));
        var framework = config.RootElement.GetProperty("runtimeOptions").GetProperty("includedFrameworks")[0];
        Assert.Equal("Microsoft.NETCore.App", framework.GetProperty("name").GetString());
        var published = Version.Parse(framework.GetProperty("version").GetString()!);
        Assert.Equal((8, 0), (published.Major, published.Minor));
        Assert.Equal(published, Version.Parse(r["version"]));
        Assert.Equal($".NET {published}", r["framework"]);
        Assert.Equal(folder, r["corelib_dir"]);
        Assert.Equal(folder, r["app_dir"]);
    }

    [Fact]
    public void TheNet10ChildRunsOnTheTestHostsSharedFramework()
    {
        var r = ChildProcess.RunToEnd(ChildRuntime.Net10, "runtime");
        _output.WriteLine(r["framework"]);
        Assert.Equal(10, Environment.Version.Major);
        Assert.Equal(Environment.Version.ToString(), r["version"]);
        Assert.Equal(Path.GetDirectoryName(typeof(object).Assembly.Location), r["corelib_dir"]);
    }
}
